// The largest playbook, inventory or vars file drover reads. YAML is parsed
// into a full document tree before any value is built, which costs about 100
// times the file in memory (measured: a 14 MB list took 10 s and 1.4 GB; a
// 22 MB mapping did not finish in 120 s, and 100 MB ran out of memory after
// 6.5 min). So a file over the limit is refused before it is read, with its
// size and the limit. DROVER_MAX_INPUT_FILE_SIZE (bytes) raises it.
import { stat } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { InputError } from './errors.js';

/** 4 MiB: well above real group_vars and playbooks, and parsed in well under a second. */
export const DEFAULT_MAX_INPUT_FILE_SIZE = 4 * 1024 * 1024;

export function maxInputFileSize(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DROVER_MAX_INPUT_FILE_SIZE;
  if (raw === undefined || raw.trim() === '') return DEFAULT_MAX_INPUT_FILE_SIZE;
  if (!/^\s*\d+\s*$/.test(raw)) throw new InputError([{ message: `DROVER_MAX_INPUT_FILE_SIZE=${JSON.stringify(raw)} is not a whole number of bytes` }]);
  return Number.parseInt(raw, 10);
}

function check(shown: string, size: number): void {
  const limit = maxInputFileSize();
  if (size <= limit) return;
  throw new InputError([
    { message: `${shown} is ${size} bytes, over the ${limit}-byte limit for playbook, inventory and vars files (set DROVER_MAX_INPUT_FILE_SIZE to raise it)` },
  ]);
}

/** Refuse `path` (shown as `shown`) when it is over the limit; a file that cannot be stat'ed is left to the read's own error. */
export async function checkInputFileSize(path: string, shown: string): Promise<void> {
  const size = await stat(path).then((s) => (s.isFile() ? s.size : 0), () => 0);
  check(shown, size);
}

export function checkInputFileSizeSync(path: string, shown: string): void {
  let size = 0;
  try {
    const s = statSync(path);
    if (s.isFile()) size = s.size;
  } catch {
    // The read that follows reports it.
  }
  check(shown, size);
}
