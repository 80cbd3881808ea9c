// Jinja's scopes: a frame holds the names a template assigned (`set`, loop
// variables, macro arguments) on top of its parent, ending in the play's
// variables. A `for` body gets a new frame per iteration, a macro per call,
// so what they set does not leak out, as in Jinja; `if` adds no frame.
import { MISSING, type Names } from './values.js';

export class Frame implements Names {
  readonly vars = new Map<string, unknown>();

  constructor(private readonly parent: Names | null) {}

  resolve(name: string): unknown {
    if (this.vars.has(name)) return this.vars.get(name);
    return this.parent === null ? MISSING : this.parent.resolve(name);
  }

  set(name: string, value: unknown): void {
    this.vars.set(name, value);
  }
}
