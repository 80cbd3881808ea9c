// Walks a parsed Jinja template (jinja-parser.ts) and writes its text, as
// Jinja 3 does under Ansible: each `{{ }}` written as Python's str() of its
// value (none as nothing, Ansible's finalize), undefined values an error.
// Expressions are evaluated by expression.ts; nothing here runs code.
import type { Expr } from './ast.js';
import { ExpressionError, force, TemplateError, Undefined } from './errors.js';
import { evaluate, evaluateArgs } from './expression.js';
import { Frame } from './jinja-frame.js';
import type { Node } from './jinja-parser.js';
import type { FilterCall, Param } from './jinja-tags.js';
import { isNamespace, TemplateFunction } from './jinja-values.js';
import { asTuple, pyStr } from './python-text.js';
import { callFilter } from './registry.js';
import { iterate, type Names, setOwn, truthy } from './values.js';
import { compileJinja, type JinjaTemplate } from './jinja-compile.js';

/** How a render finds the templates `{% include %}` and `{% import %}` name. */
export interface Loader {
  /** The text of a template and the path it was found at, or null when the search path has no such file. */
  read(name: string): { text: string; path: string } | null;
}

/** Nesting of includes and macro calls beyond this is an error, not a stack overflow. */
const MAX_NESTING = 200;

export class JinjaRenderer {
  private nesting = 0;

  constructor(private readonly loader: Loader | null) {}

  /** The template's text with `names` as its context. */
  render(template: JinjaTemplate, names: Names): string {
    return this.nodes(template, template.nodes, new Frame(names));
  }

  /** The value of a template that is one `{{ expr }}`: type kept, undefined an error. */
  value(template: JinjaTemplate, node: Node & { t: 'output' }, names: Names): unknown {
    return this.located(template, node, () => force(evaluate(node.expr, node.source, names)));
  }

  private nodes(template: JinjaTemplate, nodes: Node[], frame: Frame): string {
    let out = '';
    for (const node of nodes) out += node.t === 'text' ? node.text : this.located(template, node, () => this.node(template, node, frame));
    return out;
  }

  private located<T>(template: JinjaTemplate, node: Exclude<Node, { t: 'text' }>, run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof TemplateError && error.where === undefined) {
        const inTag = error instanceof ExpressionError && error.source === node.source ? error.offset : 0;
        error.locate(template.place(node.at + inTag));
      }
      throw error;
    }
  }

  private node(template: JinjaTemplate, node: Exclude<Node, { t: 'text' }>, frame: Frame): string {
    const ev = (expr: Expr): unknown => evaluate(expr, node.source, frame);
    switch (node.t) {
      case 'output': {
        const value = force(ev(node.expr));
        return value === null || value === undefined ? '' : pyStr(value);
      }
      case 'if': {
        const branch = node.branches.find((b) => truthy(force(ev(b.test))));
        return this.nodes(template, branch?.body ?? node.otherwise, frame);
      }
      case 'for':
        return this.forLoop(template, node, frame);
      case 'set':
        return this.assign(node.target, force(ev(node.value)), frame), '';
      case 'setblock':
        frame.set(node.target, this.filtered(node.filters, this.nodes(template, node.body, new Frame(frame)), node.source, frame));
        return '';
      case 'filter':
        return pyStr(this.filtered(node.filters, this.nodes(template, node.body, new Frame(frame)), node.source, frame));
      case 'with': {
        const inner = new Frame(frame);
        for (const [name, expr] of node.assigns) inner.set(name, ev(expr));
        return this.nodes(template, node.body, inner);
      }
      case 'macro':
        frame.set(node.name, this.macro(template, { name: node.name, params: node.params, body: node.body, source: node.source }, frame));
        return '';
      case 'call': {
        const caller = this.macro(template, { name: 'caller', params: node.params, body: node.body, source: node.source }, frame);
        const call = node.call;
        if (call.t !== 'call') throw new TemplateError("{% call %} needs a macro call, such as {% call m(1) %}");
        const inner = new Frame(frame);
        inner.set('\0caller', caller);
        const withCaller: Expr = { ...call, kwargs: [...call.kwargs, ['caller', { t: 'name', name: '\0caller', start: call.start, end: call.end }]] };
        return pyStr(force(evaluate(withCaller, node.source, inner)));
      }
      case 'include':
        return this.include(template, node, frame);
      case 'import':
      case 'from':
        return this.importNames(template, node, frame), '';
    }
  }

  private forLoop(template: JinjaTemplate, node: Node & { t: 'for' }, frame: Frame): string {
    const all = iterate(force(evaluate(node.iter, node.source, frame)), 'for');
    const bind = (target: Frame, item: unknown): void => this.assign(node.targets, item, target);
    const items = node.filter === null ? all : all.filter((item) => {
      const test = new Frame(frame);
      bind(test, item);
      return truthy(force(evaluate(node.filter!, node.source, test)));
    });
    if (items.length === 0) return this.nodes(template, node.otherwise, frame);
    let out = '';
    items.forEach((item, index0) => {
      const inner = new Frame(frame);
      bind(inner, item);
      inner.set('loop', loopObject(items, index0));
      out += this.nodes(template, node.body, inner);
    });
    return out;
  }

  /** `set x = v`, `set a, b = pair`, `set ns.attr = v`. */
  private assign(target: string[], value: unknown, frame: Frame): void {
    if (target.length === 2 && target[1] !== undefined && isNamespace(frame.resolve(target[0]!))) {
      setOwn(frame.resolve(target[0]!) as Record<string, unknown>, target[1], value);
      return;
    }
    if (target.length === 1) return frame.set(target[0]!, value);
    const items = iterate(value, 'unpacking');
    if (items.length !== target.length) throw new TemplateError(`cannot unpack ${items.length} values into ${target.length} names (${target.join(', ')})`);
    target.forEach((name, i) => frame.set(name, items[i]));
  }

  private filtered(filters: FilterCall[], text: string, source: string, frame: Frame): unknown {
    let value: unknown = text;
    for (const f of filters) {
      const [args, kwargs] = evaluateArgs(f, source, frame);
      value = callFilter(f.name, [value, ...args], kwargs);
    }
    return value;
  }

  private macro(template: JinjaTemplate, def: { name: string; params: Param[]; body: Node[]; source: string }, defined: Frame): TemplateFunction {
    const body = JSON.stringify(def.body);
    const takesVarargs = body.includes('"name":"varargs"');
    const takesKwargs = body.includes('"name":"kwargs"');
    return new TemplateFunction(def.name, (args, kwargs) => {
      const frame = new Frame(defined);
      if (args.length > def.params.length && !takesVarargs) {
        throw new TemplateError(`macro '${def.name}' takes not more than ${def.params.length} argument(s)`);
      }
      const extra: Record<string, unknown> = {};
      for (const [key, value] of kwargs) {
        if (key === 'caller' || def.params.some((p) => p.name === key)) frame.set(key, value);
        else if (takesKwargs) setOwn(extra, key, value);
        else throw new TemplateError(`macro '${def.name}' takes no keyword argument '${key}'`);
      }
      def.params.forEach((p, i) => {
        if (i < args.length) frame.set(p.name, args[i]);
        else if (!frame.vars.has(p.name)) frame.set(p.name, p.fallback === null ? new Undefined(p.name, `macro '${def.name}' was called without '${p.name}'`) : evaluate(p.fallback, def.source, frame));
      });
      frame.set('varargs', asTuple(args.slice(def.params.length)));
      frame.set('kwargs', extra);
      return this.nested(() => this.nodes(template, def.body, frame));
    });
  }

  private include(template: JinjaTemplate, node: Node & { t: 'include' }, frame: Frame): string {
    const wanted = force(evaluate(node.template, node.source, frame));
    const names = (Array.isArray(wanted) ? wanted : [wanted]).map((n) => pyStr(n));
    const found = this.find(template, names, node.ignoreMissing);
    if (found === null) return '';
    return this.nested(() => this.nodes(found, found.nodes, new Frame(node.withContext ? frame : null)));
  }

  private importNames(template: JinjaTemplate, node: Node & { t: 'import' | 'from' }, frame: Frame): void {
    const wanted = pyStr(force(evaluate(node.template, node.source, frame)));
    const found = this.find(template, [wanted], false)!;
    const module = new Frame(node.withContext ? frame : null);
    this.nested(() => this.nodes(found, found.nodes, module));
    const exports: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [name, value] of module.vars) if (!name.startsWith('_')) setOwn(exports, name, value);
    if (node.t === 'import') return frame.set(node.alias, exports);
    for (const [name, alias] of node.names) {
      if (!module.vars.has(name) || name.startsWith('_')) throw new TemplateError(`the template '${wanted}' does not export the requested name '${name}'`);
      frame.set(alias, module.vars.get(name));
    }
  }

  /** An included or imported template, compiled with the including template's syntax (no `#jinja2:` header of its own, as in Ansible). */
  private find(from: JinjaTemplate, names: string[], ignoreMissing: boolean): JinjaTemplate | null {
    if (this.loader === null) throw new TemplateError('{% include %} and {% import %} need a template file (they are not available in playbook values)');
    for (const name of names) {
      const found = this.loader.read(name);
      if (found !== null) return compileJinja(found.text, { syntax: from.syntax, name: found.path, header: false });
    }
    if (ignoreMissing) return null;
    throw new TemplateError(`template not found: ${names.join(', ')} (searched the role's and playbook's templates/ directories and the template's own)`);
  }

  private nested<T>(run: () => T): T {
    if (++this.nesting > MAX_NESTING) throw new TemplateError(`includes and macro calls nested more than ${MAX_NESTING} deep`);
    try {
      return run();
    } finally {
      this.nesting--;
    }
  }
}

/** Jinja's `loop`: index, index0, revindex, revindex0, first, last, length, depth, previtem, nextitem, cycle(). */
function loopObject(items: unknown[], index0: number): Record<string, unknown> {
  const length = items.length;
  const loop: Record<string, unknown> = {
    index: index0 + 1,
    index0,
    revindex: length - index0,
    revindex0: length - index0 - 1,
    first: index0 === 0,
    last: index0 === length - 1,
    length,
    depth: 1,
    depth0: 0,
    cycle: new TemplateFunction('loop.cycle', (args) => {
      if (args.length === 0) throw new TemplateError('loop.cycle() needs at least one value');
      return args[index0 % args.length];
    }),
  };
  if (index0 > 0) loop.previtem = items[index0 - 1];
  if (index0 < length - 1) loop.nextitem = items[index0 + 1];
  return loop;
}

