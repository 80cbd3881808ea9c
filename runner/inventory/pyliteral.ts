// Ansible reads every INI value with Python's ast.literal_eval and keeps the
// raw text when that fails (ini.py `_parse_value`). Inventories in the wild
// depend on the exact outcome ('80' is a number, '0644' and 'yes' stay
// strings, "['a','b']" is a list), so this is a small evaluator for the
// same subset of Python: numbers, strings, True/False/None, list, tuple,
// dict, set, unary +/-. Tuples and sets become arrays, bytes become text,
// as Ansible converts them after the eval.

/** The value Python would produce, or the text itself when it is not a literal. */
export function parsePythonValue(text: string): unknown {
  const result = literalEval(text);
  return result.ok ? result.value : text;
}

type Result = { ok: true; value: unknown } | { ok: false };
type Tok =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string; bytes: boolean }
  | { t: 'name'; v: string }
  | { t: 'op'; v: string }
  | { t: 'end' };

class NotLiteral extends Error {}

export function literalEval(text: string): Result {
  try {
    // literal_eval strips leading spaces and tabs itself.
    const p = new Parser(tokenize(text.replace(/^[ \t]+/, '')));
    const value = p.expressionList();
    if (p.peek().t !== 'end') throw new NotLiteral();
    return { ok: true, value };
  } catch (e) {
    if (e instanceof NotLiteral) return { ok: false };
    throw e;
  }
}

// Python 3 number grammar: no leading zeros on decimals, '_' only between digits.
const DIGITS = '[0-9](?:_?[0-9])*';
const EXP = `[eE][-+]?${DIGITS}`;
const NUMBER = new RegExp(
  '^(?:' +
    [
      `0[xX](?:_?[0-9a-fA-F])+`,
      `0[oO](?:_?[0-7])+`,
      `0[bB](?:_?[01])+`,
      `(?:${DIGITS}\\.(?:${DIGITS})?|\\.${DIGITS})(?:${EXP})?[jJ]?`,
      `${DIGITS}${EXP}[jJ]?`,
      `${DIGITS}[jJ]`,
      `[1-9](?:_?[0-9])*`,
      `0(?:_?0)*`,
    ].join('|') +
    ')',
);
const STRING_PREFIX = /^(?:[rR][bB]?|[bB][rR]?|[uU]|[fF][rR]?|[rR][fF])?(?='|")/;
const NAME = /^[A-Za-z_\p{L}][\w\p{L}\p{N}]*/u;

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let depth = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\f' || (depth > 0 && (c === '\n' || c === '\r'))) { i++; continue; }
    if (c === '#') { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === '\n' || c === '\r') { i++; continue; } // a trailing newline ends the expression
    const rest = src.slice(i);
    const prefix = STRING_PREFIX.exec(rest);
    if (prefix) {
      const [tok, len] = readString(src, i + prefix[0].length, prefix[0].toLowerCase());
      toks.push(tok);
      i += prefix[0].length + len;
      continue;
    }
    const num = NUMBER.exec(rest);
    if (num && !/^[\w.]/.test(rest.slice(num[0].length))) {
      toks.push({ t: 'num', v: numberValue(num[0]) });
      i += num[0].length;
      continue;
    }
    if (/[0-9.]/.test(c)) throw new NotLiteral(); // '0644', '10.0.0.1', '1abc', '...'
    const name = NAME.exec(rest);
    if (name) { toks.push({ t: 'name', v: name[0] }); i += name[0].length; continue; }
    if ('[({'.includes(c)) depth++;
    if ('])}'.includes(c)) depth--;
    if ('[](){},:+-'.includes(c)) { toks.push({ t: 'op', v: c }); i++; continue; }
    throw new NotLiteral();
  }
  toks.push({ t: 'end' });
  return toks;
}

function numberValue(text: string): number {
  const s = text.replace(/_/g, '');
  // Complex numbers become their text in Ansible; we keep the text too.
  if (/[jJ]$/.test(s)) throw new NotLiteral();
  const lower = s.toLowerCase();
  let n: number;
  if (lower.startsWith('0x')) n = parseInt(s.slice(2), 16);
  else if (lower.startsWith('0o')) n = parseInt(s.slice(2), 8);
  else if (lower.startsWith('0b')) n = parseInt(s.slice(2), 2);
  else n = Number(s);
  // Python ints are unbounded; rather than round silently, keep the text.
  if (Number.isInteger(n) && !/[.eE]/.test(s) && !Number.isSafeInteger(n)) throw new NotLiteral();
  return n;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '',
};

/** Reads a quoted literal starting at the quote; returns the token and the characters consumed. */
function readString(src: string, start: number, prefix: string): [Tok, number] {
  if (prefix.includes('f')) throw new NotLiteral(); // f-strings are not literals
  const raw = prefix.includes('r');
  const bytes = prefix.includes('b');
  const q = src[start]!;
  const triple = src.startsWith(q.repeat(3), start);
  const close = triple ? q.repeat(3) : q;
  let i = start + close.length;
  let out = '';
  for (;;) {
    if (i >= src.length) throw new NotLiteral();
    if (src.startsWith(close, i)) { i += close.length; break; }
    const c = src[i]!;
    if (!triple && c === '\n') throw new NotLiteral();
    if (bytes && c.charCodeAt(0) > 0x7f) throw new NotLiteral();
    if (c !== '\\') { out += c; i++; continue; }
    const n = src[i + 1];
    if (n === undefined) throw new NotLiteral();
    if (raw) { out += c + n; i += 2; continue; } // a raw string keeps the backslash
    const [text, len] = escape(src, i + 1, bytes);
    out += text;
    i += 1 + len;
  }
  const value = bytes ? new TextDecoder().decode(Uint8Array.from(out, (ch) => ch.charCodeAt(0))) : out;
  return [{ t: 'str', v: value, bytes }, i - start];
}

/** Decodes the escape after a backslash; returns its text and the characters consumed. */
function escape(src: string, i: number, bytes: boolean): [string, number] {
  const n = src[i]!;
  if (n in SIMPLE_ESCAPES) return [SIMPLE_ESCAPES[n]!, 1];
  const oct = /^[0-7]{1,3}/.exec(src.slice(i));
  if (oct) return [String.fromCharCode(parseInt(oct[0], 8) & (bytes ? 0xff : 0x1ff)), oct[0].length];
  const hexLen = n === 'x' ? 2 : !bytes && n === 'u' ? 4 : !bytes && n === 'U' ? 8 : 0;
  if (hexLen) {
    const hex = src.slice(i + 1, i + 1 + hexLen);
    if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) throw new NotLiteral();
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) throw new NotLiteral();
    return [String.fromCodePoint(code), 1 + hexLen];
  }
  if (!bytes && n === 'N') throw new NotLiteral(); // \N{NAME} needs the Unicode name table
  return ['\\' + n, 1]; // unknown escapes keep their backslash, as in Python
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  peek(): Tok {
    return this.toks[this.i]!;
  }
  private next(): Tok {
    return this.toks[this.i++]!;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  private expect(v: string): void {
    if (!this.isOp(v)) throw new NotLiteral();
    this.i++;
  }

  /** A bare `1, 2` is a tuple in Python; one item without a comma is just the item. */
  expressionList(): unknown {
    const first = this.value();
    if (!this.isOp(',')) return first;
    const items = [first];
    while (this.isOp(',')) {
      this.i++;
      if (this.peek().t === 'end') break;
      items.push(this.value());
    }
    return items;
  }

  private value(): unknown {
    const t = this.next();
    switch (t.t) {
      case 'num': return t.v;
      case 'str': return this.strings(t);
      case 'name': return this.name(t.v);
      case 'op': return this.compound(t.v);
      default: throw new NotLiteral();
    }
  }

  /** Adjacent literals concatenate; mixing bytes and text is a syntax error. */
  private strings(first: { v: string; bytes: boolean }): string {
    let s = first.v;
    for (let t = this.peek(); t.t === 'str'; t = this.peek()) {
      if (t.bytes !== first.bytes) throw new NotLiteral();
      s += t.v;
      this.i++;
    }
    return s;
  }

  private name(v: string): unknown {
    if (v === 'True') return true;
    if (v === 'False') return false;
    if (v === 'None') return null;
    if (v === 'set' && this.isOp('(')) { this.i++; this.expect(')'); return []; }
    throw new NotLiteral();
  }

  private compound(op: string): unknown {
    if (op === '+' || op === '-') {
      // Only a sign directly on a number: '--1' and '-True' are not literals.
      const t = this.next();
      if (t.t !== 'num') throw new NotLiteral();
      return op === '-' ? -t.v : t.v;
    }
    if (op === '[') return this.items(']');
    if (op === '(') {
      if (this.isOp(')')) { this.i++; return []; }
      const first = this.value();
      if (this.isOp(')')) { this.i++; return first; } // parentheses only group
      this.expect(',');
      const rest = this.isOp(')') ? [] : this.items(')');
      if (rest.length === 0) this.expect(')');
      return [first, ...rest];
    }
    if (op === '{') return this.braces();
    throw new NotLiteral();
  }

  /** Comma-separated values up to `close`, trailing comma allowed; consumes `close`. */
  private items(close: string): unknown[] {
    const out: unknown[] = [];
    while (!this.isOp(close)) {
      out.push(this.value());
      if (!this.isOp(close)) this.expect(',');
    }
    this.i++;
    return out;
  }

  private braces(): unknown {
    if (this.isOp('}')) { this.i++; return {}; }
    const first = this.value();
    if (!this.isOp(':')) { // a set literal
      if (this.isOp('}')) { this.i++; return [first]; }
      this.expect(',');
      return dedupe([first, ...this.items('}')]);
    }
    const obj: Record<string, unknown> = {};
    let key = first;
    for (;;) {
      this.expect(':');
      if (typeof key === 'object' && key !== null) throw new NotLiteral(); // unhashable key
      obj[String(key)] = this.value();
      if (this.isOp('}')) { this.i++; return obj; }
      this.expect(',');
      if (this.isOp('}')) { this.i++; return obj; }
      key = this.value();
    }
  }
}

function dedupe(items: unknown[]): unknown[] {
  return [...new Set(items)];
}
