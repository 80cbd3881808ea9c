// Vaults met while loading YAML: a whole file that is an age or Ansible vault,
// and inline values tagged `!vault`. The YAML parsers are synchronous and
// decryption is not, so a parser turns each `!vault` scalar into a
// VaultedValue and the loader then reveals them all in place (objects keep
// their identity, so the positions recorded for messages stay valid).
// Every revealed value, and every value of a wholly encrypted file, becomes a
// secret that output masks.
import { InputError, type Problem } from '../errors.js';
import { MASK } from '../quote.js';
import { addVaultSecret, addVaultSecretsIn } from './secrets.js';
import { decryptVaultText, isVaultText } from './session.js';

/** An inline `!vault` value as parsed, before decryption. */
export class VaultedValue {
  constructor(
    /** The armored age text or the `$ANSIBLE_VAULT;...` text. */
    readonly payload: string,
    /** file:line:col of the value, for errors; empty until the parser tells. */
    public where: string,
  ) {}
}

/** Replace every VaultedValue inside `value` by its plaintext (in place); returns the value. `file` names where it is. */
export async function revealVaulted(value: unknown, file: string): Promise<unknown> {
  if (value instanceof VaultedValue) return reveal(value, file);
  if (typeof value !== 'object' || value === null) return value;
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, child] of entries) {
    const revealed = await revealVaulted(child, file);
    if (revealed !== child) (value as Record<string | number, unknown>)[key] = revealed;
  }
  return value;
}

async function reveal(vaulted: VaultedValue, file: string): Promise<string> {
  const where = vaulted.where || file;
  if (!isVaultText(vaulted.payload)) {
    throw new InputError([{ message: `${where}: a !vault value must hold an age payload (-----BEGIN AGE ENCRYPTED FILE-----) or an Ansible vault ($ANSIBLE_VAULT;1.1;AES256)` }]);
  }
  const plaintext = await decryptVaultText(vaulted.payload, `the !vault value at ${where}`);
  addVaultSecret(plaintext);
  return plaintext;
}

/**
 * Parse a file that may be a vault or hold `!vault` values: decrypt, parse,
 * reveal, and record the secrets. `parse` is the caller's YAML reader.
 */
export async function loadVaultedYaml(text: string, file: string, parse: (text: string) => unknown): Promise<unknown> {
  if (!isVaultText(text)) return revealVaulted(parse(text), file);
  const plaintext = await decryptVaultText(text, file);
  let value: unknown;
  try {
    value = parse(plaintext);
  } catch (error) {
    throw withoutPlaintext(error, plaintext, file);
  }
  value = await revealVaulted(value, file);
  addVaultSecretsIn(value);
  return value;
}

/** The plaintext of a file, decrypted when the whole file is a vault (inventory sources). */
export async function openVaultFile(text: string, file: string): Promise<string> {
  return isVaultText(text) ? decryptVaultText(text, file) : text;
}

/**
 * A syntax error in decrypted text must not print the text: keep where it is
 * (file:line:col) and why, drop the excerpt, and mask any line of it quoted.
 */
function withoutPlaintext(error: unknown, plaintext: string, file: string): unknown {
  if (!(error instanceof InputError)) return error;
  const lines = plaintext.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length >= 3);
  const scrub = (text: string) => lines.reduce((out, line) => out.split(line).join(MASK), text);
  const reason = 'reason' in error && typeof error.reason === 'string' ? error.reason : undefined;
  const pos = 'pos' in error ? (error.pos as { line?: number; col?: number } | undefined) : undefined;
  const problems: Problem[] = reason !== undefined
    ? [{ message: `${file}${pos?.line ? `:${pos.line}:${pos.col ?? 1}` : ''}: ${scrub(reason)} (in the decrypted vault, not shown)` }]
    : error.problems.map((p) => ({ message: `${scrub(p.message)} (in the decrypted vault, not shown)`, location: p.location }));
  return new InputError(problems);
}
