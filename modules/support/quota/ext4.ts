// ext2/3/4 (and any filesystem the Linux quota tools drive through quota
// files): `repquota -O csv` reads every limit at once, `setquota` writes one
// id's four limits. Both count blocks in KiB. Reports list numeric ids (-n),
// so names are resolved first with getent.
import { sh, joinCommands } from '../../../runner/quote.js';
import { idLookupCommand, parseIds } from './ids.js';
import { keyOf, NO_LIMITS, type Limits, type QuotaBackend, type QuotaKind } from './types.js';

const FLAG: Record<QuotaKind, string> = { user: '-u', group: '-g' };

/** Parse `repquota -v -p -n -O csv`: '#id,status,status,used,soft,hard,grace,used,soft,hard,grace'. */
export function parseRepquotaCsv(csv: string): Map<number, Limits> {
  const limits = new Map<number, Limits>();
  for (const line of csv.split('\n')) {
    const f = line.split(',');
    if (!f[0]?.startsWith('#') || f.length < 11) continue;
    const n = (i: number) => Number(f[i]);
    limits.set(Number(f[0].slice(1)), { block_soft: n(4) * 1024, block_hard: n(5) * 1024, inode_soft: n(8), inode_hard: n(9) });
  }
  return limits;
}

export const ext4: QuotaBackend = {
  name: 'ext4',
  blockUnit: 1024,
  unsupported: () => undefined,

  readCommand(filesystem, keys) {
    const kinds = (['user', 'group'] as const).filter((kind) => keys.some((k) => k.kind === kind));
    return joinCommands([
      idLookupCommand(keys),
      ...kinds.map((kind) => sh`echo ${`report ${kind}`}; repquota ${FLAG[kind]} -v -p -n -O csv -- ${filesystem} || exit 1`),
    ]);
  },

  parseRead(stdout, keys) {
    const ids = parseIds(stdout);
    const reports = new Map<string, string>();
    for (const part of stdout.split(/^report /m).slice(1)) reports.set(part.slice(0, part.indexOf('\n')), part);
    const byKind = new Map<string, Map<number, Limits>>([...reports].map(([kind, text]) => [kind, parseRepquotaCsv(text)]));
    const result = new Map<string, Limits | null>();
    for (const key of keys) {
      const id = ids.get(keyOf(key));
      // An id without an entry in the report has never had usage or limits: no limits.
      result.set(keyOf(key), id === undefined ? null : (byKind.get(key.kind)?.get(id) ?? NO_LIMITS));
    }
    return result;
  },

  setCommand(filesystem, key, l: Limits) {
    const kib = (bytes: number) => String(Math.ceil(bytes / 1024));
    const who = key.name.startsWith('#') ? key.name.slice(1) : key.name;
    return sh`setquota ${FLAG[key.kind]} -- ${who} ${kib(l.block_soft)} ${kib(l.block_hard)} ${String(l.inode_soft)} ${String(l.inode_hard)} ${filesystem}`;
  },
};
