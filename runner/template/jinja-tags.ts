// Reads the inside of one `{% ... %}` tag into its parts, with the expression
// grammar of parser.ts: `for k, v in d.items() if v`, `set x = 1`, `macro
// m(a, b=2)`, `include 'x.j2' ignore missing`, `from 'm.j2' import a as b`.
// Tags drover does not implement are refused here, at load time, with the
// construct that does the same job.
import type { Args, Expr } from './ast.js';
import type { Unsupported } from '../errors.js';
import { describe } from './lexer.js';
import { Parser } from './parser.js';

export type Tag =
  | { tag: 'if' | 'elif'; test: Expr }
  | { tag: 'else' | 'endif' | 'endfor' | 'endmacro' | 'endcall' | 'endfilter' | 'endset' | 'endwith' }
  | { tag: 'for'; targets: string[]; iter: Expr; filter: Expr | null }
  | { tag: 'set'; target: string[]; value: Expr | null; filters: FilterCall[] }
  | { tag: 'macro'; name: string; params: Param[] }
  | { tag: 'call'; params: Param[]; call: Expr }
  | { tag: 'filter'; filters: FilterCall[] }
  | { tag: 'with'; assigns: [string, Expr][] }
  | { tag: 'include'; template: Expr; ignoreMissing: boolean; withContext: boolean }
  | { tag: 'import'; template: Expr; alias: string; withContext: boolean }
  | { tag: 'from'; template: Expr; names: [string, string][]; withContext: boolean };

export interface Param {
  name: string;
  fallback: Expr | null;
}

export interface FilterCall extends Args {
  name: string;
  at: number;
}

/** What to write instead of a Jinja tag drover does not run. */
const REFUSED: Record<string, string> = {
  extends: 'template inheritance is not supported; use {% include %} or {% import %} with macros',
  block: 'template inheritance blocks are not supported; use {% include %} or a {% macro %}',
  do: "'do' needs the jinja2.ext.do extension, which Ansible does not enable; use {% set _ = ... %}",
  break: "'break' needs the jinja2.ext.loopcontrols extension, which Ansible does not enable; filter the loop: {% for x in xs if cond %}",
  continue: "'continue' needs the jinja2.ext.loopcontrols extension, which Ansible does not enable; filter the loop: {% for x in xs if cond %}",
  autoescape: "'autoescape' is not supported: Ansible never HTML-escapes; leave it out",
  trans: "'trans' needs the jinja2.ext.i18n extension, which Ansible does not enable",
};

/** Tags known to the statement parser, for "did you mean". */
export const KNOWN_TAGS = ['if', 'elif', 'else', 'endif', 'for', 'endfor', 'set', 'endset', 'macro', 'endmacro', 'call', 'endcall', 'filter', 'endfilter', 'with', 'endwith', 'include', 'import', 'from', 'raw'];

export function readTag(source: string): Tag {
  return new TagReader(source).read();
}

class TagReader extends Parser {
  read(): Tag {
    const head = this.peek();
    if (head.kind !== 'name') throw this.error(`expected a statement name, got ${describe(head)}`, head);
    this.next();
    const tag = this.body(head.text, head);
    if (this.peek().kind !== 'end') throw this.error(`unexpected ${describe(this.peek())} in '{% ${head.text} %}'`, this.peek());
    return tag;
  }

  private body(name: string, head: ReturnType<Parser['peek']>): Tag {
    switch (name) {
      case 'if':
      case 'elif':
        return { tag: name, test: this.parseCond() };
      case 'else':
      case 'endif':
      case 'endfor':
      case 'endmacro':
      case 'endcall':
      case 'endfilter':
      case 'endset':
      case 'endwith':
        return { tag: name };
      case 'for':
        return this.forTag();
      case 'set':
        return this.setTag();
      case 'macro': {
        const macroName = this.expectName('macro');
        return { tag: 'macro', name: macroName, params: this.params() };
      }
      case 'call': {
        const params = this.isOp('(') ? this.params() : [];
        return { tag: 'call', params, call: this.parseOr() };
      }
      case 'filter':
        return { tag: 'filter', filters: this.filterChain() };
      case 'with':
        return { tag: 'with', assigns: this.assignments() };
      case 'include': {
        const template = this.parseCond();
        const ignoreMissing = this.words('ignore', 'missing');
        return { tag: 'include', template, ignoreMissing, withContext: this.context(true) };
      }
      case 'import': {
        const template = this.parseCond();
        if (!this.isName('as')) throw this.error("expected 'as NAME' after the imported template", this.peek());
        this.next();
        return { tag: 'import', template, alias: this.expectName('alias'), withContext: this.context(false) };
      }
      case 'from':
        return this.fromTag();
    }
    const refused = REFUSED[name];
    if (refused !== undefined) throw this.unsupported(`{% ${name} %}: ${refused}`, head, { kind: 'template statement', name: `{% ${name} %}`, instead: refused });
    const near = KNOWN_TAGS.filter((t) => t[0] === name[0]).join(', ') || KNOWN_TAGS.join(', ');
    throw this.error(`unknown statement '{% ${name} %}' (drover and Ansible's Jinja know ${near})`, head);
  }

  /** The error for a construct Ansible's Jinja runs and drover does not, marked so for `drover compat`. */
  private unsupported(message: string, at: ReturnType<Parser['peek']>, what: Unsupported): ReturnType<Parser['error']> {
    const error = this.error(message, at);
    error.unsupported = what;
    return error;
  }

  private forTag(): Tag {
    const targets = this.targets();
    if (!this.isName('in')) throw this.error(`expected 'in' after the loop variable, got ${describe(this.peek())}`, this.peek());
    this.next();
    const iter = this.tuple(() => this.parseOr());
    let filter: Expr | null = null;
    if (this.isName('if')) {
      this.next();
      filter = this.parseCond();
    }
    if (this.isName('recursive')) {
      const instead = 'a macro that calls itself';
      throw this.unsupported(`recursive loops ('for ... recursive' with loop()) are not supported; use ${instead}`, this.peek(), { kind: 'template statement', name: '{% for ... recursive %}', instead });
    }
    return { tag: 'for', targets, iter, filter };
  }

  private setTag(): Tag {
    const target = this.peek(1).kind === 'op' && this.peek(1).text === '.' ? [this.expectName('namespace'), (this.next(), this.expectName('attribute'))] : this.targets();
    if (!this.isOp('=')) {
      if (target.length !== 1) throw this.error("a block {% set %} takes one name", this.peek());
      return { tag: 'set', target, value: null, filters: this.isOp('|') ? (this.next(), this.filterChain()) : [] };
    }
    this.next();
    return { tag: 'set', target, value: this.tuple(() => this.parseCond()), filters: [] };
  }

  private fromTag(): Tag {
    const template = this.parseCond();
    if (!this.isName('import')) throw this.error("expected 'import' after the template name", this.peek());
    this.next();
    const names: [string, string][] = [];
    do {
      if (this.isOp(',')) this.next();
      if (this.isName('with') || this.isName('without')) break;
      const name = this.expectName('macro');
      const alias = this.isName('as') ? (this.next(), this.expectName('alias')) : name;
      names.push([name, alias]);
    } while (this.isOp(','));
    return { tag: 'from', template, names, withContext: this.context(false) };
  }

  /** `a` or `a, b` (also in parentheses), as a for loop or set unpacks. */
  private targets(): string[] {
    const paren = this.isOp('(');
    if (paren) this.next();
    const names = [this.expectName('variable')];
    while (this.isOp(',')) {
      this.next();
      names.push(this.expectName('variable'));
    }
    if (paren) this.expect(')');
    return names;
  }

  /** `1, 2` without brackets is a tuple in `set` and `for`. */
  private tuple(item: () => Expr): Expr {
    const first = item();
    if (!this.isOp(',')) return first;
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.peek().kind === 'end' || this.isName('if')) break;
      items.push(item());
    }
    return { t: 'list', items, tuple: true, start: first.start, end: this.lastEnd() };
  }

  private params(): Param[] {
    this.expect('(');
    const params: Param[] = [];
    while (!this.isOp(')')) {
      const name = this.expectName('parameter');
      const fallback = this.isOp('=') ? (this.next(), this.parseCond()) : null;
      params.push({ name, fallback });
      if (!this.isOp(',')) break;
      this.next();
    }
    this.expect(')');
    return params;
  }

  private filterChain(): FilterCall[] {
    const filters: FilterCall[] = [];
    do {
      if (filters.length > 0) this.next();
      const at = this.peek().start;
      const name = this.parseDottedName('filter');
      const args = this.isOp('(') ? this.nested(() => this.parseArgs()) : { args: [], kwargs: [] };
      filters.push({ name, at, ...args });
    } while (this.isOp('|'));
    return filters;
  }

  private assignments(): [string, Expr][] {
    const assigns: [string, Expr][] = [];
    while (this.peek().kind === 'name') {
      const name = this.expectName('variable');
      this.expect('=');
      assigns.push([name, this.parseCond()]);
      if (!this.isOp(',')) break;
      this.next();
    }
    return assigns;
  }

  private words(...words: string[]): boolean {
    if (!words.every((w, i) => this.peek(i).kind === 'name' && this.peek(i).text === w)) return false;
    words.forEach(() => this.next());
    return true;
  }

  /** `with context` / `without context`, or the tag's default. */
  private context(fallback: boolean): boolean {
    if (this.words('with', 'context')) return true;
    if (this.words('without', 'context')) return false;
    return fallback;
  }
}
