// PyYAML's yaml.dump as Ansible's to_yaml / to_nice_yaml call it: sorted
// keys, allow_unicode, indentless sequences in mappings, `-   key: v` under
// a list with indent 4, flow style for all-scalar collections when
// default_flow_style is None (to_yaml), and PyYAML's choice between plain,
// single-quoted and double-quoted scalars, folding plain and single-quoted
// text at `width` columns.
import { TemplateError } from './errors.js';
import { pyNumber } from './python-text.js';
import { isMapping } from './values.js';

export interface YamlOptions {
  indent: number;
  width: number;
  /** false: block style everywhere (to_nice_yaml); null: flow for collections of scalars only (to_yaml). */
  flow: false | null;
}

// YAML 1.1 implicit types: plain text matching one of these would not read back as a string.
const IMPLICIT = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<|=|~|null|Null|NULL|)$/,
  /^\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?$/,
];

const BREAKS = '\n\x85\u2028\u2029';

interface Analysis {
  blockPlain: boolean;
  flowPlain: boolean;
  single: boolean;
  multiline: boolean;
}

/** PyYAML's Emitter.analyze_scalar, for the styles it allows. */
function analyze(text: string): Analysis {
  if (text === '') return { blockPlain: false, flowPlain: false, single: true, multiline: false };
  let [flowInd, blockInd, lineBreaks, special] = [false, false, false, false];
  let [leadSpace, leadBreak, trailSpace, trailBreak, breakSpace, spaceBreak] = [false, false, false, false, false, false];
  let [prevSpace, prevBreak] = [false, false];
  if (text.startsWith('---') || text.startsWith('...')) [flowInd, blockInd] = [true, true];
  const chars = [...text];
  let precededByWs = true;
  chars.forEach((ch, i) => {
    const next = chars[i + 1];
    const followedByWs = next === undefined || ` \t\r${BREAKS}`.includes(next);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) [flowInd, blockInd] = [true, true];
      if ('?:'.includes(ch)) {
        flowInd = true;
        if (followedByWs) blockInd = true;
      }
      if (ch === '-' && followedByWs) [flowInd, blockInd] = [true, true];
    } else {
      if (',?[]{}'.includes(ch)) flowInd = true;
      if (ch === ':') {
        flowInd = true;
        if (followedByWs) blockInd = true;
      }
      if (ch === '#' && precededByWs) [flowInd, blockInd] = [true, true];
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    const code = ch.codePointAt(0)!;
    if (!(ch === '\n' || (code >= 0x20 && code <= 0x7e))) {
      const printable = code === 0x85 || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code < 0x10ffff);
      if (!printable || code === 0xfeff) special = true;
    }
    if (ch === ' ') {
      if (i === 0) leadSpace = true;
      if (i === chars.length - 1) trailSpace = true;
      if (prevBreak) breakSpace = true;
      [prevSpace, prevBreak] = [true, false];
    } else if (BREAKS.includes(ch)) {
      if (i === 0) leadBreak = true;
      if (i === chars.length - 1) trailBreak = true;
      if (prevSpace) spaceBreak = true;
      [prevSpace, prevBreak] = [false, true];
    } else {
      [prevSpace, prevBreak] = [false, false];
    }
    precededByWs = ` \t\r${BREAKS}`.includes(ch);
  });
  let [flowPlain, blockPlain, single] = [true, true, true];
  if (leadSpace || leadBreak || trailSpace || trailBreak) [flowPlain, blockPlain] = [false, false];
  if (breakSpace) [flowPlain, blockPlain, single] = [false, false, false];
  if (spaceBreak || special) [flowPlain, blockPlain, single] = [false, false, false];
  if (lineBreaks) [flowPlain, blockPlain] = [false, false];
  if (flowInd) flowPlain = false;
  if (blockInd) blockPlain = false;
  return { blockPlain, flowPlain, single, multiline: lineBreaks };
}

const ESCAPES: Record<string, string> = {
  '\0': '0', '\x07': 'a', '\b': 'b', '\t': 't', '\n': 'n', '\v': 'v', '\f': 'f', '\r': 'r', '\x1b': 'e', '"': '"', '\\': '\\', '\x85': 'N', '\xa0': '_', '\u2028': 'L', '\u2029': 'P',
};

class Writer {
  out = '';
  column = 0;

  constructor(readonly options: YamlOptions) {}

  write(text: string): void {
    this.out += text;
    const nl = text.lastIndexOf('\n');
    this.column = nl === -1 ? this.column + [...text].length : [...text.slice(nl + 1)].length;
  }

  newline(indent: number): void {
    this.write(`\n${' '.repeat(indent)}`);
  }

  /** A scalar; `indent` is where folded lines continue. */
  scalar(value: unknown, ctx: { indent: number; flow: boolean; key: boolean }): void {
    if (value === null || value === undefined) return this.write('null');
    if (typeof value === 'boolean') return this.write(String(value));
    if (typeof value === 'number') return this.write(Number.isNaN(value) ? '.nan' : !Number.isFinite(value) ? (value > 0 ? '.inf' : '-.inf') : pyNumber(value));
    if (typeof value !== 'string') throw new TemplateError(`cannot write a value of type ${typeof value} as YAML`);
    const a = analyze(value);
    const implicit = !IMPLICIT.some((re) => re.test(value));
    const plainOk = ctx.flow ? a.flowPlain : a.blockPlain;
    if (implicit && plainOk && !(ctx.key && a.multiline) && value !== '') return this.folded(value, ctx.indent, !ctx.key);
    if (a.single && !(ctx.key && a.multiline)) return this.singleQuoted(value, ctx.indent, !ctx.key);
    this.write(`"${[...value].map((c) => (Object.hasOwn(ESCAPES, c) ? `\\${ESCAPES[c]}` : c.codePointAt(0)! < 0x20 || c === '\ufeff' ? `\\x${c.codePointAt(0)!.toString(16).padStart(2, '0')}` : c)).join('')}"`);
  }

  /** write_plain: a single space after a word past the width becomes a line break. */
  private folded(text: string, indent: number, split: boolean): void {
    for (const [i, word] of text.split(' ').entries()) {
      if (i > 0) {
        const single = word !== '' || text.split(' ')[i + 1] === undefined;
        if (split && single && this.column > this.options.width && !this.out.endsWith(' ')) this.newline(indent);
        else this.write(' ');
      }
      this.write(word);
    }
  }

  private singleQuoted(text: string, indent: number, split: boolean): void {
    this.write("'");
    const parts = text.split(/(\r?\n|[\x85\u2028\u2029])/);
    parts.forEach((part, i) => {
      if (i % 2 === 1) {
        // A line break in single quotes is written as an empty line.
        if (i === 1 || parts[i - 1] !== '') this.write('\n');
        this.newline(indent);
        return;
      }
      this.folded(part.replace(/'/g, "''"), indent, split);
    });
    this.write("'");
  }
}

const isCollection = (v: unknown): v is unknown[] | Record<string, unknown> => (Array.isArray(v) && v.length > 0) || (isMapping(v) && Object.keys(v).length > 0);

function entries(map: Record<string, unknown>): [string, unknown][] {
  return Object.keys(map)
    .sort()
    .map((k) => [k, map[k]]);
}

function flowStyle(value: unknown[] | Record<string, unknown>, options: YamlOptions): boolean {
  if (options.flow === false) return false;
  return (Array.isArray(value) ? value : Object.values(value)).every((v) => !isCollection(v) && !Array.isArray(v) && !isMapping(v));
}

function flow(w: Writer, value: unknown, indent: number): void {
  if (Array.isArray(value)) {
    w.write('[');
    value.forEach((v, i) => {
      if (i > 0) w.write(', ');
      flow(w, v, indent);
    });
    return w.write(']');
  }
  if (isMapping(value)) {
    w.write('{');
    entries(value).forEach(([k, v], i) => {
      if (i > 0) w.write(', ');
      w.scalar(k, { indent, flow: true, key: true });
      w.write(': ');
      flow(w, v, indent);
    });
    return w.write('}');
  }
  w.scalar(value, { indent, flow: true, key: false });
}

/** A node at column `indent`, the cursor already placed where it starts. */
function node(w: Writer, value: unknown, indent: number, inSequence: boolean): void {
  const step = w.options.indent;
  if (!isCollection(value) || flowStyle(value, w.options)) {
    if (Array.isArray(value) || isMapping(value)) return flow(w, value, indent + step);
    return w.scalar(value, { indent: indent + step, flow: false, key: false });
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (i > 0 || !inSequence) w.newline(indent);
      w.write('-');
      w.write(' '.repeat(isCollection(item) && !flowStyle(item, w.options) ? step - 1 : 1));
      node(w, item, indent + step, true);
    });
    return;
  }
  entries(value).forEach(([key, item], i) => {
    if (i > 0 || !inSequence) w.newline(indent);
    w.scalar(key, { indent: indent + step, flow: false, key: true });
    w.write(':');
    if (isCollection(item) && !flowStyle(item, w.options)) {
      // Sequences in a mapping are not indented (PyYAML's indentless sequences).
      node(w, item, Array.isArray(item) ? indent : indent + step, false);
    } else {
      w.write(' ');
      node(w, item, indent, false);
    }
  });
}

export function pyYaml(value: unknown, options: YamlOptions): string {
  const w = new Writer(options);
  node(w, value, 0, true);
  return `${w.out.replace(/^\n/, '')}\n`;
}
