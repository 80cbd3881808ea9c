// YAML read with positions. Values become plain JS (YAML 1.1, as Ansible reads
// it: yes/no are booleans, 0644 is octal), and every mapping and sequence keeps
// where it came from, so later errors can point at file:line:col.
import { homedir } from 'node:os';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { LineCounter, parseDocument, isAlias, isMap, isSeq, isScalar, isPair, visit, type Node, type Scalar, YAMLError } from 'yaml';
import { InputError, excerpt, formatLocation, type Problem, type SourceLocation } from '../errors.js';
import { checkInputFileSize } from '../input-size.js';
import { loadVaultedYaml, VaultedValue } from '../vault/load.js';
import { unsafeText } from '../template/unsafe-text.js';
import { pyyamlNumber } from './yaml-numbers.js';

const locations = new WeakMap<object, SourceLocation>();
const keyLocations = new WeakMap<object, Map<string, SourceLocation>>();

/** Where a mapping or list came from (undefined for values built in code). */
export function locationOf(value: unknown): SourceLocation | undefined {
  return typeof value === 'object' && value !== null ? locations.get(value) : undefined;
}

/** Where key `key` of a mapping was written. */
export function keyLocationOf(value: unknown, key: string): SourceLocation | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return keyLocations.get(value)?.get(key) ?? locations.get(value);
}

/** Show paths relative to where drover runs: shorter and free of machine paths. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  if (!rel.startsWith('..')) return rel;
  // Outside the working directory, the home directory is shown as ~ (~/.ansible/roles), as Ansible writes its defaults.
  const home = homedir();
  return path === home || path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

export async function readYamlFile(path: string): Promise<unknown> {
  let bytes: Buffer;
  await checkInputFileSize(path, displayPath(path));
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new InputError([{ message: `cannot read ${displayPath(path)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
  // Decoding never fails: bytes that are not UTF-8 become U+FFFD, which would
  // then be sent to hosts as if the file said so. Refuse the file instead.
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    throw new InputError([textProblem(text, text.indexOf('\uFFFD'), 'not valid UTF-8 (save the file as UTF-8)', displayPath(path))]);
  }
  // A vault (the whole file, or `!vault` values in it) is decrypted here.
  return loadVaultedYaml(text, displayPath(path), (plain) => parseYaml(plain, displayPath(path)));
}

function textProblem(text: string, offset: number, message: string, file: string): Problem {
  const before = text.slice(0, Math.max(0, offset)).split('\n');
  const line = before.length;
  const column = before.at(-1)!.length + 1;
  return { message, location: { file, line, column }, excerpt: excerpt(text.replace(/\0/g, '\u2400'), line, column) };
}

/** Parse YAML text; syntax errors become one InputError listing each with file:line:col. */
export function parseYaml(text: string, file: string): unknown {
  // YAML allows no NUL character; a NUL usually means a binary file was given.
  if (text.includes('\0')) throw new InputError([textProblem(text, text.indexOf('\0'), 'a NUL byte is not allowed in YAML (is this a binary file?)', file)]);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', lineCounter, prettyErrors: false, uniqueKeys: sameKey });
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  if (doc.errors.length > 0) {
    throw new InputError(doc.errors.map((e: YAMLError) => yamlProblem(e, text, at)));
  }
  try {
    return convert(doc.contents as Node | null, newState(doc, at));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError([{ message: `${file}: ${(error as Error).message}` }]);
  }
}

function yamlProblem(error: YAMLError, text: string, at: (offset: number) => SourceLocation): Problem {
  let location = at(error.pos[0]);
  // An error found at the end of the file is best shown on the last line that has text.
  const lines = text.split('\n');
  while (location.line > 1 && !(lines[location.line - 1] ?? '').trim()) {
    location = { ...location, line: location.line - 1, column: (lines[location.line - 2] ?? '').length + 1 };
  }
  const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  // The parser turns its own stack overflow into an error at the place it gave up: say what it means.
  const message = `YAML syntax error: ${/call stack/i.test(reason) ? 'nested too deeply (lists or mappings inside each other thousands of levels deep)' : reason}`;
  return { message, location, excerpt: excerpt(text, location.line, location.column) };
}

type Doc = ReturnType<typeof parseDocument>;

/**
 * Limits on what a document expands to, each named when hit. Aliases can
 * multiply a small file into a huge value (a "YAML bomb"): the values built
 * inside alias expansions may be at most ALIAS_VALUES_FLOOR or 10 per value
 * written, whichever is more. Counting as values are built costs linear time,
 * and aliases are resolved from a table made in one pass (the parser's
 * alias.resolve() walks the document on every call: 36 CPU-s for an 882-byte bomb).
 */
const MAX_VALUES = 2_000_000;
const ALIAS_VALUES_FLOOR = 100_000;
const MAX_DEPTH = 1_000;

interface ConvertState {
  at: (offset: number) => SourceLocation;
  /** What each alias refers to: the last anchor of its name before it, as the parser resolves it. */
  targets: Map<Node, Node | undefined>;
  values: number;
  aliasValues: number;
  aliasBudget: number;
  /** Alias targets being expanded now: one met again refers to a node that contains it. */
  expanding: Set<Node>;
  /** How deep the value being built is nested. */
  depth: number;
  /** Aliases being expanded now: above 0, values count against the alias budget. */
  aliasDepth: number;
  /** The outermost alias being expanded: where a bomb is reported. */
  aliasAt?: SourceLocation;
}

function newState(doc: Doc, at: (offset: number) => SourceLocation): ConvertState {
  const targets = new Map<Node, Node | undefined>();
  const anchors = new Map<string, Node>();
  let written = 0;
  visit(doc, {
    Node(_key, node) {
      written++;
      if (isAlias(node)) targets.set(node, anchors.get(node.source));
      else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return { at, targets, values: 0, aliasValues: 0, aliasBudget: Math.max(ALIAS_VALUES_FLOOR, 10 * written), expanding: new Set(), depth: 0, aliasDepth: 0 };
}

function count(node: Node, state: ConvertState): void {
  const where = () => (node.range ? { location: state.at(node.range[0]) } : {});
  if (++state.values > MAX_VALUES) throw new InputError([{ message: `more than ${MAX_VALUES} values in one YAML document`, ...where() }]);
  if (state.aliasDepth > 0 && ++state.aliasValues > state.aliasBudget) {
    const message = `YAML aliases expand to more than ${state.aliasBudget} values (an alias bomb: aliases inside aliases multiply the data)`;
    throw new InputError([{ message, location: state.aliasAt }]);
  }
  if (state.depth > MAX_DEPTH) throw new InputError([{ message: `values nested more than ${MAX_DEPTH} levels deep (after expanding aliases)`, ...where() }]);
}

/** Duplicate keys are compared as drover reads them: `y` and `yes` are two different keys (PyYAML reads y as a string). */
function sameKey(a: unknown, b: unknown): boolean {
  if (isScalar(a) && isScalar(b)) return plainScalar(a) === plainScalar(b);
  return a === b;
}

function plainScalar(node: Scalar): unknown {
  if (typeof node.value === 'boolean' && node.type === 'PLAIN' && /^[yYnN]$/.test(String(node.source))) return node.source;
  // `1e3`, `-.5`, `08`: numbers to the yaml package, strings (or other numbers) to PyYAML.
  if (typeof node.value === 'number' && node.type === 'PLAIN' && node.tag === undefined) return pyyamlNumber(String(node.source));
  return node.value;
}

function convert(node: Node | null, state: ConvertState): unknown {
  if (node === null || node === undefined) return null;
  count(node, state);
  state.depth++;
  try {
    // Ansible's `!unsafe`: every string in the value is never templated (a number or boolean is read as its text, as PyYAML's construct_scalar does).
    if (node.tag === '!unsafe') return unsafeStrings(isScalar(node) ? (typeof node.value === 'string' ? node.value : String(node.source)) : convertNode(node, state));
    return convertNode(node, state);
  } finally {
    state.depth--;
  }
}

function unsafeStrings(value: unknown): unknown {
  if (typeof value === 'string') return unsafeText(value);
  if (Array.isArray(value)) {
    value.forEach((item, i) => (value[i] = unsafeStrings(item)));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) (value as Record<string, unknown>)[key] = unsafeStrings(item);
  }
  return value;
}

function convertNode(node: Node, state: ConvertState): unknown {
  if (isMap(node)) {
    const result: Record<string, unknown> = {};
    const keys = new Map<string, SourceLocation>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      if (isScalar(keyNode) && (typeof keyNode.value === 'symbol' || keyNode.value === '<<')) {
        // Merge keys (<<: *base or <<: [*a, *b]): merged entries never override explicit ones.
        const merged = convert(pair.value as Node, state);
        for (const source of (Array.isArray(merged) ? merged : [merged]).reverse()) {
          for (const [k, v] of Object.entries((source ?? {}) as object)) if (!(k in result)) result[k] = v;
        }
        continue;
      }
      // Through convert like any value: a key `n` or `y` stays that string, as in PyYAML.
      const key = String(convert(keyNode, state));
      result[key] = convert(pair.value as Node | null, state);
      if (keyNode?.range) keys.set(key, state.at(keyNode.range[0]));
    }
    if (node.range) locations.set(result, state.at(node.range[0]));
    keyLocations.set(result, keys);
    return result;
  }
  if (isSeq(node)) {
    const result = node.items.map((item) => convert(item as Node | null, state));
    if (node.range) locations.set(result, state.at(node.range[0]));
    // Each item's place by its index: a scalar item (a role's name) has no place of its own.
    const items = new Map<string, SourceLocation>();
    node.items.forEach((item, i) => {
      const range = (item as Node | null)?.range;
      if (range) items.set(String(i), state.at(range[0]));
    });
    keyLocations.set(result, items);
    return result;
  }
  if (isScalar(node)) {
    // Decrypted by readYamlFile once parsing is done (decryption is async).
    if (node.tag === '!vault') return new VaultedValue(String(node.value), formatLocation(state.at(node.range?.[0] ?? 0)));
    // PyYAML (and so Ansible) reads y/Y/n/N as strings, unlike the YAML 1.1 spec.
    return plainScalar(node);
  }
  if (isAlias(node)) {
    const target = state.targets.get(node);
    const location = node.range ? state.at(node.range[0]) : undefined;
    // The parser accepts an alias to an anchor that is never defined; it would silently become null.
    if (target === undefined) throw new InputError([{ message: `YAML alias *${node.source} refers to no anchor (&${node.source}) defined before it`, location }]);
    if (state.expanding.has(target)) throw new InputError([{ message: `YAML alias *${node.source} refers to a value that contains it (a recursive alias)`, location }]);
    state.expanding.add(target);
    if (state.aliasDepth++ === 0) state.aliasAt = location;
    try {
      return convert(target, state);
    } finally {
      state.aliasDepth--;
      state.expanding.delete(target);
    }
  }
  return null;
}
