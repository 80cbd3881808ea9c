// `drover vault ...`: encrypt, decrypt, view, edit, encrypt-string, rekey and
// keygen, plus the key options every command shares (--identity,
// --passphrase-file, --vault-password-file), which configure the vault
// session before any command runs, so `drover run` opens vaults with them too.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { InputError } from '../errors.js';
import { collect } from './options.js';
import { ageKind, encryptAge, newIdentity } from '../vault/age.js';
import { encryptAnsibleVault, isAnsibleVault } from '../vault/ansible-vault.js';
import { RECIPIENTS_FILE, VaultKeys, type AnsibleSecretSource, type VaultKeySources } from '../vault/keys.js';
import { addVaultSecret } from '../vault/secrets.js';
import { ansibleConfig } from '../config/ansible-config.js';
import { askSecret } from './tty-secret.js';
import { readLocalFile, writeLocalFileAtomic } from '../vault/local-file.js';
import { reencryptText, type Encrypt } from '../vault/reencrypt.js';
import { configureVault, decryptVaultText, isVaultText, vaultKeys } from '../vault/session.js';

/** For the CLI's last-resort error output, which no reporter masks. */
export { maskVaultSecrets } from '../vault/secrets.js';

const fail = (message: string): never => {
  throw new InputError([{ message }]);
};

interface KeyFlags {
  identity: string[];
  passphraseFile?: string;
  vaultPasswordFile: string[];
  vaultId: string[];
  askVaultPass?: boolean;
}

interface EncryptFlags extends KeyFlags {
  recipient: string[];
  recipientsFile: string[];
  passphrase?: boolean;
}

/** --vault-id and --vault-password-file as Ansible's build_vault_ids orders them; prompts are asked now, files read when needed. */
async function ansibleSecretSources(flags: Partial<KeyFlags>): Promise<{ ansibleSecrets: AnsibleSecretSource[]; askedSecrets: AnsibleSecretSource[] }> {
  const ansibleSecrets: AnsibleSecretSource[] = [];
  for (const slug of flags.vaultId ?? []) {
    // LABEL@SOURCE, or SOURCE alone for the default label (Ansible's split_vault_id).
    const at = slug.indexOf('@');
    const [label, source] = at < 0 ? ['default', slug] : [slug.slice(0, at) || 'default', slug.slice(at + 1)];
    const origin = `--vault-id ${slug}`;
    if (source === 'prompt' || source === 'prompt_ask_vault_pass') {
      const prompt = source === 'prompt' ? `Vault password (${label}): ` : 'Vault password: ';
      ansibleSecrets.push({ label, password: await askSecret(prompt, origin, `--vault-id ${label}@FILE`), origin });
    } else ansibleSecrets.push({ label, file: source, origin });
  }
  for (const file of flags.vaultPasswordFile ?? []) ansibleSecrets.push({ label: 'default', file, origin: `--vault-password-file ${file}` });
  const askedSecrets: AnsibleSecretSource[] = [];
  if (flags.askVaultPass) {
    askedSecrets.push({ label: 'default', password: await askSecret('Vault password: ', '--ask-vault-pass', '--vault-password-file FILE or --vault-id LABEL@FILE'), origin: '--ask-vault-pass' });
  }
  for (const s of [...ansibleSecrets, ...askedSecrets]) if (s.password) addVaultSecret(s.password);
  return { ansibleSecrets, askedSecrets };
}

function keySources(flags: Partial<EncryptFlags>): VaultKeySources {
  return {
    identityFiles: flags.identity,
    passphraseFile: flags.passphraseFile,
    configVaultPasswordFile: ansibleConfig().value('vault_password_file'),
    recipients: flags.recipient,
    recipientsFiles: flags.recipientsFile,
  };
}

/** The key options, on the program so they work with every command; configures the session before each action. */
export function addVaultKeyOptions(program: Command): void {
  program
    .option('--identity <file>', 'age identity file to decrypt vaults with (repeatable; or $DROVER_AGE_IDENTITY_FILE, $DROVER_AGE_IDENTITY)', collect, [])
    .option('--passphrase-file <file>', 'file holding the age passphrase (or $DROVER_VAULT_PASSPHRASE)')
    .option('--vault-password-file <file>', 'Ansible Vault password file, or a script printing it (repeatable; or $DROVER_VAULT_PASSWORD_FILE, $ANSIBLE_VAULT_PASSWORD_FILE)', collect, [])
    .option('--vault-id <id>', "Ansible Vault identity LABEL@SOURCE (SOURCE: a password file, a script, or 'prompt'; repeatable)", collect, [])
    .option('--ask-vault-pass', 'ask for the Ansible Vault password (on the terminal)')
    .hook('preAction', async (_program, action) => {
      const flags = action.optsWithGlobals<EncryptFlags>();
      configureVault({ ...keySources(flags), ...(await ansibleSecretSources(flags)) });
    });
}

/** --recipient/--recipients-file/--passphrase: what `encrypt`, `encrypt-string` and `rekey` encrypt to. */
function withTargetOptions(command: Command): Command {
  return command
    .option('-r, --recipient <recipient>', 'encrypt to this age recipient (repeatable)', collect, [])
    .option('-R, --recipients-file <file>', `recipients file, one age1... per line (default: the nearest ${RECIPIENTS_FILE} above the file)`, collect, [])
    .option('-p, --passphrase', 'encrypt with the passphrase (--passphrase-file or $DROVER_VAULT_PASSPHRASE) instead of recipients');
}

/** How to encrypt for the flags; `dir` is where the nearest .drover-recipients is looked for. */
function ageEncrypter(flags: EncryptFlags, dir: string): Encrypt {
  const keys = new VaultKeys(keySources(flags));
  if (flags.passphrase) {
    const passphrase = keys.passphrase() ?? fail('--passphrase needs a passphrase: use --passphrase-file FILE or set DROVER_VAULT_PASSPHRASE');
    return (plaintext) => encryptAge(plaintext, { passphrase });
  }
  const recipients = keys.recipients(dir);
  if (recipients.length === 0) {
    fail(`no age recipients: pass --recipient age1... or --recipients-file FILE, or write ${RECIPIENTS_FILE} (looked in ${resolve(dir)} and above); or encrypt with --passphrase`);
  }
  return (plaintext) => encryptAge(plaintext, { recipients });
}

/** For `edit`: encrypt again the way the file was encrypted (same password, passphrase, or the current recipients). */
async function sameKindEncrypter(original: string, file: string, flags: KeyFlags): Promise<Encrypt> {
  if (isAnsibleVault(original)) {
    // The session's keys: they hold --vault-id's and the prompts' passwords too.
    const password = vaultKeys().ansiblePassword(file);
    return async (plaintext) => encryptAnsibleVault(plaintext, password);
  }
  return ageEncrypter({ ...flags, recipient: [], recipientsFile: [], passphrase: (await ageKind(original)) === 'passphrase' }, dirname(file));
}

function output(flags: { output?: string }, file: string, text: string): void {
  if (flags.output === '-') process.stdout.write(text);
  else writeLocalFileAtomic(flags.output ?? file, text);
}

export function vaultCommand(): Command {
  const vault = new Command('vault').description('Encrypt and decrypt secrets with age (X25519 keys or a passphrase); read Ansible Vault files');

  withTargetOptions(vault.command('encrypt'))
    .description('Encrypt files in place with age (ASCII armor)')
    .argument('<files...>')
    .option('-o, --output <file>', "write here instead ('-' for stdout); only with one file")
    .action(async (files: string[], _local: object, command: Command) => {
      const flags = command.optsWithGlobals<EncryptFlags & { output?: string }>();
      if (flags.output && files.length > 1) fail('--output takes one file');
      for (const file of files) {
        const text = readLocalFile(file);
        if (isVaultText(text)) fail(`${file} is already encrypted (drover vault rekey re-encrypts it)`);
        output(flags, file, await ageEncrypter(flags, dirname(file))(text));
      }
    });

  vault
    .command('decrypt')
    .description('Decrypt age or Ansible Vault files in place')
    .argument('<files...>')
    .option('-o, --output <file>', "write here instead ('-' for stdout); only with one file")
    .action(async (files: string[], flags: { output?: string }) => {
      if (flags.output && files.length > 1) fail('--output takes one file');
      for (const file of files) output(flags, file, await decryptFile(file));
    });

  vault
    .command('view')
    .description('Print the plaintext of an age or Ansible Vault file')
    .argument('<file>')
    .action(async (file: string) => {
      process.stdout.write(await decryptFile(file));
    });

  vault
    .command('edit')
    .description('Edit an encrypted file with $EDITOR (a private temp file, removed after); re-encrypted only if changed')
    .argument('<file>')
    .action(async (file: string, _flags: object, command: Command) => {
      const original = readLocalFile(file);
      const plaintext = await decryptFile(file, original);
      // Known before the editor opens: a missing recipient must not cost the user their edit.
      const encrypt = await sameKindEncrypter(original, file, command.optsWithGlobals<KeyFlags>());
      const edited = editPrivately(plaintext, basename(file));
      if (edited === plaintext) {
        process.stderr.write(`${file}: unchanged, not re-encrypted\n`);
        return;
      }
      writeLocalFileAtomic(file, await encrypt(edited));
    });

  withTargetOptions(vault.command('encrypt-string'))
    .description('Encrypt one value for a YAML file (`NAME: !vault |` + age armor); the value is read from stdin when not given')
    .argument('[value]', 'the value (prefer stdin: arguments are visible to other users in ps)')
    .option('-n, --name <name>', 'print it as `NAME: !vault |`')
    .action(async (value: string | undefined, _local: object, command: Command) => {
      const flags = command.optsWithGlobals<EncryptFlags & { name?: string }>();
      const plaintext = value ?? readFileSync(0, 'utf8').replace(/\r?\n$/, '');
      const armored = await ageEncrypter(flags, process.cwd())(plaintext);
      const block = armored.trimEnd().split('\n').map((l) => `  ${l}`).join('\n');
      process.stdout.write(`${flags.name ? `${flags.name}: ` : ''}!vault |\n${block}\n`);
    });

  withTargetOptions(vault.command('rekey'))
    .description('Re-encrypt with age for the current recipients: whole vault files and inline !vault values (migrates Ansible Vault)')
    .argument('<files...>')
    .action(async (files: string[], _local: object, command: Command) => {
      const flags = command.optsWithGlobals<EncryptFlags>();
      for (const file of files) {
        const text = readLocalFile(file);
        const rewritten = await reencryptText(text, file, ageEncrypter(flags, dirname(file)));
        if (rewritten === undefined) fail(`${file} holds nothing encrypted (no vault, no !vault value)`);
        writeLocalFileAtomic(file, rewritten!);
        process.stderr.write(`${file}: re-encrypted with age\n`);
      }
    });

  vault
    .command('keygen')
    .description('Make an age identity (X25519): the identity goes to the file, its recipient (age1...) to stdout')
    .requiredOption('-o, --output <file>', 'the new identity file (created with mode 0600; never overwritten)')
    .action(async (flags: { output: string }) => {
      const { identity, recipient } = await newIdentity();
      try {
        writeFileSync(flags.output, `# created: ${new Date().toISOString()}\n# public key: ${recipient}\n${identity}\n`, { mode: 0o600, flag: 'wx' });
      } catch (error) {
        fail(`cannot create ${flags.output}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      process.stdout.write(`${recipient}\n`);
    });
  return vault;
}

async function decryptFile(file: string, text = readLocalFile(file)): Promise<string> {
  if (!isVaultText(text)) fail(`${file} is not encrypted (neither age nor $ANSIBLE_VAULT)`);
  return decryptVaultText(text, file);
}

/** Run $EDITOR on a 0600 file in a private (0700) temp directory; the directory is removed whatever happens. */
function editPrivately(plaintext: string, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'drover-vault-'));
  try {
    const path = join(dir, name);
    writeFileSync(path, plaintext, { mode: 0o600 });
    const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
    // $EDITOR may carry arguments ("code --wait"), as git and ansible-vault allow; the path is passed as $1, never spliced.
    const result = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'sh', path], { stdio: 'inherit' });
    if (result.status !== 0) fail(`the editor (${editor}) exited with ${result.status ?? result.signal}; the file was not changed`);
    return readFileSync(path, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
