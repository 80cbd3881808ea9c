// quota: per-user and per-group disk limits on one filesystem, from a map
// (name -> size, or name -> the four limits). ext2/3/4 through the quota
// tools (setquota/repquota), xfs through xfs_quota, zfs through dataset
// properties. Sizes are compared in bytes, after rounding to what the
// filesystem stores, so '10G' and '10240M' are the same limit. Limits a task
// does not name are kept as they are.
import { defineModule, ModuleFailure, type Plan } from '../runner/module-api.js';
import type { Host } from '../runner/host/types.js';
import { joinCommands, sh } from '../runner/quote.js';
import { formatSize, parseSize, sizeSchema } from './support/sizes.js';
import { ext4 } from './support/quota/ext4.js';
import { xfs } from './support/quota/xfs.js';
import { zfsBackend } from './support/quota/zfs.js';
import { keyOf, LIMIT_NAMES, type Limits, type QuotaBackend, type QuotaKey } from './support/quota/types.js';

const count = { type: 'integer', minimum: 0 } as const;
const limitsSchema = {
  oneOf: [
    { ...sizeSchema, description: "A size alone is the hard block limit ('10G'); the other limits are kept." },
    {
      type: 'object',
      additionalProperties: false,
      description: 'Any of the four limits; those not given are kept.',
      properties: {
        block_soft: { ...sizeSchema, description: 'Soft block limit (a size; 0: none). Not on zfs.' },
        block_hard: { ...sizeSchema, description: 'Hard block limit (a size; 0: none).' },
        inode_soft: { ...count, description: 'Soft limit on the number of files (0: none). Not on zfs.' },
        inode_hard: { ...count, description: 'Hard limit on the number of files (0: none).' },
      },
    },
  ],
} as const;
const limitsMap = (who: string) =>
  ({
    type: 'object',
    additionalProperties: limitsSchema,
    description: `${who} name (or '#ID' for a numeric id) -> a size, the hard block limit ('10G'), or any of {block_soft, block_hard, inode_soft, inode_hard}; limits not given are kept.`,
  }) as const;

// Plain names only: they also travel inside xfs_quota's -c string and zfs property names.
const NAME = /^(#[0-9]+|[A-Za-z0-9_][A-Za-z0-9_.-]*\$?)$/;

type WantedLimits = Partial<Limits>;

interface QuotaState {
  backend: QuotaBackend;
  filesystem: string;
  updates: { key: QuotaKey; limits: Limits }[];
}

function wantedLimits(value: string | number | Record<string, unknown>): WantedLimits {
  if (typeof value !== 'object') return { block_hard: parseSize(value) };
  const out: WantedLimits = {};
  for (const name of LIMIT_NAMES) {
    const v = value[name] as string | number | undefined;
    if (v !== undefined) out[name] = name.startsWith('block') ? parseSize(v) : Number(v);
  }
  return out;
}

/** 'auto': a name without a leading '/' is a zfs dataset; otherwise the mounted filesystem's type decides. */
async function chooseBackend(host: Host, filesystem: string, wanted: string, perUserDataset: boolean): Promise<QuotaBackend> {
  const type = wanted !== 'auto' ? wanted : filesystem.startsWith('/') ? (await host.check(sh`findmnt -n -o FSTYPE --target ${filesystem}`)).stdout.trim() : 'zfs';
  if (type === 'zfs') return zfsBackend(perUserDataset);
  if (type === 'xfs') return xfs;
  if (/^ext[234]$/.test(type)) return ext4;
  throw new ModuleFailure(`${filesystem} is ${type}: quota supports ext2/3/4, xfs and zfs`);
}

const show = (l: Limits) =>
  `block_soft=${formatSize(l.block_soft)} block_hard=${formatSize(l.block_hard)} inode_soft=${l.inode_soft} inode_hard=${l.inode_hard}`;

export default defineModule({
  name: 'quota',
  summary: 'Set per-user and per-group disk quotas (ext4 via setquota, xfs via xfs_quota, zfs via userquota@/refquota).',
  changedWhen: 'a named user or group had a different limit, compared in bytes (blocks) or counts (inodes).',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['filesystem'],
    properties: {
      filesystem: { type: 'string', pattern: '^[^-]', description: 'The mount point (ext4, xfs) or the dataset (zfs, e.g. tank/home).' },
      backend: { enum: ['auto', 'ext4', 'xfs', 'zfs'], default: 'auto', description: 'auto: zfs for a dataset name, else by the mounted filesystem type (ext2/3/4 use the ext4 backend).' },
      users: { ...limitsMap('User'), default: {} },
      groups: { ...limitsMap('Group'), default: {} },
      zfs_per_user_dataset: {
        type: 'boolean',
        default: false,
        description: "zfs: a user's block_hard is the refquota of the dataset FILESYSTEM/NAME (one dataset per home) instead of userquota@NAME.",
      },
    },
  },
  async plan(host, params): Promise<Plan<QuotaState>> {
    const wanted = new Map<string, { key: QuotaKey; limits: WantedLimits }>();
    for (const [kind, map] of [['user', params.users], ['group', params.groups]] as const) {
      for (const [name, value] of Object.entries(map)) {
        if (!NAME.test(name)) throw new ModuleFailure(`${kind} name ${JSON.stringify(name)}: use a plain name or '#ID'`);
        const key = { kind, name };
        wanted.set(keyOf(key), { key, limits: wantedLimits(value as string | number | Record<string, unknown>) });
      }
    }
    const backend = await chooseBackend(host, params.filesystem, params.backend, params.zfs_per_user_dataset);
    for (const { key, limits } of wanted.values()) {
      const problem = backend.unsupported(limits);
      if (problem) throw new ModuleFailure(`${key.kind} ${key.name}: ${problem}`);
    }
    const keys = [...wanted.values()].map((w) => w.key);
    if (keys.length === 0) return { changes: [] };
    const current = backend.parseRead((await host.check(backend.readCommand(params.filesystem, keys))).stdout, keys);

    const changes: string[] = [];
    const updates: QuotaState['updates'] = [];
    const before: string[] = [];
    const after: string[] = [];
    for (const { key, limits } of wanted.values()) {
      const now = current.get(keyOf(key));
      if (!now) throw new ModuleFailure(`no ${key.kind} named ${key.name} on ${host.name}`);
      const unit = (n: number) => Math.ceil(n / backend.blockUnit) * backend.blockUnit;
      const target: Limits = { ...now };
      for (const name of LIMIT_NAMES) if (limits[name] !== undefined) target[name] = name.startsWith('block') ? unit(limits[name]) : limits[name];
      const differ = LIMIT_NAMES.filter((name) => target[name] !== now[name]);
      before.push(`${key.kind} ${key.name}: ${show(now)}`);
      after.push(`${key.kind} ${key.name}: ${show(target)}`);
      if (differ.length === 0) continue;
      const what = differ.map((name) => `${name} ${name.startsWith('block') ? `${formatSize(now[name])} -> ${formatSize(target[name])}` : `${now[name]} -> ${target[name]}`}`);
      changes.push(`${key.kind} ${key.name} on ${params.filesystem}: ${what.join(', ')}`);
      updates.push({ key, limits: target });
    }
    return {
      changes,
      diff: changes.length ? [{ label: `quota on ${params.filesystem}`, before: `${before.join('\n')}\n`, after: `${after.join('\n')}\n` }] : [],
      state: { backend, filesystem: params.filesystem, updates },
      result: { backend: backend.name, filesystem: params.filesystem },
    };
  },
  async apply(host, _params, plan) {
    const { backend, filesystem, updates } = plan.state as QuotaState;
    await host.check(joinCommands([sh`set -e`, ...updates.map((u) => backend.setCommand(filesystem, u.key, u.limits))]));
    return { result: plan.result };
  },
});
