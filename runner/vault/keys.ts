// Where the keys of a vault come from. Nothing is read until a vault needs it,
// so runs without vaults never ask for keys. Every "missing key" error names
// each place that was looked at, since that is what the operator must fix.
//   age identities   --identity FILE (repeatable), $DROVER_AGE_IDENTITY_FILE,
//                    $DROVER_AGE_IDENTITY (the key itself), else the default file
//   age passphrase   --passphrase-file FILE, $DROVER_VAULT_PASSPHRASE
//   age recipients   --recipient age1..., --recipients-file FILE, else the
//                    nearest .drover-recipients above the file being encrypted
//   Ansible password --vault-id LABEL@SOURCE (SOURCE a file, a script, or
//                    `prompt`, asked at start), --vault-password-file FILE
//                    (label default), then $DROVER_VAULT_PASSWORD_FILE,
//                    $ANSIBLE_VAULT_PASSWORD_FILE or ansible.cfg's
//                    vault_password_file, in that order, as Ansible lists them;
//                    an executable file is run (a `*-client` script with
//                    --vault-id LABEL), as in Ansible
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import type { AgeKeys, AgeKind } from './age.js';

/** One Ansible Vault secret: a password given at start (a prompt's answer), or a file read when first needed. */
export interface AnsibleSecretSource {
  label: string;
  password?: string;
  file?: string;
  /** Where it was given, for messages: '--vault-id dev@FILE'. */
  origin: string;
}

export interface VaultKeySources {
  identityFiles?: string[];
  passphraseFile?: string;
  /** --vault-id and --vault-password-file, in Ansible's order; the environment's file is added after them. */
  ansibleSecrets?: AnsibleSecretSource[];
  /** One password file (label default), after ansibleSecrets: the library's short form of --vault-password-file. */
  vaultPasswordFile?: string;
  /** --ask-vault-pass's answer: tried after every file, as Ansible lists it last. */
  askedSecrets?: AnsibleSecretSource[];
  /** ansible.cfg's [defaults] vault_password_file, below the environment variables. */
  configVaultPasswordFile?: string;
  recipients?: string[];
  recipientsFiles?: string[];
  /** Defaults to process.env. */
  env?: Record<string, string | undefined>;
}

export const RECIPIENTS_FILE = '.drover-recipients';

/** The identity file used when none is named: `~/.config/drover/age-identity.txt`. */
export function defaultIdentityFile(env: Record<string, string | undefined>): string {
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'drover', 'age-identity.txt');
}

const problem = (message: string) => new InputError([{ message }]);

function readKeyFile(path: string, origin: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw problem(`cannot read ${origin} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Key lines of an age identity or recipients file: `#` comments and blank lines skipped. */
function keyLines(text: string, prefix: RegExp, what: string): string[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  // Never echo a bad line: it may be a secret pasted into the wrong file.
  const bad = lines.findIndex((l) => !prefix.test(l));
  if (bad >= 0) throw problem(`${what}: entry ${bad + 1} is not ${prefix.source.replace(/[\\^]/g, '')}...`);
  return lines;
}

export class VaultKeys {
  private readonly env: Record<string, string | undefined>;
  private identitiesCache?: string[];

  constructor(private readonly sources: VaultKeySources = {}) {
    this.env = sources.env ?? process.env;
  }

  /** Keys for an age payload of this kind; `subject` names what is being decrypted. */
  ageKeys(kind: AgeKind, subject: string): AgeKeys {
    if (kind === 'passphrase') {
      const passphrase = this.passphrase();
      if (passphrase === undefined) {
        throw problem(`${subject} is encrypted with an age passphrase, and none was given: use --passphrase-file FILE or set DROVER_VAULT_PASSPHRASE`);
      }
      return { identities: [], passphrase };
    }
    const identities = this.identities();
    if (identities.length === 0) {
      throw problem(
        `${subject} is encrypted with age, and no identity was found: looked for --identity FILE, $DROVER_AGE_IDENTITY_FILE, ` +
          `$DROVER_AGE_IDENTITY and the file ${defaultIdentityFile(this.env)} (not found)`,
      );
    }
    return { identities };
  }

  identities(): string[] {
    if (this.identitiesCache) return this.identitiesCache;
    const found: string[] = [];
    const files: [string, string][] = (this.sources.identityFiles ?? []).map((f) => [f, 'age identity file (--identity)']);
    if (this.env.DROVER_AGE_IDENTITY_FILE) files.push([this.env.DROVER_AGE_IDENTITY_FILE, 'age identity file ($DROVER_AGE_IDENTITY_FILE)']);
    for (const [file, origin] of files) found.push(...keyLines(readKeyFile(file, origin), /^AGE-SECRET-KEY-/, `${origin} ${file}`));
    if (this.env.DROVER_AGE_IDENTITY) found.push(...keyLines(this.env.DROVER_AGE_IDENTITY, /^AGE-SECRET-KEY-/, '$DROVER_AGE_IDENTITY'));
    const fallback = defaultIdentityFile(this.env);
    if (found.length === 0 && files.length === 0 && existsSync(fallback)) {
      found.push(...keyLines(readKeyFile(fallback, 'age identity file'), /^AGE-SECRET-KEY-/, `age identity file ${fallback}`));
    }
    return (this.identitiesCache = found);
  }

  /** The age passphrase, if one was given (trailing newline of a file dropped). */
  passphrase(): string | undefined {
    if (this.sources.passphraseFile) return readKeyFile(this.sources.passphraseFile, 'passphrase file (--passphrase-file)').replace(/\r?\n$/, '');
    return this.env.DROVER_VAULT_PASSPHRASE || undefined;
  }

  /** Whether an Ansible Vault password was given at all (flags, environment, ansible.cfg or asked). */
  hasAnsiblePassword(): boolean {
    return this.ansibleSecrets().length > 0;
  }

  /** Every Ansible Vault secret, in order: the command line's, then the environment's or ansible.cfg's file. */
  ansibleSecrets(): AnsibleSecretSource[] {
    const out = [...(this.sources.ansibleSecrets ?? [])];
    if (this.sources.vaultPasswordFile) out.push({ label: 'default', file: this.sources.vaultPasswordFile, origin: '--vault-password-file' });
    const fromEnv: [string | undefined, string][] = [
      [this.env.DROVER_VAULT_PASSWORD_FILE, '$DROVER_VAULT_PASSWORD_FILE'],
      [this.env.ANSIBLE_VAULT_PASSWORD_FILE, '$ANSIBLE_VAULT_PASSWORD_FILE'],
      [this.sources.configVaultPasswordFile, "ansible.cfg's vault_password_file"],
    ];
    const chosen = fromEnv.find(([file]) => file);
    if (chosen) out.push({ label: 'default', file: chosen[0], origin: chosen[1] });
    return [...out, ...(this.sources.askedSecrets ?? [])];
  }

  /** The passwords to try on a vault whose header names `label`: that label's first, then every other, as Ansible does. */
  ansiblePasswords(subject: string, label?: string): { label: string; password: () => string }[] {
    const secrets = this.ansibleSecrets();
    if (secrets.length === 0) {
      throw problem(
        `${subject} is encrypted with Ansible Vault, and no password was given: use --vault-id LABEL@FILE, --vault-password-file FILE, --ask-vault-pass, or set DROVER_VAULT_PASSWORD_FILE (or ANSIBLE_VAULT_PASSWORD_FILE)`,
      );
    }
    const ordered = [...secrets.filter((s) => s.label === label), ...secrets.filter((s) => s.label !== label)];
    return ordered.map((s) => ({ label: s.label, password: () => this.secretPassword(s) }));
  }

  /** The Ansible Vault password to encrypt with: the first secret given. */
  ansiblePassword(subject: string): string {
    return this.ansiblePasswords(subject)[0]!.password();
  }

  private readonly loaded = new Map<AnsibleSecretSource, string>();

  private secretPassword(source: AnsibleSecretSource): string {
    if (source.password !== undefined) return source.password;
    let password = this.loaded.get(source);
    if (password === undefined) {
      const file = source.file as string;
      password = isExecutable(file) ? runPasswordScript(file, source) : readKeyFile(file, `vault password file (${source.origin})`).trim();
      if (password === '') throw problem(`the vault password from ${source.origin} is empty`);
      this.loaded.set(source, password);
    }
    return password;
  }

  /** Recipients to encrypt to: flags and files given, else the nearest .drover-recipients above `startDir`. */
  recipients(startDir: string): string[] {
    const found = [...(this.sources.recipients ?? [])];
    for (const bad of found.filter((r) => !r.startsWith('age1'))) throw problem(`--recipient ${bad} is not an age recipient (age1...)`);
    const files = [...(this.sources.recipientsFiles ?? [])];
    if (found.length === 0 && files.length === 0) {
      const nearest = findUp(startDir, RECIPIENTS_FILE);
      if (nearest) files.push(nearest);
    }
    for (const file of files) found.push(...keyLines(readKeyFile(file, 'recipients file'), /^age1/, `recipients file ${file}`));
    return found;
  }
}

/** Whether `file` may be run (a password script rather than a password file), as Ansible decides. */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ansible's script password source: run it, its stdout (without the newline)
 * is the password. A `NAME-client` script (any extension) is asked for the
 * label's password with --vault-id LABEL, as Ansible's client scripts are.
 */
function runPasswordScript(file: string, source: AnsibleSecretSource): string {
  const client = /-client$/.test(basename(file).replace(/\.[^.]*$/, ''));
  try {
    return execFileSync(resolve(file), client ? ['--vault-id', source.label] : [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).replace(/[\r\n]+$/, '');
  } catch (error) {
    throw problem(`the vault password script ${file} (${source.origin}) failed: ${(error as Error).message.split('\n')[0]}`);
  }
}

function findUp(startDir: string, name: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
