// Recursive-descent parser for the condition language, one function per
// precedence level, in Jinja's order (lowest first):
//   x if c else y  <  or  <  and  <  not  <  == != < <= > >= in, not in
//   <  + -  <  ~  <  * / // %  <  **  <  unary - +  <  postfix . [] () | is
// Filters and tests bind tightest, as in Jinja: `a + b | int` is a + (b | int).
// The result is a plain tree; nothing here evaluates anything.
import type { Args, Expr } from './ast.js';
import { describe, TokenCursor, type Token } from './lexer.js';

export type { Args, Expr } from './ast.js';

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else']);
const LITERALS: Record<string, unknown> = { true: true, True: true, false: false, False: false, none: null, None: null, null: null };
/** Words after `is NAME` that end the test rather than start its argument. */
const BARE_ARG_STOPS = new Set(['else', 'or', 'and', 'if', 'in', 'not', 'is', 'for', 'recursive']);
const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);
/** Nesting deeper than this is an error rather than a stack overflow. */
const MAX_DEPTH = 100;
/** Operator chains (a + b + c ...) grow the tree as deep as nesting does. */
const MAX_OPERATORS = 1000;

export function parseExpression(source: string): Expr {
  return new Parser(source).parseAll();
}

/** The expression grammar; the statement reader (jinja-tags.ts) extends it to read the parts of `{% %}` tags. */
export class Parser extends TokenCursor {
  private depth = 0;
  private operators = 0;

  parseAll(): Expr {
    if (this.peek().kind === 'end') throw this.error('empty expression', this.peek());
    const expr = this.parseCond();
    if (this.peek().kind !== 'end') throw this.error(`unexpected ${describe(this.peek())}`, this.peek());
    return expr;
  }

  protected parseCond(): Expr {
    const then = this.parseOr();
    if (!this.isName('if')) return then;
    this.next();
    const test = this.parseOr();
    let otherwise: Expr | null = null;
    if (this.isName('else')) {
      this.next();
      otherwise = this.nested(() => this.parseCond());
    }
    return { t: 'cond', then, test, otherwise, start: then.start, end: this.lastEnd() };
  }

  protected parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isName('or')) {
      this.chain();
      const right = this.parseAnd();
      left = { t: 'binary', op: 'or', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  protected parseAnd(): Expr {
    let left = this.parseNot();
    while (this.isName('and')) {
      this.chain();
      const right = this.parseNot();
      left = { t: 'binary', op: 'and', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  protected parseNot(): Expr {
    if (!this.isName('not')) return this.parseCompare();
    const start = this.next().start;
    const arg = this.nested(() => this.parseNot());
    return { t: 'unary', op: 'not', arg, start, end: arg.end };
  }

  protected parseCompare(): Expr {
    const first = this.parseBinary(0);
    const rest: [string, Expr][] = [];
    for (;;) {
      const token = this.peek();
      let op: string;
      if (token.kind === 'op' && COMPARISONS.has(token.text)) op = token.text;
      else if (this.isName('in')) op = 'in';
      else if (this.isName('not') && this.peek(1).kind === 'name' && this.peek(1).text === 'in') op = 'not in';
      else break;
      this.chain();
      if (op === 'not in') this.next();
      rest.push([op, this.parseBinary(0)]);
    }
    return rest.length === 0 ? first : { t: 'compare', first, rest, start: first.start, end: rest.at(-1)![1].end };
  }

  /** The arithmetic levels, from `+ -` (level 0) to `**` (level 3). */
  protected parseBinary(level: number): Expr {
    if (level === LEVELS.length) return this.parseUnary();
    let left = this.parseBinary(level + 1);
    while (this.peek().kind === 'op' && LEVELS[level]!.includes(this.peek().text)) {
      const op = this.chain().text;
      // ** is right-associative: 2 ** 3 ** 2 is 2 ** 9.
      const right = op === '**' ? this.nested(() => this.parseBinary(level)) : this.parseBinary(level + 1);
      left = { t: 'binary', op, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  protected parseUnary(): Expr {
    const token = this.peek();
    if (token.kind === 'op' && (token.text === '-' || token.text === '+')) {
      this.next();
      const arg = this.nested(() => this.parseUnary());
      return this.parsePostfix({ t: 'unary', op: token.text, arg, start: token.start, end: arg.end });
    }
    return this.parsePostfix(this.parsePrimary());
  }

  protected parsePostfix(expr: Expr): Expr {
    for (;;) {
      const token = this.peek();
      const postfix = (token.kind === 'op' && '.[(|'.includes(token.text)) || this.isName('is');
      if (!postfix) return expr;
      if (++this.operators > MAX_OPERATORS) throw this.error(`expression has more than ${MAX_OPERATORS} operators`, token);
      if (token.kind === 'op' && token.text === '.') {
        this.next();
        const key = this.next();
        if (key.kind !== 'name' && !(key.kind === 'number' && /^\d+$/.test(key.text))) {
          throw this.error(`expected an attribute name after '.', got ${describe(key)}`, key);
        }
        expr = { t: 'member', object: expr, key: key.text, start: expr.start, end: key.end };
      } else if (token.kind === 'op' && token.text === '[') {
        expr = this.nested(() => this.parseSubscript(expr));
      } else if (token.kind === 'op' && token.text === '(') {
        const args = this.nested(() => this.parseArgs());
        expr = { t: 'call', callee: expr, ...args, start: expr.start, end: this.lastEnd() };
      } else if (token.kind === 'op' && token.text === '|') {
        this.next();
        const at = this.peek().start;
        const name = this.parseDottedName('filter');
        const args = this.isOp('(') ? this.nested(() => this.parseArgs()) : { args: [], kwargs: [] };
        expr = { t: 'filter', arg: expr, name, at, ...args, start: expr.start, end: this.lastEnd() };
      } else if (this.isName('is')) {
        this.next();
        const negated = this.isName('not') && this.peek(1).kind === 'name';
        if (negated) this.next();
        const at = this.peek().start;
        const name = this.parseDottedName('test');
        const args = this.isOp('(') ? this.nested(() => this.parseArgs()) : this.bareTestArg();
        expr = { t: 'test', arg: expr, name, negated, at, ...args, start: expr.start, end: this.lastEnd() };
      } else {
        return expr;
      }
    }
  }

  protected parseSubscript(object: Expr): Expr {
    this.expect('[');
    const from = this.isOp(':') ? null : this.parseCond();
    if (from !== null && this.isOp(']')) {
      return { t: 'member', object, key: from, start: object.start, end: this.next().end };
    }
    this.expect(':');
    const to = this.isOp(']') || this.isOp(':') ? null : this.parseCond();
    let step: Expr | null = null;
    if (this.isOp(':')) {
      this.next();
      step = this.isOp(']') ? null : this.parseCond();
    }
    const end = this.expect(']').end;
    return { t: 'slice', object, from, to, step, start: object.start, end };
  }

  /** Jinja's `x is divisibleby 3`, `x is in y`: a test takes one argument without parentheses. */
  private bareTestArg(): Args {
    const token = this.peek();
    const starts = token.kind === 'string' || token.kind === 'number' || (token.kind === 'op' && (token.text === '[' || token.text === '{'));
    if (!starts && !(token.kind === 'name' && !BARE_ARG_STOPS.has(token.text))) return { args: [], kwargs: [] };
    return { args: [this.nested(() => this.parsePostfix(this.parsePrimary()))], kwargs: [] };
  }

  /** `name`, or `ansible.builtin.name` as Ansible playbooks write it. */
  protected parseDottedName(what: string): string {
    const parts = [this.expectName(what)];
    while (this.isOp('.') && this.peek(1).kind === 'name') {
      this.next();
      parts.push(this.next().text);
    }
    const name = parts.join('.');
    return name.startsWith('ansible.builtin.') ? name.slice('ansible.builtin.'.length) : name;
  }

  /** Jinja's parse_call_args: positional, then named; `*items` once, `**mapping` once and last. */
  protected parseArgs(): Args {
    const open = this.expect('(');
    const result: Args = { args: [], kwargs: [] };
    const ensure = (ok: boolean): void => {
      if (!ok) throw this.error('invalid syntax for function call expression', open);
    };
    while (!this.isOp(')')) {
      if (this.isOp('*')) {
        ensure(result.star === undefined && result.starstar === undefined);
        this.next();
        result.star = this.parseCond();
      } else if (this.isOp('**')) {
        ensure(result.starstar === undefined);
        this.next();
        result.starstar = this.parseCond();
      } else if (this.peek().kind === 'name' && this.peek(1).kind === 'op' && this.peek(1).text === '=') {
        ensure(result.starstar === undefined);
        const key = this.next().text;
        this.next();
        result.kwargs.push([key, this.parseCond()]);
      } else {
        if (result.kwargs.length > 0) throw this.error('a positional argument cannot follow a keyword argument', this.peek());
        ensure(result.star === undefined && result.starstar === undefined);
        result.args.push(this.parseCond());
      }
      if (!this.isOp(',')) break;
      this.next();
    }
    this.expect(')');
    return result;
  }

  protected parsePrimary(): Expr {
    const token = this.next();
    const span = { start: token.start, end: token.end };
    switch (token.kind) {
      case 'number':
        return { t: 'literal', value: token.number, ...span };
      case 'string': {
        // Adjacent strings are one, as in Python and Jinja: 'a' 'b' is 'ab'.
        let value = token.text;
        while (this.peek().kind === 'string') value += this.next().text;
        return { t: 'literal', value, start: token.start, end: this.lastEnd() };
      }
      case 'name':
        if (Object.hasOwn(LITERALS, token.text)) return { t: 'literal', value: LITERALS[token.text], ...span };
        if (KEYWORDS.has(token.text)) throw this.error(`unexpected '${token.text}'`, token);
        return { t: 'name', name: token.text, ...span };
      case 'op':
        if (token.text === '(') return this.nested(() => this.parseParens(token));
        if (token.text === '[') return this.nested(() => this.parseList(token));
        if (token.text === '{') return this.nested(() => this.parseDict(token));
        break;
      case 'end':
        throw this.error('unexpected end of expression', token);
    }
    throw this.error(`unexpected ${describe(token)}`, token);
  }

  protected parseParens(open: Token): Expr {
    if (this.isOp(')')) return { t: 'list', items: [], tuple: true, start: open.start, end: this.next().end };
    const first = this.parseCond();
    if (!this.isOp(',')) {
      this.expect(')');
      return first;
    }
    // A tuple: (a, b) is a list here.
    const items = [first, ...this.parseItems(')', () => this.parseCond(), true)];
    return { t: 'list', items, tuple: true, start: open.start, end: this.lastEnd() };
  }

  protected parseList(open: Token): Expr {
    const items = this.parseItems(']', () => this.parseCond(), false);
    return { t: 'list', items, start: open.start, end: this.lastEnd() };
  }

  protected parseDict(open: Token): Expr {
    const entries = this.parseItems('}', (): [Expr, Expr] => {
      const key = this.parseCond();
      this.expect(':');
      return [key, this.parseCond()];
    }, false);
    return { t: 'dict', entries, start: open.start, end: this.lastEnd() };
  }

  /** Comma-separated items up to `close` (a trailing comma allowed); consumes `close`. */
  protected parseItems<T>(close: string, item: () => T, afterFirst: boolean): T[] {
    const items: T[] = [];
    if (afterFirst) this.expect(',');
    while (!this.isOp(close)) {
      items.push(item());
      if (!this.isOp(',')) break;
      this.next();
    }
    this.expect(close);
    return items;
  }

  protected nested<T>(parse: () => T): T {
    if (++this.depth > MAX_DEPTH) throw this.error(`expression nested more than ${MAX_DEPTH} levels deep`, this.peek());
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  /** Consume a binary operator, counting it against MAX_OPERATORS. */
  protected chain(): Token {
    if (++this.operators > MAX_OPERATORS) throw this.error(`expression has more than ${MAX_OPERATORS} operators`, this.peek());
    return this.next();
  }
}

const LEVELS: readonly (readonly string[])[] = [['+', '-'], ['~'], ['*', '/', '//', '%'], ['**']];
