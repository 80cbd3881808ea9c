// Every value that came out of a vault, for the run's SecretMasker. Values are
// found at load time, which for vars_files happens per host after the masker
// exists, so the engine subscribes instead of reading a list once.
//
// Besides the value itself, the forms it takes on its way to output are added:
// JSON-escaped (a registered stdout that held JSON), shell-quoted (a command
// line showing `'it'\''s'`), and each long line of a multi-line secret (a key
// that a template indented). Masking more than needed is the safe mistake.

const known = new Set<string>();
const listeners = new Set<(value: string) => void>();

/** Shortest line of a multi-line secret masked on its own: shorter lines ('}', '---') are ordinary text. */
const MIN_LINE = 8;

/** The forms of `value` that output may contain. */
export function secretForms(value: string): string[] {
  const forms = new Set([value, JSON.stringify(value).slice(1, -1), value.replace(/'/g, `'\\''`)]);
  if (value.includes('\n')) {
    for (const line of value.split(/\r?\n/)) if (line.trim().length >= MIN_LINE) forms.add(line.trim());
  }
  return [...forms].filter((f) => f.length > 0);
}

/** Record a decrypted value; subscribers (the run's masker) hear of it at once. */
export function addVaultSecret(value: unknown): void {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') return;
  for (const form of secretForms(String(value))) {
    if (known.has(form)) continue;
    known.add(form);
    for (const listener of listeners) listener(form);
  }
}

/** Every scalar inside a decrypted vars file is a secret (keys are not). */
export function addVaultSecretsIn(value: unknown): void {
  if (Array.isArray(value)) for (const v of value) addVaultSecretsIn(v);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) addVaultSecretsIn(v);
  else addVaultSecret(value);
}

/** Call `listener` for every secret known now and every one found later; returns the unsubscribe. */
export function onVaultSecret(listener: (value: string) => void): () => void {
  for (const value of known) listener(value);
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Text with every known vault secret replaced (for output outside the engine's events, e.g. a top-level error). */
export function maskVaultSecrets(text: string, mask = '********'): string {
  let out = text;
  // Longest first, so a secret is never half-masked by one of its own lines.
  for (const secret of [...known].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 3 && out.includes(secret)) out = out.split(secret).join(mask);
  }
  return out;
}
