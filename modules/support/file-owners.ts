// Whether the owner and group a file task names exist on the host, asked the
// way Ansible's file module asks: a number is a uid/gid, anything else a name.
// In check mode Ansible warns about each one missing ("Create user up to this
// point in real play"); setting a missing name fails in both modes, while a
// missing number is simply given to chown, as Ansible's os.chown does.
import { ModuleFailure } from '../../runner/module-api.js';
import type { Host } from '../../runner/host/types.js';
import { sh } from '../../runner/quote.js';

export interface MissingAccounts {
  /** check_owner_exists / check_group_exists's warnings. */
  warnings: string[];
  /** The failure when the file's owner or group is to be set: only for names, as Ansible. */
  failure?: string;
}

const isId = (value: string) => /^\s*[+-]?\d+\s*$/.test(value);

export async function missingAccounts(host: Host, owner: string | undefined, group: string | undefined): Promise<MissingAccounts> {
  if (owner === undefined && group === undefined) return { warnings: [] };
  const user = owner === undefined ? sh`:` : sh`getent passwd -- ${owner.trim()} >/dev/null || echo user`;
  const grp = group === undefined ? sh`:` : sh`getent group -- ${group.trim()} >/dev/null || echo group`;
  const out = (await host.run(sh`${user}; ${grp}`)).stdout.split('\n');
  const warnings: string[] = [];
  let failure: string | undefined;
  if (owner !== undefined && out.includes('user')) {
    warnings.push(isId(owner) ? `failed to look up user with uid ${owner}. Create user up to this point in real play` : `failed to look up user ${owner}. Create user up to this point in real play`);
    if (!isId(owner)) failure = `chown failed: failed to look up user ${owner}`;
  }
  if (group !== undefined && out.includes('group')) {
    warnings.push(isId(group) ? `failed to look up group with gid ${group}. Create group up to this point in real play` : `failed to look up group ${group}. Create group up to this point in real play`);
    if (!isId(group) && failure === undefined) failure = `chgrp failed: failed to look up group ${group}`;
  }
  return { warnings, failure };
}

/** Fails as Ansible's set_owner_if_different / set_group_if_different do when the file's owner or group is set. */
export function failOnMissing(missing: MissingAccounts, path: string): void {
  if (missing.failure !== undefined) throw new ModuleFailure(missing.failure, { path });
}
