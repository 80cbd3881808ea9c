// Files on the controller that `drover vault` rewrites: written to a temp file
// in the same directory and renamed over the original, so an interrupted
// encrypt never leaves half a file (or a plaintext and a ciphertext mixed).
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.js';

export function readLocalFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError([{ message: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
}

/** Replace `path` atomically, keeping its mode (a new file gets `mode`). */
export function writeLocalFileAtomic(path: string, content: string, mode = 0o600): void {
  const keep = statSync(path, { throwIfNoEntry: false })?.mode;
  const temp = join(dirname(path), `.${basename(path)}.drover-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(temp, content, { mode: 0o600, flag: 'wx' });
    chmodSync(temp, keep !== undefined ? keep & 0o7777 : mode); // exact, whatever the umask
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new InputError([{ message: `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
}
