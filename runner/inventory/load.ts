// Turning `-i PATH` (or ENV) into an Inventory, as Ansible's InventoryManager
// does: a file is one source; a directory is every file in it, recursively,
// in sorted order, skipping hidden entries, group_vars/, host_vars/ and the
// extensions Ansible ignores. group_vars/ and host_vars/ are then read next to
// each source (in the directory itself for a directory source).
//
// A source that is no path and holds a comma is a list of hosts (host-list.ts).
//
// Which parser: an executable file is an inventory script (script.ts), as
// Ansible's script plugin comes first; .yml/.yaml/.json are YAML, and a YAML
// mapping with a `plugin:` key is an inventory plugin's config (plugins.ts);
// .ini is INI; a file without extension is YAML if it parses to a mapping and
// INI otherwise. Ansible
// would only warn about a source it cannot parse and go on with fewer hosts;
// we stop with the error instead, since a silently smaller inventory is the
// worse outcome.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isMap } from 'yaml';
import { InventoryError } from './errors.js';
import { InventoryData } from './data.js';
import { parseIni, type SourceFile } from './ini.js';
import { parseYamlInventory } from './yaml.js';
import { parseYaml } from './yamlschema.js';
import { Inventory } from './inventory.js';
import { pluginName, readPluginSource } from './plugins.js';
import { readInventoryScript } from './script.js';
import { isHostList, readHostList } from './host-list.js';
import { revealVaulted } from '../vault/load.js';
import { byCodePoint, defaultReadVarsFile, displayPath, pythonExtension, readText, type FileContext, type ReadVarsFile } from './varsfiles.js';

export interface LoadOptions {
  /** Base for relative paths, in arguments and in messages (default: process.cwd()). */
  cwd?: string;
  /** Reads every inventory and vars file; the place to plug vault decryption in. */
  readVarsFile?: ReadVarsFile;
  /** Directories whose group_vars/ and host_vars/ apply above the inventory's (the playbook's directory). */
  playbookDirs?: string[];
}

// Ansible's INVENTORY_IGNORE_EXTS default (ansible-core 2.19 on, which reads .ini in directories).
const IGNORED_EXTENSIONS = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.cfg', '.retry'];
const IGNORED_NAMES = ['host_vars', 'group_vars', 'vars_plugins'];
const YAML_EXTENSIONS = ['.yml', '.yaml', '.json'];
// In a directory, other extensions are skipped: no plugin of ansible-core 2.19 accepts them.
const DIR_EXTENSIONS = ['', '.ini', ...YAML_EXTENSIONS];

/** The inventory directory of an environment: ENV=dev -> inventories/dev. */
export function envInventoryPath(env: string, root = '.'): string {
  return path.join(root, 'inventories', env);
}

/** Reads one or more inventory sources (files or directories) and their group_vars/host_vars. */
export async function loadInventory(source: string | string[], options: LoadOptions = {}): Promise<Inventory> {
  const ctx: FileContext = { cwd: options.cwd ?? process.cwd(), read: options.readVarsFile ?? defaultReadVarsFile };
  const data = new InventoryData();
  const parsed: string[] = [];
  const roots: string[] = [];
  for (const src of Array.isArray(source) ? source : [source]) {
    const abs = path.resolve(ctx.cwd, src);
    const st = await fs.stat(abs).catch(() => undefined);
    if (!st && isHostList(src)) {
      readHostList(src, data);
      parsed.push(src);
      continue;
    }
    if (!st) throw new InventoryError(`inventory source not found: ${displayPath(ctx, abs)}`);
    if (st.isDirectory()) {
      await readDir(ctx, abs, data, parsed);
      roots.push(abs);
    } else {
      await readSource(ctx, abs, data, parsed, true);
      roots.push(path.dirname(abs));
    }
  }
  data.reconcile();
  // `!vault` values written in YAML inventory sources, decrypted now that parsing is done.
  for (const entity of [...data.groups.values(), ...data.hosts.values()]) for (const layer of entity.layers) await revealVaulted(layer.vars, layer.source);
  const inventory = new Inventory(data, ctx, parsed);
  for (const root of roots) await inventory.addVarsRoot(root, 'inventory');
  for (const dir of options.playbookDirs ?? []) await inventory.addVarsRoot(dir, 'playbook');
  return inventory;
}

async function readDir(ctx: FileContext, dir: string, data: InventoryData, parsed: string[]): Promise<void> {
  const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => byCodePoint(a.name, b.name));
  for (const entry of entries) {
    const name = entry.name;
    if (name.startsWith('.') || IGNORED_NAMES.includes(name) || IGNORED_EXTENSIONS.some((e) => name.endsWith(e))) continue;
    const full = path.join(dir, name);
    const st = await fs.stat(full); // follows symlinks, as Ansible does
    if (st.isDirectory()) await readDir(ctx, full, data, parsed);
    else await readSource(ctx, full, data, parsed, false);
  }
}

async function readSource(ctx: FileContext, abs: string, data: InventoryData, parsed: string[], explicit: boolean): Promise<void> {
  const file: SourceFile = { abs, rel: displayPath(ctx, abs) };
  const ext = pythonExtension(path.basename(abs));
  if (!explicit && !DIR_EXTENSIONS.includes(ext)) {
    data.warnings.push(`${file.rel}: skipped, '${ext}' files are not inventory sources`);
    return;
  }
  if (((await fs.stat(abs)).mode & 0o111) !== 0) {
    await readInventoryScript(file, data);
    parsed.push(file.rel);
    return;
  }
  const text = await readText(ctx, abs);
  const asYaml = YAML_EXTENSIONS.includes(ext) || (ext !== '.ini' && looksLikeYamlInventory(text, file.rel));
  const config = asYaml ? pluginConfig(text, file.rel) : undefined;
  if (config !== undefined) {
    await readPluginSource(config, { file, data, text });
  } else if (asYaml) {
    if (!parseYamlInventory(text, file, data)) data.warnings.push(`${file.rel}: empty YAML inventory`);
  } else {
    parseIni(text, file, data);
  }
  parsed.push(file.rel);
}

/** The document as a plugin config when it names a `plugin:`; undefined for an ordinary YAML inventory. */
function pluginConfig(text: string, rel: string): Record<string, unknown> | undefined {
  let doc: unknown;
  try {
    doc = parseYaml(text, rel).doc.toJS();
  } catch {
    return undefined; // the YAML inventory parser reports the syntax error with its position
  }
  return pluginName(doc) === undefined ? undefined : (doc as Record<string, unknown>);
}

function looksLikeYamlInventory(text: string, rel: string): boolean {
  try {
    return isMap(parseYaml(text, rel).doc.contents);
  } catch {
    return false;
  }
}
