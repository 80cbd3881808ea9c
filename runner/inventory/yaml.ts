// Ansible's YAML inventory format (plugins/inventory/yaml.py): top-level keys
// are groups, each with optional `hosts`, `vars` and `children`, recursively.
// A section written as a single string means a mapping with that one key, a
// null group or host is allowed, unknown keys are skipped with a warning.
// We walk the parsed document rather than a plain object to keep line and
// column numbers for messages and for the sources of variable layers.

import { isAlias, isMap, isScalar, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import { InventoryError, caretExcerpt, withExcerpt, type SourcePos } from './errors.js';
import { expandHostPattern } from './addresses.js';
import { parseYaml, toJS } from './yamlschema.js';
import type { InventoryData } from './data.js';
import type { SourceFile } from './ini.js';

/** Fills `data` from a YAML inventory; returns false if the file holds no document. */
export function parseYamlInventory(text: string, file: SourceFile, data: InventoryData): boolean {
  const { doc, lines } = parseYaml(text, file.rel);
  try {
    return new Walker(doc, lines, file, data).run();
  } catch (e) {
    const source = text.split(/\r?\n/);
    throw withExcerpt(e, file.rel, (line, col) => caretExcerpt(source, line, col));
  }
}

class Walker {
  constructor(
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    private readonly file: SourceFile,
    private readonly data: InventoryData,
  ) {}

  run(): boolean {
    const root = this.resolve(this.doc.contents);
    if (root === null || (isScalar(root) && root.value === null)) return false;
    if (!isMap(root)) {
      throw new InventoryError(`a YAML inventory must be a mapping of group names, found ${kind(root)}`, this.pos(root));
    }
    const plugin = root.items.find((p) => keyText(p) === 'plugin');
    if (plugin) {
      const name = String(toJS(plugin.value, this.doc, this.pos(plugin.value)));
      // A plugin named by a string is read by plugins.ts before this parser; anything else names none.
      throw new InventoryError(`plugin: must name an inventory plugin, got ${JSON.stringify(name)}`, this.pos(plugin.key));
    }
    for (const pair of root.items) this.group(keyText(pair), pair.value, pair.key);
    return true;
  }

  /** Returns the group name once added, or undefined if the entry was skipped. */
  private group(name: string, raw: unknown, at: unknown): string | undefined {
    const node = this.resolve(raw);
    const isNull = node === null || (isScalar(node) && node.value === null);
    if (!isNull && !isMap(node)) {
      this.warn(`skipping '${name}': a group must be a mapping (hosts, vars, children), found ${kind(node)}`, at);
      return undefined;
    }
    this.data.addGroup(name);
    if (isNull) return name;
    for (const pair of (node as YAMLMap).items as Pair[]) {
      const key = keyText(pair);
      const value = this.resolve(pair.value);
      const valueNull = value === null || (isScalar(value) && value.value === null);
      if (key === 'vars' || key === 'children' || key === 'hosts') {
        if (isScalar(value) && typeof value.value === 'string') {
          this.section(name, key, [{ key: value, value: null } as unknown as Pair], pair.key);
          continue;
        }
        if (!valueNull && !isMap(value)) {
          throw new InventoryError(`the "${key}" entry of group "${name}" must be a mapping, found ${kind(value)}`, this.pos(pair.value ?? pair.key));
        }
        if (valueNull) continue;
        this.section(name, key, (value as YAMLMap).items as Pair[], pair.key);
      } else if (!valueNull && !isMap(value)) {
        this.warn(`skipping key '${key}' in group '${name}': it is not a mapping`, pair.key);
      } else {
        this.warn(`skipping unexpected key '${key}' in group '${name}': only "vars", "children" and "hosts" are valid`, pair.key);
      }
    }
    return name;
  }

  private section(group: string, key: string, items: Pair[], at: unknown): void {
    if (key === 'vars') {
      const label = `inventory group ${group} (${this.where(at)})`;
      for (const p of items) this.data.setGroupVar(group, keyText(p), toJS(p.value, this.doc, this.pos(p.key)), label, this.pos(p.key));
    } else if (key === 'children') {
      for (const p of items) {
        const child = this.group(keyText(p), p.value, p.key);
        if (child !== undefined) this.data.addChild(group, child, this.pos(p.key));
      }
    } else {
      for (const p of items) this.host(group, p);
    }
  }

  private host(group: string, pair: Pair): void {
    const entry = keyText(pair);
    let expanded: { hosts: string[]; port: number | undefined };
    try {
      expanded = expandHostPattern(entry);
    } catch (e) {
      if (e instanceof InventoryError && !e.pos) throw new InventoryError(e.reason, this.pos(pair.key));
      throw e;
    }
    const vars = toJS(pair.value, this.doc, this.pos(pair.key)) ?? {};
    if (typeof vars !== 'object' || Array.isArray(vars)) {
      throw new InventoryError(`host '${entry}' must map to its variables (a mapping) or nothing, found ${kind(this.resolve(pair.value))}`, this.pos(pair.value));
    }
    for (const host of expanded.hosts) {
      const label = `inventory host ${host} (${this.where(pair.key)})`;
      this.data.addHost(host, group, expanded.port, this.file.abs, label);
      for (const [k, v] of Object.entries(vars)) this.data.setHostVar(host, k, v, label);
    }
  }

  private resolve(node: unknown): Node | null {
    if (node === null || node === undefined) return null;
    return isAlias(node) ? (node.resolve(this.doc) as Node | undefined) ?? null : (node as Node);
  }

  private pos(node: unknown): SourcePos {
    const range = (node as Node | null)?.range;
    if (!range) return { file: this.file.rel };
    const { line, col } = this.lines.linePos(range[0]);
    return { file: this.file.rel, line, col };
  }

  private where(node: unknown): string {
    const p = this.pos(node);
    return p.line === undefined ? p.file : `${p.file}:${p.line}`;
  }

  private warn(message: string, at: unknown): void {
    const p = this.pos(at);
    this.data.warnings.push(`${p.file}${p.line === undefined ? '' : `:${p.line}:${p.col}`}: ${message}`);
  }
}

/** A key as written: `01:` stays '01', not the number 1. */
function keyText(pair: Pair): string {
  const k = pair.key as unknown;
  if (isScalar(k)) return String(k.source ?? k.value);
  return String(k);
}

function kind(node: unknown): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isScalar(node)) return typeof node.value === 'string' ? 'a string' : `a ${typeof node.value}`;
  return 'a list';
}
