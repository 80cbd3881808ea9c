// group_vars/ and host_vars/ as Ansible's host_group_vars plugin finds them
// (DataLoader.find_vars_files): for an entity NAME, the first of NAME,
// NAME.yml, NAME.yaml, NAME.json that exists; if it is a directory, every
// file in it and its subdirectories, in sorted order, skipping hidden files,
// backups (~) and other extensions. Only names of existing groups and hosts
// are looked up, so a stray group_vars/foo.yml does nothing, as in Ansible.
// File reading goes through one hook; vaults are opened after it (runner/vault).

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { checkInputFileSize } from '../input-size.js';
import { InventoryError } from './errors.js';
import { parseYaml, toJS } from './yamlschema.js';
import type { VarLayer } from './data.js';
import { loadVaultedYaml, openVaultFile } from '../vault/load.js';

/** Returns the plain text of a file; a vault-aware reader decrypts here. */
export type ReadVarsFile = (absPath: string) => Promise<string>;

export const defaultReadVarsFile: ReadVarsFile = async (absPath) => {
  await checkInputFileSize(absPath, path.relative(process.cwd(), absPath) || absPath);
  return fs.readFile(absPath, 'utf8');
};

export interface FileContext {
  cwd: string;
  read: ReadVarsFile;
}

export const VAR_EXTENSIONS = ['.yml', '.yaml', '.json'];

/** The path as shown to users: relative to the working directory. */
export function displayPath(ctx: FileContext, abs: string): string {
  return path.relative(ctx.cwd, abs) || '.';
}

/** Reads through the hook; a file that is wholly a vault is decrypted. */
export async function readText(ctx: FileContext, abs: string): Promise<string> {
  return openVaultFile(await ctx.read(abs), displayPath(ctx, abs));
}

/** The vars of one group_vars/host_vars file, or undefined when it is empty. */
export async function loadVarsFile(ctx: FileContext, abs: string): Promise<VarLayer | undefined> {
  const rel = displayPath(ctx, abs);
  // Vaults (the whole file, or `!vault` values) are decrypted, and their values recorded as secrets.
  const value = await loadVaultedYaml(await ctx.read(abs), rel, (text) => {
    try {
      return JSON.parse(text) as unknown; // Ansible tries JSON first, then YAML
    } catch {
      const { doc } = parseYaml(text, rel);
      return toJS(doc.contents, doc, { file: rel });
    }
  });
  if (value === null || value === undefined || (typeof value === 'object' && Object.keys(value).length === 0)) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    const found = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    throw new InventoryError(`a vars file must be a mapping of variable names to values, found ${found}`, { file: rel });
  }
  return { source: rel, vars: value as Record<string, unknown> };
}

/** Layers of `dir/NAME` for each name (group_vars or host_vars), loaded now. */
export async function loadVarsDir(ctx: FileContext, dir: string, names: Iterable<string>): Promise<Map<string, VarLayer[]>> {
  const out = new Map<string, VarLayer[]>();
  let listing: Set<string>;
  try {
    const st = await fs.stat(dir);
    if (!st.isDirectory()) return out; // Ansible warns and skips; nothing to read either way
    listing = new Set(await fs.readdir(dir));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw e;
  }
  // Names that look like absolute paths (chroot hosts) are not looked up, as in Ansible.
  const wanted = [...names].filter((name) => !name.startsWith('/'));
  // Files are read concurrently (thousands of host_vars files would otherwise be
  // read one round trip at a time); the result keeps the names' order.
  const found = await Promise.all(
    wanted.map(async (name) => {
      const files = await findVarsFiles(dir, name, listing);
      const layers = await Promise.all(files.map((f) => loadVarsFile(ctx, f)));
      return layers.filter((l): l is VarLayer => l !== undefined);
    }),
  );
  wanted.forEach((name, i) => {
    if (found[i]!.length) out.set(name, found[i]!);
  });
  return out;
}

async function findVarsFiles(dir: string, name: string, listing: Set<string>): Promise<string[]> {
  for (const ext of ['', ...VAR_EXTENSIONS]) {
    const candidate = name + ext;
    // The directory listing answers most lookups without a stat per host.
    if (!candidate.includes('/') && !listing.has(candidate)) continue;
    const full = path.join(dir, candidate);
    const st = await fs.stat(full).catch(() => undefined);
    if (!st) continue;
    return st.isDirectory() ? listVarsDir(full) : [full];
  }
  return [];
}

async function listVarsDir(dir: string): Promise<string[]> {
  const found: string[] = [];
  const names = (await fs.readdir(dir)).sort(byCodePoint);
  for (const name of names) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const ext = pythonExtension(name);
    const full = path.join(dir, name);
    const st = await fs.stat(full);
    if (st.isDirectory() && !ext) found.push(...(await listVarsDir(full)));
    else if (st.isFile() && (!ext || VAR_EXTENSIONS.includes(ext))) found.push(full);
  }
  return found;
}

/** Python's os.path.splitext extension: leading dots do not start one. */
export function pythonExtension(name: string): string {
  const m = /^\.*[^.].*?(\.[^.]*)$/.exec(name);
  return m && m[1] !== undefined && m[1] !== name ? m[1] : '';
}

/** Python's sorted() on strings: by code point, not by locale. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
