// Names to numeric ids on the target (getent, so LDAP/NSS users count), the
// shared first part of the ext4 and xfs read scripts: their reports list ids.
import { sh, joinCommands, type Command } from '../../../runner/quote.js';
import { keyOf, type QuotaKey } from './types.js';

/** Prints `id<TAB>kind:name<TAB>number` per key; the number is empty for an unknown name. */
export function idLookupCommand(keys: readonly QuotaKey[]): Command {
  return joinCommands(
    keys.map((k) => {
      if (k.name.startsWith('#')) return sh`printf 'id\\t%s\\t%s\\n' ${keyOf(k)} ${k.name.slice(1)}`;
      const db = k.kind === 'user' ? 'passwd' : 'group';
      return sh`printf 'id\\t%s\\t%s\\n' ${keyOf(k)} "$(getent ${db} -- ${k.name} | head -n 1 | cut -d: -f3)"`;
    }),
  );
}

/** keyOf -> numeric id (undefined: unknown on the host). */
export function parseIds(stdout: string): Map<string, number | undefined> {
  const ids = new Map<string, number | undefined>();
  for (const line of stdout.split('\n')) {
    const [tag, key, id] = line.split('\t');
    if (tag === 'id' && key !== undefined) ids.set(key, id ? Number(id) : undefined);
  }
  return ids;
}
