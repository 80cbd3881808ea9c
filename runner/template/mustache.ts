// Evaluates a parsed Handlebars template. Drover walks the tree itself instead
// of compiling it with Handlebars, because Handlebars' strict mode checks only
// the last part of a plain {{path}}: helper arguments and {{#if x}} of a
// missing x pass silently, and {{default a.b 1}} of a missing `a` crashes
// with a TypeError. Here every lookup follows one rule: a missing value is an
// error naming it, unless the helper takes undefined (default, defined,
// mandatory). Lookups read own data only (values.getMember).
//
// Names inside blocks are found, nearest first: block params (as |x i|), the
// item of each/with blocks, then the play's variables (Mustache's recursive
// lookup, so {{#each users}}{{name}} and {{ domain }} both work).
import { force, TemplateError, Undefined } from './errors.js';
import {
  slotOf,
  type BlockStatement,
  type ContentStatement,
  type HbsExpression,
  type MustacheStatement,
  type PathExpression,
  type Program,
  type Position,
  type SourceLocation,
  type Statement,
  type StringLiteral,
  type SubExpression,
  type Template,
} from './handlebars-compile.js';
import { evaluate, resolveName } from './expression.js';
import { callHelper } from './registry.js';
import { aType, getMember, isMapping, MISSING, toText, truthy, type Names } from './values.js';

/** The context of the current block: `this`, its @data, its block params. */
interface Frame {
  /** `this`; `top` for the template's top level, where names come from the scope. */
  context: unknown;
  data: Record<string, unknown>;
  params: Map<string, unknown>;
  parent: Frame | null;
}

const top = Symbol('top');

export class Interpreter {
  private readonly root: Frame;

  constructor(
    private readonly template: Template,
    private readonly names: Names,
    /** How to name a place in this text in messages. */
    private readonly where: (at: Position) => string,
  ) {
    this.root = { context: top, data: {}, params: new Map(), parent: null };
  }

  /** The whole template as text. */
  render(): string {
    return this.program(this.template.program, this.root);
  }

  /** One mustache's raw value: type preserved, never undefined. */
  value(node: MustacheStatement): unknown {
    return this.located(node.loc, () => force(this.mustache(node, this.root)));
  }

  private program(program: Program | undefined, frame: Frame): string {
    if (program === undefined) return '';
    let out = '';
    for (const statement of program.body) {
      out += this.located(statement.loc, () => this.statement(statement, frame));
    }
    return out;
  }

  private located<T>(loc: SourceLocation, run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof TemplateError) error.locate(this.where(loc.start));
      throw error;
    }
  }

  private statement(statement: Statement, frame: Frame): string {
    switch (statement.type) {
      case 'ContentStatement':
        return (statement as ContentStatement).value;
      case 'CommentStatement':
        return '';
      case 'MustacheStatement':
        return toText(force(this.mustache(statement as MustacheStatement, frame)));
      case 'BlockStatement':
        return this.block(statement as BlockStatement, frame);
      default:
        // Partials and decorators: nothing to look them up in, and no need so far.
        throw new TemplateError(`${statement.type.startsWith('Partial') ? 'partials' : 'decorators'} are not supported in drover templates`);
    }
  }

  private mustache(node: MustacheStatement, frame: Frame): unknown {
    const slot = slotOf(this.template, node.path);
    if (slot !== undefined) return evaluate(slot.expr, slot.source, this.namesOf(frame));
    if (node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0) return this.call(node, frame);
    return this.expression(node.path, frame);
  }

  private call(node: MustacheStatement | SubExpression, frame: Frame): unknown {
    const name = helperName(node.path);
    const args = node.params.map((p) => this.expression(p, frame));
    const kwargs = (node.hash?.pairs ?? []).map((pair): [string, unknown] => [pair.key, this.expression(pair.value, frame)]);
    return callHelper(name, args, kwargs);
  }

  private expression(node: HbsExpression, frame: Frame): unknown {
    switch (node.type) {
      case 'PathExpression':
        return this.path(node as PathExpression, frame);
      case 'SubExpression':
        return this.call(node as SubExpression, frame);
      case 'StringLiteral':
      case 'NumberLiteral':
      case 'BooleanLiteral':
        return (node as StringLiteral).value;
      case 'NullLiteral':
        return null;
      default:
        return new Undefined('undefined', "the literal 'undefined'");
    }
  }

  private path(path: PathExpression, frame: Frame): unknown {
    const [head, ...rest] = path.parts;
    let value: unknown;
    if (path.data) {
      value = head === 'root' ? top : this.data(frame, head ?? '');
      if (value === MISSING) return new Undefined(`@${head}`, `undefined data variable '@${head}'`);
    } else {
      let base: Frame | null = frame;
      for (let d = 0; d < path.depth && base !== null; d++) base = base.parent;
      if (base === null) return new Undefined(path.original, `'${path.original}' goes above the top of the template`);
      const scoped = path.depth > 0 || /^(\.|this\b)/.test(path.original);
      if (head === undefined) {
        return base.context === top ? new Undefined(path.original, `'${path.original}' at the top level is not a value`) : base.context;
      }
      const names = !scoped ? this.namesOf(base) : base.context === top ? this.names : null;
      value = names === null ? getMember(base.context, head) : resolveName(names, head);
      if (value === MISSING) return new Undefined(path.original, `'this' has no attribute '${head}'`);
      if (value instanceof Undefined) return value;
      return walk(value, rest, head, path.original, this.names);
    }
    return walk(value, rest, `@${head}`, path.original, this.names);
  }

  private data(frame: Frame | null, key: string): unknown {
    for (let f = frame; f !== null; f = f.parent) {
      const value = getMember(f.data, key);
      if (value !== MISSING) return value;
    }
    return MISSING;
  }

  /** Names as seen from inside a block, for the expressions in it. */
  private namesOf(frame: Frame): Names {
    if (frame === this.root) return this.names;
    return {
      resolve: (name: string): unknown => {
        for (let f: Frame | null = frame; f !== null; f = f.parent) {
          if (f.params.has(name)) return f.params.get(name);
        }
        if (name === 'this') return frame.context;
        for (let f: Frame | null = frame; f !== null && f.context !== top; f = f.parent) {
          const value = isMapping(f.context) ? getMember(f.context, name) : MISSING;
          if (value !== MISSING) return value;
        }
        return this.names.resolve(name);
      },
    };
  }

  private block(node: BlockStatement, frame: Frame): string {
    const name = helperName(node.path);
    if (!['if', 'unless', 'with', 'each'].includes(name)) {
      throw new TemplateError(`unknown block helper '#${name}' (drover templates have #if, #unless, #each and #with)`);
    }
    if (node.params.length !== 1) throw new TemplateError(`{{#${name}}} takes exactly one value, got ${node.params.length}`);
    const value = force(this.expression(node.params[0]!, frame));
    const blockParams = node.program?.blockParams ?? [];
    switch (name) {
      case 'if':
      case 'unless':
        return this.program(truthy(value) === (name === 'if') ? node.program : node.inverse, frame);
      case 'with':
        return truthy(value) ? this.program(node.program, this.child(frame, value, {}, blockParams, [value])) : this.program(node.inverse, frame);
      default:
        return this.each(node, frame, value, blockParams);
    }
  }

  private each(node: BlockStatement, frame: Frame, value: unknown, blockParams: string[]): string {
    let entries: [unknown, unknown, string | undefined][];
    if (Array.isArray(value)) entries = value.map((item, i) => [item, i, undefined]);
    else if (isMapping(value)) entries = Object.entries(value).map(([key, item]) => [item, key, key]);
    else if (value === null || value === false) entries = [];
    else throw new TemplateError(`{{#each}} needs a list or dict, got ${aType(value)}`);
    if (entries.length === 0) return this.program(node.inverse, frame);
    return entries
      .map(([item, indexOrKey, key], i) => {
        const data: Record<string, unknown> = { index: i, first: i === 0, last: i === entries.length - 1 };
        if (key !== undefined) data['key'] = key;
        return this.program(node.program, this.child(frame, item, data, blockParams, [item, indexOrKey]));
      })
      .join('');
  }

  private child(parent: Frame, context: unknown, data: Record<string, unknown>, names: string[], values: unknown[]): Frame {
    const params = new Map<string, unknown>();
    names.forEach((name, i) => params.set(name, values[i]));
    return { context, data, params, parent };
  }
}

function helperName(path: HbsExpression): string {
  const p = path as PathExpression;
  if (path.type !== 'PathExpression' || p.data || p.depth > 0 || p.parts.length !== 1) {
    throw new TemplateError(`'${p.original ?? path.type}' is not a helper name`);
  }
  return p.parts[0]!;
}

/** Follow `rest` from `value`; a missing member becomes an Undefined naming it. */
function walk(value: unknown, rest: string[], head: string, original: string, names: Names): unknown {
  let current = value;
  let so = head;
  for (const part of rest) {
    const next = current === top ? names.resolve(part) : getMember(current, part);
    if (next === MISSING) {
      const reason = current === top ? `undefined variable '${part}'` : `'${so}' has no attribute '${part}'`;
      return new Undefined(original, reason);
    }
    current = next;
    so = `${so}.${part}`;
  }
  return current === top ? new Undefined(original, `'${original}' is not a value`) : current;
}
