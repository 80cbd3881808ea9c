// The project files of a run, content-addressed: the controller packs the
// directory that holds the playbook and the inventory, names the pack by its
// SHA-256, and every worker unpacks exactly that, after checking the hash.
// Vault files travel as they are on disk (encrypted); files holding private
// keys never travel.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat as statOf, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../errors.js';

export interface BundleFile {
  /** Relative to the bundle's root, with / separators. */
  path: string;
  mode: number;
  /** base64. */
  content: string;
}

export interface Bundle {
  hash: string;
  files: BundleFile[];
}

/** More than this is not a project of playbooks: refuse rather than flood Redis. */
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;
/** Never part of a project's run. */
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);
/** Content that must not leave the controller. */
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----|AGE-SECRET-KEY-1/;

/** The deepest directory that holds every one of these paths. */
export function commonRoot(paths: readonly string[]): string {
  const parts = paths.map((p) => resolve(p).split(sep));
  const first = parts[0]!;
  let n = 0;
  while (n < first.length && parts.every((p) => p[n] === first[n])) n += 1;
  return first.slice(0, n).join(sep) || sep;
}

/** The hash names the files' paths, modes and contents, in path order. */
export function bundleHash(files: readonly BundleFile[]): string {
  const outer = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const inner = createHash('sha256').update(Buffer.from(f.content, 'base64')).digest('hex');
    outer.update(`${f.path}\0${f.mode.toString(8)}\0${inner}\n`);
  }
  return outer.digest('hex');
}

/** Pack every file under root; `excluded` (key files given on the command line) and files holding private keys stay behind, and are named. */
export async function packBundle(root: string, excluded: readonly string[] = []): Promise<{ bundle: Bundle; leftOut: string[] }> {
  const skip = new Set(excluded.map((p) => resolve(p)));
  const files: BundleFile[] = [];
  const leftOut: string[] = [];
  let bytes = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) await walk(full);
        continue;
      }
      // Symbolic links travel as the file they point to, as a copy would make them; dangling ones not at all.
      const stat = await statOf(full).catch(() => undefined);
      if (!stat?.isFile()) continue;
      const path = relative(root, full).split(sep).join('/');
      if (skip.has(full)) {
        leftOut.push(path);
        continue;
      }
      const content = await readFile(full);
      if (PRIVATE_KEY.test(content.toString('latin1'))) {
        leftOut.push(path);
        continue;
      }
      bytes += content.length;
      if (bytes > MAX_BUNDLE_BYTES) {
        throw new InputError([{ message: `--redis: the project directory ${root} holds more than ${MAX_BUNDLE_BYTES / 1024 / 1024} MiB; workers get every file under the directory that holds the playbook and the inventory, so keep them in a project directory of their own` }]);
      }
      files.push({ path, mode: stat.mode & 0o777, content: content.toString('base64') });
    }
  };
  await walk(root);
  return { bundle: { hash: bundleHash(files), files }, leftOut };
}

/** Where a worker keeps unpacked bundles: $XDG_CACHE_HOME/drover/bundles. */
export function defaultBundleCache(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'drover', 'bundles');
}

export class BundleMismatch extends Error {}

/**
 * The bundle's directory under cache, unpacked once: a bundle whose files do
 * not hash to what the job names is refused, so a worker runs exactly the
 * controller's version or nothing.
 */
export async function unpackBundle(bundle: Bundle, expectedHash: string, cache: string): Promise<string> {
  const actual = bundleHash(bundle.files);
  if (actual !== expectedHash || bundle.hash !== expectedHash) {
    throw new BundleMismatch(`the project bundle's files hash to ${actual}, not ${expectedHash} as the job says: refusing to run a different version of the project than the controller's`);
  }
  const target = join(cache, expectedHash);
  if (existsSync(target)) return target;
  await mkdir(cache, { recursive: true, mode: 0o700 });
  // Unpacked beside the target and renamed into place: a worker killed half-way leaves no half bundle under the hash's name.
  const staging = await mkdtemp(join(cache, '.unpacking-'));
  try {
    for (const f of bundle.files) {
      if (isAbsolute(f.path) || f.path.split('/').includes('..')) throw new BundleMismatch(`the project bundle names a path outside itself: ${f.path}`);
      const full = join(staging, ...f.path.split('/'));
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, Buffer.from(f.content, 'base64'), { mode: f.mode });
    }
    await rename(staging, target).catch(async (error: NodeJS.ErrnoException) => {
      // Another worker process on this machine unpacked the same bundle first.
      if (!existsSync(target)) throw error;
      await rm(staging, { recursive: true, force: true });
    });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return target;
}
