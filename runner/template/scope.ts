// Variables as Ansible resolves them: layers from low to high precedence
// (role defaults ... inventory ... play vars ... extra vars), a higher layer
// replacing a whole key, and values rendered lazily when looked up, so that
// `url: "http://{{ host }}:{{ port }}"` sees the host and port of the scope it
// is used in (the host's, the loop item's). The engine makes one scope per
// task and loop item, so `with` only links a layer onto its parent.
import { CycleError, TemplateError, Undefined, UndefinedVariableError } from './errors.js';
import { compileExpression, evaluate } from './expression.js';
import { isTemplateText, renderValue } from './render.js';
import { getMember, isMapping, MISSING, type Names } from './values.js';

/** One source of variables. */
export interface Layer {
  /** Where the variables come from, as `drover vars` shows it: 'group_vars/all.yml', 'play vars', 'loop item'. */
  source: string;
  vars: Readonly<Record<string, unknown>>;
  /**
   * Use the values as they are, never rendering `{{ }}` in them. For facts and
   * registered results: text that came from a host must not be evaluated.
   */
  verbatim?: boolean;
}

/** One layer that defines a name, for `drover vars HOST VAR`. */
export interface Definition {
  source: string;
  /** The value as written, before rendering. */
  value: unknown;
  /** Whether this definition is the one in effect (the highest layer). */
  winner: boolean;
}

export class Scope implements Names {
  /** Names being rendered right now, outermost first: a name met again is a cycle. */
  private readonly resolving: string[] = [];

  /** A scope from layers ordered from low to high precedence. */
  constructor(
    private readonly layers: readonly Layer[],
    private readonly parent: Scope | null = null,
  ) {}

  /** The same as `new Scope(layers)`. */
  static of(layers: readonly Layer[]): Scope {
    return new Scope(layers);
  }

  /** This scope with one more layer on top (a task's vars, a loop item). Nothing is copied. */
  with(layer: Layer): Scope {
    return new Scope([layer], this);
  }

  /** The rendered value of a top-level name; MISSING when no layer defines it. */
  resolve(name: string): unknown {
    const found = this.find(name);
    if (found === undefined) return MISSING;
    const { layer, value } = found;
    if (layer.verbatim === true || (typeof value === 'string' && !isTemplateText(value))) return value;
    return this.rendering(name, () => renderValue(value, this));
  }

  /**
   * The value of a top-level name as Ansible's hostvars gives it (a Templar
   * with fail_on_undefined=False): each string inside rendered on its own, and
   * one that uses an undefined variable kept as written, not an error.
   */
  resolveLeniently(name: string): unknown {
    const found = this.find(name);
    if (found === undefined) return MISSING;
    if (found.layer.verbatim === true) return found.value;
    const leniently = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(leniently);
      if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, leniently(v)]));
      if (typeof value !== 'string' || !isTemplateText(value)) return value;
      try {
        return this.rendering(name, () => renderValue(value, this));
      } catch (error) {
        if (error instanceof UndefinedVariableError) return value;
        throw error;
      }
    };
    return leniently(found.value);
  }

  /** Render for `name`, catching a name met again while it is rendered (a cycle). */
  private rendering(name: string, render: () => unknown): unknown {
    const seen = this.resolving.indexOf(name);
    if (seen !== -1) throw new CycleError([...this.resolving.slice(seen), name]);
    this.resolving.push(name);
    try {
      return render();
    } catch (error) {
      if (error instanceof TemplateError) error.through(name);
      throw error;
    } finally {
      this.resolving.pop();
    }
  }

  /** Whether some layer defines the top-level name. */
  has(name: string): boolean {
    return this.find(name) !== undefined;
  }

  /**
   * The rendered value of `name`, `a.b.c`, or any expression such as `a[0]`
   * (what `debug: var=` accepts); undefined when it does not exist.
   */
  lookup(name: string): unknown {
    if (/^[\w-]+(\.[\w-]+)*$/.test(name)) {
      const [head, ...rest] = name.split('.');
      let value = this.resolve(head!);
      for (const part of rest) {
        if (value === MISSING) break;
        value = getMember(value, part);
      }
      return value === MISSING ? undefined : value;
    }
    const value = evaluate(compileExpression(name), name, this);
    return value instanceof Undefined ? undefined : value;
  }

  /** Every layer that defines the top-level name, lowest first, the one in effect marked. */
  explain(name: string): Definition[] {
    const definitions: Definition[] = [];
    for (const layer of this.allLayers()) {
      const value = getMember(layer.vars, name);
      if (value !== MISSING) definitions.push({ source: layer.source, value, winner: false });
    }
    const last = definitions.at(-1);
    if (last !== undefined) last.winner = true;
    return definitions;
  }

  /** All defined top-level names, sorted. */
  names(): string[] {
    const names = new Set<string>();
    for (const layer of this.allLayers()) for (const key of Object.keys(layer.vars)) if (getMember(layer.vars, key) !== MISSING) names.add(key);
    return [...names].sort();
  }

  /** The highest layer defining `name`, and its raw value. */
  private find(name: string): { layer: Layer; value: unknown } | undefined {
    for (let scope: Scope | null = this; scope !== null; scope = scope.parent) {
      for (let i = scope.layers.length - 1; i >= 0; i--) {
        const layer = scope.layers[i]!;
        const value = getMember(layer.vars, name);
        if (value !== MISSING) return { layer, value };
      }
    }
    return undefined;
  }

  /** Layers from the lowest precedence to the highest, parents first. */
  private allLayers(): Layer[] {
    const chain: Scope[] = [];
    for (let scope: Scope | null = this; scope !== null; scope = scope.parent) chain.unshift(scope);
    return chain.flatMap((scope) => scope.layers);
  }
}
