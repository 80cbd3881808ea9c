// Disk quota backends as the quota module sees them: one read-only script for
// every entry a task names, a pure parser, and one command per entry to set.
// Block limits are bytes here; each backend converts to its own unit.
import type { Command } from '../../../runner/quote.js';

export type QuotaKind = 'user' | 'group';

/** Block limits in bytes, inode limits as counts; 0 means no limit. */
export interface Limits {
  block_soft: number;
  block_hard: number;
  inode_soft: number;
  inode_hard: number;
}

export const LIMIT_NAMES = ['block_soft', 'block_hard', 'inode_soft', 'inode_hard'] as const;

export const NO_LIMITS: Limits = { block_soft: 0, block_hard: 0, inode_soft: 0, inode_hard: 0 };

/** One user or group the task names: a name, or '#1001' for a numeric id. */
export interface QuotaKey {
  kind: QuotaKind;
  name: string;
}

export const keyOf = (k: QuotaKey): string => `${k.kind}:${k.name}`;

export interface QuotaBackend {
  readonly name: 'ext4' | 'xfs' | 'zfs';
  /** Bytes per block unit the backend stores (1024 for setquota/xfs_quota): wanted sizes are rounded up to it. */
  readonly blockUnit: number;
  /** Limits the backend cannot hold, as an error message (zfs has no soft limits). */
  unsupported(limits: Partial<Limits>): string | undefined;
  readCommand(filesystem: string, keys: readonly QuotaKey[]): Command;
  /** Current limits by keyOf(); null for a user or group the host does not know. */
  parseRead(stdout: string, keys: readonly QuotaKey[]): Map<string, Limits | null>;
  setCommand(filesystem: string, key: QuotaKey, limits: Limits): Command;
}
