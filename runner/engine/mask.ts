// Secrets never reach output. Values known to be secret (vault values,
// `secret()` command parts) are replaced wherever they appear in text, and
// results of no_log tasks are censored whole before any event is emitted.
import { MASK } from '../quote.js';

export const CENSORED = 'the output has been hidden due to the fact that no_log: true was specified for this result';

export class SecretMasker {
  private readonly secrets = new Set<string>();

  add(value: string): void {
    // Very short values would mask ordinary text everywhere; they are still never printed by no_log.
    if (value.length >= 3) this.secrets.add(value);
  }

  text(value: string): string {
    let out = value;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return out;
  }

  /** Deep copy with every string masked. */
  value<T>(value: T): T {
    if (this.secrets.size === 0) return value;
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.value(v)) as T;
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.value(v)])) as T;
    }
    return value;
  }
}

/** How a no_log loop item is named in every output, as Ansible's `(item=None)`. */
export const NO_LOG_ITEM = 'None';
