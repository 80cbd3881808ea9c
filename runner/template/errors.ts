// Errors a playbook author can fix. Every problem found while templating or
// evaluating a condition is a TemplateError (or a subclass), so the engine can
// tell "your playbook is wrong" (show it, with task and host) from an internal
// bug (show the stack, ask for a report). The message is built from parts
// because the place is known only further out: the code that finds an undefined
// variable does not know which template text or variable it was rendering.
import type { Unsupported } from '../errors.js';

/** A problem in a template or expression; `message` says what and where. */
export class TemplateError extends Error {
  /** What went wrong, without where. */
  readonly detail: string;
  /** Where: `"{{ foo }}"` for a value, `motd.hbs:3:5` for a file, the expression for a condition. */
  where: string | undefined;
  /** Variables whose values were being rendered when it happened, innermost first. */
  readonly via: string[] = [];
  /** Where in a template text the error is, when the code that found it knows (1-based line, 0-based column). */
  position: { line: number; column: number } | undefined;
  /**
   * The exception class Ansible's Jinja raises for this problem, when drover's words are Ansible's
   * (`TemplateSyntaxError` for a filter or test named by a value that does not exist): the template
   * module shows it before the message, as Ansible's template action does.
   */
  pythonClass: string | undefined;
  /** Set when the template uses a Jinja construct drover does not run (`{% extends %}`): `drover compat` groups by it. */
  unsupported: Unsupported | undefined;
  /** Set when the message already says all there is (a cycle names its whole chain). */
  protected complete = false;

  constructor(detail: string) {
    super(detail);
    this.name = 'TemplateError';
    this.detail = detail;
  }

  /** Record where the error happened; the innermost place wins. */
  locate(where: string): this {
    if (this.where === undefined && !this.complete) {
      this.where = where;
      this.message = this.format();
    }
    return this;
  }

  /** Record that the error happened while rendering the value of `variable`. */
  through(variable: string): this {
    if (!this.complete && this.via.at(-1) !== variable) {
      this.via.push(variable);
      this.message = this.format();
    }
    return this;
  }

  protected format(): string {
    return `${this.detail}${this.context()}`;
  }

  /** ` in WHERE (while rendering variable 'a' <- 'b')`, or what of it is known. */
  protected context(): string {
    const where = this.where === undefined ? '' : ` in ${this.where}`;
    const via = this.via.length === 0 ? '' : ` (while rendering variable ${this.via.map((v) => `'${v}'`).join(' <- ')})`;
    return `${where}${via}`;
  }
}

/**
 * A problem Ansible reports too, in these words, but only when the task runs. The loader
 * refuses it up front, except in a task whose failure the playbook handles (ignore_errors,
 * a rescue): that task fails when it runs, as in Ansible.
 */
export class AnsibleRunTimeError extends TemplateError {}

/** A variable, attribute or item that does not exist was used. */
export class UndefinedVariableError extends TemplateError {
  constructor(
    detail: string,
    /** The expression text that was undefined, e.g. `foo` or `foo.bar`. */
    readonly variable: string,
  ) {
    super(detail);
    this.name = 'UndefinedVariableError';
  }
}

/** Variables that refer to themselves through their own values. */
export class CycleError extends TemplateError {
  constructor(readonly chain: readonly string[]) {
    super(`variable '${chain[0]}' refers to itself (${chain.join(' -> ')})`);
    this.name = 'CycleError';
    this.complete = true;
  }
}

/**
 * An expression that cannot be parsed or evaluated. The message shows the
 * expression with a caret under the offending column, because conditions are
 * written inline in YAML where a column is all the author can use.
 */
export class ExpressionError extends TemplateError {
  constructor(
    detail: string,
    /** The expression text. */
    readonly source: string,
    /** 0-based offset in `source`. */
    readonly offset: number,
  ) {
    super(detail);
    this.name = 'ExpressionError';
    this.message = this.format();
  }

  /** 1-based column of the offending character, within its line. */
  get column(): number {
    return this.offset - this.source.lastIndexOf('\n', this.offset - 1);
  }

  protected override format(): string {
    const start = this.source.lastIndexOf('\n', this.offset - 1) + 1;
    const end = this.source.indexOf('\n', this.offset);
    const line = this.source.slice(start, end === -1 ? undefined : end);
    const lineNo = this.source.slice(0, start).split('\n').length;
    const at = start === 0 && end === -1 ? `column ${this.column}` : `line ${lineNo} column ${this.column}`;
    const head = `${this.detail} at ${at}${this.context()}`;
    // Tabs keep their width so the caret stays under the right character.
    const pad = line.slice(0, this.offset - start).replace(/[^\t]/g, ' ');
    return `${head}\n    ${line}\n    ${pad}^`;
  }
}

/**
 * Jinja's "undefined" value: what a missing name, attribute or item evaluates
 * to. It is not an error until used, so `x is defined` and `x | default(1)`
 * work, and `x.y.z` of a missing x stays undefined (Ansible chains them too).
 */
export class Undefined {
  constructor(
    /** The expression text that is undefined, for messages. */
    readonly name: string,
    /** The error to raise when the value is used. */
    readonly reason: string,
    /** The error already raised inside the value of a variable, re-raised as it is. */
    readonly cause?: UndefinedVariableError,
    /** Jinja's plain (not strict) Undefined, which Ansible writes as nothing: `'a' if false` without an else. */
    readonly soft = false,
  ) {}

  toError(): UndefinedVariableError {
    return this.cause ?? new UndefinedVariableError(this.reason, this.name);
  }
}

/** Turn an Undefined into its error; pass other values through. */
export function force<T>(value: T | Undefined): T {
  if (value instanceof Undefined && value.soft) return '' as T;
  if (value instanceof Undefined) throw value.toError();
  return value;
}

/** Quote text for a message, shortened so one huge value cannot flood the output. */
export function quoteForMessage(text: string, max = 120): string {
  const short = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return JSON.stringify(short);
}
