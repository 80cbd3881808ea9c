// Ansible reads YAML with PyYAML's YAML 1.1 resolver. The `yaml` package's
// 1.1 schema is close but not equal: it reads `y`/`n` as booleans, `09` and
// `1e3` as numbers (see ../playbook/yaml-numbers.ts) and dates as Date objects, where PyYAML (so Ansible) gives
// strings for the first three and a date that prints as `2001-12-14`. These
// options patch those tags so a vars file means the same thing here.

import { parseDocument, visit, LineCounter, type Document, type ParseOptions, type DocumentOptions, type SchemaOptions } from 'yaml';
import { InventoryError, caretExcerpt, type SourcePos } from './errors.js';
import { VaultedValue } from '../vault/load.js';
import { unsafeText } from '../template/unsafe-text.js';
import { pyyamlNumber } from '../playbook/yaml-numbers.js';

type ScalarTag = {
  tag: string;
  test?: RegExp;
  default?: boolean | 'key';
  resolve: (...args: never[]) => unknown;
  [k: string]: unknown;
};

const PY_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PY_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;

function pyTags(tags: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const t of tags as ScalarTag[]) {
    if (t.tag === 'tag:yaml.org,2002:timestamp') continue; // dates stay text
    if (t.tag === 'tag:yaml.org,2002:bool' && t.test) {
      out.push({ ...t, test: t.test.test('yes') ? PY_TRUE : PY_FALSE });
    } else if ((t.tag === 'tag:yaml.org,2002:int' || t.tag === 'tag:yaml.org,2002:float') && t.test) {
      // The package's number patterns are looser than PyYAML's: what they match is resolved by PyYAML's rules, which may keep it text.
      out.push({ ...t, resolve: (s: string) => pyyamlNumber(s) });
    } else {
      out.push(t);
    }
  }
  // Ansible-only tags: `!unsafe` text renders to itself, never templated;
  // `!vault` is decrypted by the loader once parsing is done.
  out.push({ tag: '!unsafe', resolve: (s: string) => unsafeText(s) });
  out.push({ tag: '!vault', resolve: (s: string) => new VaultedValue(s, '') });
  return out;
}

export const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  uniqueKeys: false, // PyYAML keeps the last of duplicate keys
  customTags: pyTags as SchemaOptions['customTags'],
};

export interface ParsedYaml {
  doc: Document.Parsed;
  lines: LineCounter;
}

/** Parses one document; a syntax error becomes an InventoryError at file:line:col. */
export function parseYaml(text: string, file: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter: lines, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    // The parser may point at the end of the line before the culprit; move to the next text.
    let offset = err.pos[0];
    while (offset < text.length && /\s/.test(text[offset]!)) offset++;
    const { line, col } = lines.linePos(Math.min(offset, Math.max(0, text.length - 1)));
    const reason = err.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '');
    throw new InventoryError(reason, { file, line, col }, caretExcerpt(text.split(/\r?\n/), line, col));
  }
  // Tag resolvers cannot see positions: give each `!vault` value its file:line:col for errors.
  visit(doc, {
    Scalar(_key, node) {
      if (node.value instanceof VaultedValue && node.range) node.value.where = `${file}:${lines.linePos(node.range[0]).line}:${lines.linePos(node.range[0]).col}`;
    },
  });
  return { doc, lines };
}

/** The JS value of a node with anchors and merge keys resolved; `where` names it if aliases blow up. */
export function toJS(node: unknown, doc: Document.Parsed, where: SourcePos): unknown {
  if (node === null || node === undefined) return null;
  try {
    return (node as { toJS(doc: Document.Parsed, opts?: object): unknown }).toJS(doc, { maxAliasCount: 1000 });
  } catch (e) {
    // The yaml library's guard against alias bombs throws a bare ReferenceError: make it an input error.
    if (e instanceof ReferenceError && /alias/i.test(e.message)) throw new InventoryError('too many alias expansions (a YAML alias bomb?)', where);
    throw e;
  }
}
