// The file module's `attributes` (chattr flags: 'A', '+i', '-a'), as Ansible's
// set_attributes_if_different decides them: lsattr -d reads the flags (none
// when lsattr fails, as on a filesystem without flags); 'FLAGS' (or '=FLAGS')
// and '+FLAGS' change unless the flags read are exactly FLAGS (Ansible
// compares the whole string, not the set of letters), '-FLAGS' always
// changes. chattr runs in apply; when it fails the task fails with Ansible's
// 'chattr failed' and the reason in `details`.
import { ModuleFailure } from '../../runner/module-api.js';
import type { Host } from '../../runner/host/types.js';
import { sh } from '../../runner/quote.js';

export const flagsSchemaProperties = {
  attributes: {
    type: 'string',
    description: "File attributes as chattr takes them (alias attr): 'A' sets exactly these, '+A' adds, '-A' removes (which always reports a change, as in Ansible).",
  },
} as const;

export interface FlagsChange {
  path: string;
  /** chattr's mode argument: '=A', '+A', '-A'. */
  spec: string;
  before: string;
}

/** The flags lsattr shows for path, without the dashes; '' when lsattr cannot read them. */
export async function readFlags(host: Host, path: string): Promise<string> {
  const r = await host.run(sh`lsattr -d -- ${path}`);
  if (r.rc !== 0) return '';
  return (r.stdout.trim().split(/\s+/)[0] ?? '').replace(/-/g, '');
}

/** What chattr has to do for `wanted`, or null when Ansible would see nothing to change. */
export async function planFlags(host: Host, path: string, wanted: string | undefined): Promise<FlagsChange | null> {
  if (wanted === undefined) return null;
  const op = wanted.startsWith('-') || wanted.startsWith('+') ? wanted[0]! : '=';
  const flags = op === '=' ? wanted : wanted.slice(1);
  const before = await readFlags(host, path);
  if (before === flags && op !== '-') return null;
  return { path, spec: `${op}${flags}`, before };
}

export function flagsSentence(change: FlagsChange): string {
  return `attributes of ${change.path}: ${change.before || '(none)'} -> ${change.spec}`;
}

export async function applyFlags(host: Host, change: FlagsChange): Promise<void> {
  const r = await host.run(sh`chattr ${change.spec} -- ${change.path}`);
  // Like Ansible: a non-zero exit or anything on stderr is a failure.
  if (r.rc !== 0 || r.stderr !== '') {
    throw new ModuleFailure('chattr failed', { path: change.path, details: `Error while setting attributes: ${r.stdout}${r.stderr}` });
  }
}
