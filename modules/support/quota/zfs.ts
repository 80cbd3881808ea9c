// ZFS: per-user and per-group properties of a dataset (userquota@NAME,
// userobjquota@NAME, groupquota@..., groupobjquota@...), in bytes and object
// counts; ZFS has no soft limits. With perUserDataset, a user's limit is the
// `refquota` of the dataset FILESYSTEM/NAME instead (one dataset per home, as
// hubs that name homes by user hash do).
import { sh, joinCommands, type Command } from '../../../runner/quote.js';
import { keyOf, type Limits, type QuotaBackend, type QuotaKey } from './types.js';

interface Props {
  dataset: string;
  block: string;
  /** undefined: the layout has no object limit (refquota). */
  objects?: string;
}

function props(filesystem: string, key: QuotaKey, perUserDataset: boolean): Props {
  const who = key.name.startsWith('#') ? key.name.slice(1) : key.name;
  if (perUserDataset && key.kind === 'user') return { dataset: `${filesystem}/${who}`, block: 'refquota' };
  return { dataset: filesystem, block: `${key.kind}quota@${who}`, objects: `${key.kind}objquota@${who}` };
}

/** `zfs get -H -p` prints '-' or 'none' for an unset property, else a number. */
const value = (text: string | undefined): number => (text === undefined || !/^[0-9]+$/.test(text) ? 0 : Number(text));

export function zfsBackend(perUserDataset: boolean): QuotaBackend {
  return {
    name: 'zfs',
    blockUnit: 1,
    unsupported(l) {
      if (l.block_soft || l.inode_soft) return 'ZFS has no soft limits: give block_hard / inode_hard only';
      if (perUserDataset && l.inode_hard) return 'refquota limits bytes only: no inode_hard with zfs_per_user_dataset';
      return undefined;
    },
    readCommand(filesystem, keys) {
      return joinCommands(
        keys.map((key): Command => {
          const p = props(filesystem, key, perUserDataset);
          const names = [p.block, ...(p.objects ? [p.objects] : [])].join(',');
          // Each line tagged with the key it answers; a missing dataset fails the read.
          return sh`out=$(zfs get -H -p -o property,value ${names} ${p.dataset}) || exit 1
printf '%s\n' "$out" | while IFS= read -r line; do printf '%s\t%s\n' ${keyOf(key)} "$line"; done`;
        }),
      );
    },
    parseRead(stdout, keys) {
      const values = new Map<string, string>();
      for (const line of stdout.split('\n')) {
        const [key, prop, v] = line.split('\t');
        if (key !== undefined && prop !== undefined) values.set(`${key}\t${prop}`, v ?? '');
      }
      const result = new Map<string, Limits | null>();
      for (const key of keys) {
        const p = props('', key, perUserDataset);
        const get = (prop: string | undefined) => (prop === undefined ? 0 : value(values.get(`${keyOf(key)}\t${prop}`)));
        result.set(keyOf(key), { block_soft: 0, block_hard: get(p.block), inode_soft: 0, inode_hard: get(p.objects) });
      }
      return result;
    },
    setCommand(filesystem, key, l) {
      const p = props(filesystem, key, perUserDataset);
      // zfs spells "no limit" as none.
      const v = (n: number) => (n === 0 ? 'none' : String(n));
      const assignments = [`${p.block}=${v(l.block_hard)}`, ...(p.objects ? [`${p.objects}=${v(l.inode_hard)}`] : [])];
      return sh`zfs set ${assignments} ${p.dataset}`;
    },
  };
}
