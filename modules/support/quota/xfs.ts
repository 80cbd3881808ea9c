// XFS: xfs_quota in expert mode. `report -n -N -b -i` lists numeric ids with
// block (KiB) and inode limits; `limit` sets one id's four limits. The -c
// argument is parsed again by xfs_quota's own tokenizer, which is why the
// quota module accepts only plain names (letters, digits, '_', '.', '-').
import { sh, joinCommands } from '../../../runner/quote.js';
import { idLookupCommand, parseIds } from './ids.js';
import { keyOf, NO_LIMITS, type Limits, type QuotaBackend } from './types.js';

// '#1001  used soft hard warns [grace]  used soft hard warns [grace]'; grace may hold spaces ('[7 days]').
const LINE = /^#(\d+)\s+\d+\s+(\d+)\s+(\d+)\s+\d+\s+\[[^\]]*\]\s+\d+\s+(\d+)\s+(\d+)\s+\d+\s+\[[^\]]*\]/;

export function parseXfsReport(text: string): Map<number, Limits> {
  const limits = new Map<number, Limits>();
  for (const line of text.split('\n')) {
    const m = LINE.exec(line.trim());
    if (m) limits.set(Number(m[1]), { block_soft: Number(m[2]) * 1024, block_hard: Number(m[3]) * 1024, inode_soft: Number(m[4]), inode_hard: Number(m[5]) });
  }
  return limits;
}

export const xfs: QuotaBackend = {
  name: 'xfs',
  blockUnit: 1024,
  unsupported: () => undefined,

  readCommand(filesystem, keys) {
    const kinds = (['user', 'group'] as const).filter((kind) => keys.some((k) => k.kind === kind));
    return joinCommands([
      idLookupCommand(keys),
      ...kinds.map((kind) => sh`echo ${`report ${kind}`}; xfs_quota -x -c ${`report -${kind[0]} -n -N -b -i`} ${filesystem} || exit 1`),
    ]);
  },

  parseRead(stdout, keys) {
    const ids = parseIds(stdout);
    const byKind = new Map<string, Map<number, Limits>>();
    for (const part of stdout.split(/^report /m).slice(1)) byKind.set(part.slice(0, part.indexOf('\n')), parseXfsReport(part));
    const result = new Map<string, Limits | null>();
    for (const key of keys) {
      const id = ids.get(keyOf(key));
      result.set(keyOf(key), id === undefined ? null : (byKind.get(key.kind)?.get(id) ?? NO_LIMITS));
    }
    return result;
  },

  setCommand(filesystem, key, l) {
    const who = key.name.startsWith('#') ? key.name.slice(1) : key.name;
    const kib = (bytes: number) => `${Math.ceil(bytes / 1024)}k`;
    const limit = `limit -${key.kind[0]} bsoft=${kib(l.block_soft)} bhard=${kib(l.block_hard)} isoft=${l.inode_soft} ihard=${l.inode_hard} ${who}`;
    return sh`xfs_quota -x -c ${limit} ${filesystem}`;
  },
};
