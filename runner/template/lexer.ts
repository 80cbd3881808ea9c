// Tokens of the condition language (a subset of Jinja's expression syntax),
// and the cursor the parser reads them with. Keywords (and, or, not, in, is,
// if, else, true, none...) are plain names here; the parser gives them meaning.
import { ExpressionError } from './errors.js';

export type TokenKind = 'name' | 'number' | 'string' | 'op' | 'end';

export interface Token {
  kind: TokenKind;
  /** The name, the operator, or the decoded string. */
  text: string;
  /** The value of a number token. */
  number: number;
  /** 0-based offsets in the source. */
  start: number;
  end: number;
}

// Longest first, so '//' is not read as two '/'.
const OPERATORS = ['//', '**', '==', '!=', '<=', '>=', '(', ')', '[', ']', '{', '}', '.', ',', ':', '|', '~', '+', '-', '*', '/', '%', '<', '>', '='];

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, text: string, start: number, number = 0): void => {
    tokens.push({ kind, text, number, start, end: i });
  };
  while (i < source.length) {
    const c = source[i]!;
    const start = i;
    if (/\s/.test(c)) {
      // Any Unicode space, as Python's \s: Jinja reads a non-breaking space as a space.
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < source.length && /\w/.test(source[i]!)) i++;
      push('name', source.slice(start, i), start);
    } else if (/\d/.test(c)) {
      // After a dot only an integer may follow: `a.0.1` is a[0][1], not a[0.1].
      const afterDot = tokens.at(-1)?.text === '.' && tokens.at(-1)?.kind === 'op';
      const pattern = afterDot ? /\d+/y : /\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d+)?/y;
      pattern.lastIndex = i;
      const match = pattern.exec(source)![0];
      i += match.length;
      push('number', match, start, Number(match.replace(/_/g, '')));
    } else if (c === '"' || c === "'") {
      push('string', readString(source, i, (end) => (i = end)), start);
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (op === undefined) throw new ExpressionError(`unexpected character ${JSON.stringify(c)}`, source, i);
      i += op.length;
      push('op', op, start);
    }
  }
  tokens.push({ kind: 'end', text: '', number: 0, start: source.length, end: source.length });
  return tokens;
}

/** Decode a quoted string at `start`; unknown escapes stay as written, as in Python ('\d' for regexes). */
function readString(source: string, start: number, setEnd: (end: number) => void): string {
  const quote = source[start]!;
  let out = '';
  let i = start + 1;
  while (i < source.length && source[i] !== quote) {
    if (source[i] === '\\' && i + 1 < source.length) {
      const next = source[i + 1]!;
      out += ESCAPES[next] ?? `\\${next}`;
      i += 2;
    } else {
      out += source[i];
      i++;
    }
  }
  if (i >= source.length) throw new ExpressionError('unterminated string', source, start);
  setEnd(i + 1);
  return out;
}

/** A cursor over the tokens of one expression, with the checks every parse step needs. */
export class TokenCursor {
  protected readonly tokens: Token[];
  protected i = 0;

  constructor(protected readonly source: string) {
    this.tokens = tokenize(source);
  }

  protected peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!;
  }

  protected next(): Token {
    const token = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return token;
  }

  protected lastEnd(): number {
    return this.tokens[this.i - 1]?.end ?? 0;
  }

  protected isOp(text: string): boolean {
    return this.peek().kind === 'op' && this.peek().text === text;
  }

  protected isName(text: string): boolean {
    return this.peek().kind === 'name' && this.peek().text === text;
  }

  protected expect(text: string): Token {
    if (!this.isOp(text)) throw this.error(`expected '${text}', got ${describe(this.peek())}`, this.peek());
    return this.next();
  }

  protected expectName(what: string): string {
    const token = this.next();
    if (token.kind !== 'name') throw this.error(`expected a ${what} name, got ${describe(token)}`, token);
    return token.text;
  }

  protected error(message: string, token: Token): ExpressionError {
    return new ExpressionError(message, this.source, token.start);
  }
}

/** A token as a message names it. */
export function describe(token: Token): string {
  if (token.kind === 'end') return 'end of expression';
  if (token.kind === 'string') return 'a string';
  if (token.kind === 'number') return `number ${token.text}`;
  return `'${token.text}'`;
}
