// The safe evaluator of conditions and `{{ expr | filter }}` expressions. It
// walks the parsed tree and does only what each node says: read a name from
// the scope, read an own data member, apply an operator, or call a function
// from the closed tables (filters, tests, `range`, a few Python methods).
// Playbook text is never run as JavaScript, so there is nothing to escape from.
import { ExpressionError, force, quoteForMessage, TemplateError, Undefined, UndefinedVariableError } from './errors.js';
import { callMethod } from './methods.js';
import { parseExpression, type Args, type Expr } from './parser.js';
import { callFilter, callFunction, callTest } from './registry.js';
import { aType, compareValues, contains, deepEqual, getMember, isMapping, iterate, MISSING, setOwn, truthy, typeName, type Names } from './values.js';
import { MAX_LIST_LENGTH } from './filters-data.js';
import { makeNamespace, TemplateFunction } from './jinja-values.js';
import { pyPercentFormat } from './python-percent.js';
import { asTuple, pyStr } from './python-text.js';

export type { Names } from './values.js';
export { truthy } from './values.js';

const cache = new Map<string, Expr>();

/** Parse once per distinct text: the same `when` runs for every host and loop item. */
export function compileExpression(source: string): Expr {
  let expr = cache.get(source);
  if (expr === undefined) {
    expr = parseExpression(source);
    if (cache.size > 10_000) cache.clear();
    cache.set(source, expr);
  }
  return expr;
}

/** Evaluate a parsed expression; the result may be Undefined (the caller decides if that is an error). */
export function evaluate(expr: Expr, source: string, names: Names): unknown {
  return new Evaluator(source, names).eval(expr);
}

/** The positional and named values of a call's arguments (a `{% filter %}` block's filters take them so). */
export function evaluateArgs(node: Args, source: string, names: Names): [unknown[], [string, unknown][]] {
  return new Evaluator(source, names).args(node);
}

/** Evaluate expression text to a value; an undefined result is an error naming the variable. */
export function evaluateExpression(source: string, names: Names): unknown {
  try {
    return force(evaluate(compileExpression(source), source, names));
  } catch (error) {
    // A parse or type error already shows the expression under a caret.
    if (error instanceof TemplateError && !(error instanceof ExpressionError)) error.locate(quoteForMessage(source.trim()));
    throw error;
  }
}

/**
 * A name's value, Undefined when it is not defined, or when its own value uses
 * something undefined (`url: "{{ host }}/x"` without a host): as in Ansible,
 * `url | default(x)` and `url is defined` then treat it as undefined.
 */
export function resolveName(names: Names, name: string): unknown {
  try {
    const value = names.resolve(name);
    return value === MISSING ? new Undefined(name, `undefined variable '${name}'`) : value;
  } catch (error) {
    if (error instanceof UndefinedVariableError) return new Undefined(name, error.message, error);
    throw error;
  }
}

class Evaluator {
  constructor(
    private readonly source: string,
    private readonly names: Names,
  ) {}

  eval(node: Expr): unknown {
    try {
      return this.evalNode(node);
    } catch (error) {
      // Errors from filters and operators learn their position here, once, at the innermost node.
      if (error instanceof TemplateError && error.constructor === TemplateError && error.where === undefined) {
        const at = node.t === 'filter' || node.t === 'test' ? node.at : node.start;
        const located = new ExpressionError(error.detail, this.source, at);
        located.pythonClass = error.pythonClass;
        throw located;
      }
      throw error;
    }
  }

  /** The value, or an error if it is undefined. */
  private value(node: Expr): unknown {
    return force(this.eval(node));
  }

  private text(node: Expr): string {
    return this.source.slice(node.start, node.end).trim();
  }

  private evalNode(node: Expr): unknown {
    switch (node.t) {
      case 'literal':
        return node.value;
      case 'name':
        return resolveName(this.names, node.name);
      case 'list': {
        const items = node.items.map((item) => this.value(item));
        return node.tuple === true ? asTuple(items) : items;
      }
      case 'dict': {
        const dict: Record<string, unknown> = {};
        for (const [k, v] of node.entries) {
          const key = this.value(k);
          if (typeof key !== 'string' && typeof key !== 'number') {
            throw new TemplateError(`a dict key must be a string or number, got ${aType(key)}`);
          }
          setOwn(dict, String(key), this.value(v));
        }
        return dict;
      }
      case 'member':
        return this.member(node.object, node.key);
      case 'slice':
        return slice(this.value(node.object), [node.from, node.to, node.step ?? null].map((n) => n && this.value(n)));
      case 'unary': {
        const arg = this.value(node.arg);
        if (node.op === 'not') return !truthy(arg);
        if (typeof arg !== 'number') throw new TemplateError(`unary '${node.op}' needs a number, got ${aType(arg)}`);
        return node.op === '-' ? -arg : arg;
      }
      case 'binary':
        if (node.op === 'and' || node.op === 'or') {
          const left = this.value(node.left);
          // Short-circuit: `x is defined and x.y == 1` never touches x.y when x is undefined.
          return truthy(left) === (node.op === 'or') ? left : this.eval(node.right);
        }
        return arithmetic(node.op, this.value(node.left), this.value(node.right));
      case 'compare': {
        let left = this.value(node.first);
        for (const [op, rightNode] of node.rest) {
          const right = this.value(rightNode);
          if (!compare(op, left, right)) return false;
          left = right;
        }
        return true;
      }
      case 'cond':
        if (truthy(this.value(node.test))) return this.eval(node.then);
        if (node.otherwise !== null) return this.eval(node.otherwise);
        // Jinja makes this a plain Undefined even under Ansible's strict one: it renders as nothing.
        return new Undefined(this.text(node), `the condition of '${this.text(node)}' is false and there is no 'else'`, undefined, true);
      case 'filter': {
        const [args, kwargs] = this.args(node);
        return callFilter(node.name, [this.eval(node.arg), ...args], kwargs);
      }
      case 'test': {
        const [args, kwargs] = this.args(node);
        return callTest(node.name, [this.eval(node.arg), ...args], kwargs) !== node.negated;
      }
      case 'call':
        return this.call(node.callee, node);
    }
  }

  private member(objectNode: Expr, keyNode: Expr | string): unknown {
    const object = this.eval(objectNode);
    // Ansible's undefined chains: x.y.z of a missing x stays undefined until used.
    if (object instanceof Undefined) return object;
    const key = typeof keyNode === 'string' ? keyNode : this.value(keyNode);
    const value = getMember(object, key);
    if (value !== MISSING) return value;
    const owner = this.text(objectNode);
    const what = typeof keyNode === 'string' ? `attribute '${key}'` : `item ${JSON.stringify(key) ?? typeName(key)}`;
    const name = typeof keyNode === 'string' ? `${owner}.${key}` : `${owner}[${JSON.stringify(key)}]`;
    return new Undefined(name, object === null ? `'${owner}' is none, so it has no ${what}` : `'${owner}' has no ${what}`);
  }

  /** The call's arguments, with `*items` spread after the positional ones and `**mapping` after the named ones, as Python does. */
  args(node: Args): [unknown[], [string, unknown][]] {
    const args = node.args.map((a) => this.eval(a));
    if (node.star !== undefined) {
      const items = this.value(node.star);
      if (!Array.isArray(items) && typeof items !== 'string' && !isMapping(items)) throw new TemplateError(`argument after * must be an iterable, not ${typeName(items)}`);
      args.push(...iterate(items, 'argument after *'));
    }
    const kwargs = node.kwargs.map(([k, v]): [string, unknown] => [k, this.eval(v)]);
    if (node.starstar !== undefined) {
      const mapping = this.value(node.starstar);
      if (!isMapping(mapping)) throw new TemplateError(`argument after ** must be a mapping, not ${typeName(mapping)}`);
      for (const [key, value] of Object.entries(mapping)) {
        if (kwargs.some(([named]) => named === key)) throw new TemplateError(`got multiple values for keyword argument '${key}'`);
        kwargs.push([key, value]);
      }
    }
    return [args, kwargs];
  }

  private call(callee: Expr, node: Args): unknown {
    if (callee.t === 'name') {
      // A macro the template defined (or `caller`) comes before the global functions.
      const own = resolveName(this.names, callee.name);
      const [args, kwargs] = this.args(node);
      if (own instanceof TemplateFunction) return own.invoke(args, kwargs);
      if (callee.name === 'namespace' && own instanceof Undefined) return makeNamespace(args.map(force), kwargs);
      return callFunction(callee.name, args, kwargs, this.names, node.args.map(writesTemplate));
    }
    if (callee.t === 'member' && typeof callee.key === 'string') {
      const self = this.value(callee.object);
      const own = getMember(self, callee.key);
      if (own instanceof TemplateFunction) {
        const [args, kwargs] = this.args(node);
        return own.invoke(args, kwargs);
      }
      const [args, kwargs] = this.args(node);
      if (kwargs.length > 0) throw new TemplateError('methods take no keyword arguments');
      return callMethod(self, callee.key, args.map(force));
    }
    throw new TemplateError('only filters, tests, range() and string/dict methods can be called');
  }
}

/** Whether an argument's expression has a string literal holding a template (`'{{ x }} -c ...'`): lookup() templates such terms again. */
function writesTemplate(node: Expr): boolean {
  if (node.t === 'literal') return typeof node.value === 'string' && /\{\{|\{%|\{#/.test(node.value);
  if (node.t === 'binary') return writesTemplate(node.left) || writesTemplate(node.right);
  if (node.t === 'list') return node.items.some(writesTemplate);
  if (node.t === 'cond') return writesTemplate(node.then) || (node.otherwise !== null && writesTemplate(node.otherwise));
  return false;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return deepEqual(a, b);
    case '!=':
      return !deepEqual(a, b);
    case 'in':
      return contains(b, a);
    case 'not in':
      return !contains(b, a);
    case '<':
      return compareValues(a, b) < 0;
    case '<=':
      return compareValues(a, b) <= 0;
    case '>':
      return compareValues(a, b) > 0;
    default:
      return compareValues(a, b) >= 0;
  }
}

/** Python's slicing, with a step: `x[::-1]`, `x[1:]`, `s[:3]`. */
function slice(object: unknown, bounds: unknown[]): unknown {
  if (!Array.isArray(object) && typeof object !== 'string') throw new TemplateError(`cannot slice ${aType(object)}`);
  const [from, to, step] = bounds.map((v) => {
    if (v === null || v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new TemplateError(`a slice bound must be an integer, got ${aType(v)}`);
    return v;
  });
  const items = typeof object === 'string' ? [...object] : object;
  const n = items.length;
  const by = step ?? 1;
  if (by === 0) throw new TemplateError('slice step cannot be zero');
  const clamp = (v: number | undefined, fallback: number, low: number, high: number): number =>
    v === undefined ? fallback : Math.min(high, Math.max(low, v < 0 ? v + n : v));
  const picked: unknown[] = [];
  if (by > 0) for (let i = clamp(from, 0, 0, n); i < clamp(to, n, 0, n); i += by) picked.push(items[i]);
  else for (let i = clamp(from, n - 1, -1, n - 1); i > clamp(to, -1, -1, n - 1); i += by) picked.push(items[i]);
  return typeof object === 'string' ? picked.join('') : picked;
}

function repeat(what: unknown, times: unknown): unknown {
  if (typeof times !== 'number' || !Number.isInteger(times)) return undefined;
  const length = Math.max(0, times) * (typeof what === 'string' || Array.isArray(what) ? what.length : 0);
  if (length > MAX_LIST_LENGTH * 10) throw new TemplateError(`repetition would make ${length} items, more than allowed`);
  if (typeof what === 'string') return what.repeat(Math.max(0, times));
  if (Array.isArray(what)) return Array.from({ length: Math.max(0, times) }, () => what).flat(1);
  return undefined;
}

function arithmetic(op: string, a: unknown, b: unknown): unknown {
  if (op === '~') return pyStr(a) + pyStr(b);
  if (op === '%' && typeof a === 'string') return pyPercentFormat(a, b);
  if (op === '+') {
    if (typeof a === 'string' && typeof b === 'string') return a + b;
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  }
  if (op === '*') {
    const repeated = typeof a === 'number' ? repeat(b, a) : repeat(a, b);
    if (repeated !== undefined) return repeated;
  }
  if (typeof a !== 'number' || typeof b !== 'number') {
    const hint = op === '+' && (typeof a === 'string' || typeof b === 'string') ? ' (use ~ to join values as text)' : '';
    throw new TemplateError(`cannot apply '${op}' to ${aType(a)} and ${aType(b)}${hint}`);
  }
  if ((op === '/' || op === '//' || op === '%') && b === 0) throw new TemplateError('division by zero');
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '//':
      return Math.floor(a / b);
    case '%':
      return ((a % b) + b) % b;
    default:
      return a ** b;
  }
}
