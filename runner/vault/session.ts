// Opening vaults while files are loaded. Playbooks, roles, vars_files,
// group_vars and host_vars are read in many places; they all call in here,
// and the keys come from one process-wide session that the CLI configures
// from its flags (a library user calls configureVault). Results are cached
// by payload: a vars file read once per host costs one decryption (an age
// passphrase costs about a second of scrypt).
import { InputError } from '../errors.js';
import { ageKind, decryptAge, isAge } from './age.js';
import { AnsibleVaultError, ansibleVaultLabel, decryptAnsibleVault, isAnsibleVault } from './ansible-vault.js';
import { VaultKeys, type VaultKeySources } from './keys.js';
import { addVaultSecret } from './secrets.js';

let keys = new VaultKeys();
const cache = new Map<string, Promise<string>>();

/** Use these key sources from now on (CLI flags); forgets cached plaintexts. */
export function configureVault(sources: VaultKeySources): void {
  keys = new VaultKeys(sources);
  cache.clear();
}

export function vaultKeys(): VaultKeys {
  return keys;
}

/** An age or Ansible vault payload (a whole file, or the text of a `!vault` value). */
export function isVaultText(text: string): boolean {
  return isAge(text) || isAnsibleVault(text);
}

/** The plaintext of a vault payload; `subject` names where it is, for errors. */
export function decryptVaultText(payload: string, subject: string): Promise<string> {
  let plaintext = cache.get(payload);
  if (!plaintext) {
    plaintext = decryptUncached(payload, subject);
    cache.set(payload, plaintext);
    plaintext.catch(() => cache.delete(payload));
  }
  return plaintext;
}

/**
 * A controller file that is wholly a vault (copy's and template's src), as its bytes: Ansible's
 * copy decrypts such files by default. Null when the file is not a vault; `missingKey` when no
 * password or key was given for it (the module words that as Ansible does).
 */
export async function decryptVaultFile(content: Buffer, subject: string): Promise<Buffer | null | 'missingKey'> {
  const head = content.subarray(0, 64).toString('latin1');
  if (!isVaultText(head)) return null;
  const text = content.toString('utf8');
  if (isAnsibleVault(text)) {
    if (!keys.hasAnsiblePassword()) return 'missingKey';
    const plain = decryptWithAnsibleSecrets(text, subject);
    // What came out of a vault is a secret wherever it is shown (a diff, a registered result).
    addVaultSecret(plain.toString('utf8'));
    return plain;
  }
  const plain = await decryptVaultText(text, subject);
  addVaultSecret(plain);
  return Buffer.from(plain, 'utf8');
}

async function decryptUncached(payload: string, subject: string): Promise<string> {
  if (isAnsibleVault(payload)) return decryptWithAnsibleSecrets(payload, subject).toString('utf8');
  let kind;
  try {
    kind = await ageKind(payload);
  } catch (error) {
    throw new InputError([{ message: `cannot decrypt ${subject}: not a valid age payload (${(error as Error).message})` }]);
  }
  const ageKeys = keys.ageKeys(kind, subject);
  try {
    return new TextDecoder('utf-8', { fatal: false }).decode(await decryptAge(payload, ageKeys));
  } catch (error) {
    const which = kind === 'passphrase' ? 'the passphrase is wrong' : `none of the ${ageKeys.identities.length} age identities given can open it`;
    throw new InputError([{ message: `cannot decrypt ${subject}: ${which} (${(error as Error).message})` }]);
  }
}

/** Each Ansible Vault secret in turn (the header's label first); the first that opens it wins. */
function decryptWithAnsibleSecrets(payload: string, subject: string): Buffer {
  const label = ansibleVaultLabel(payload);
  const candidates = keys.ansiblePasswords(subject, label);
  let last: Error | undefined;
  for (const candidate of candidates) {
    try {
      return decryptAnsibleVault(payload, candidate.password());
    } catch (error) {
      // A wrong password, or a password file that cannot be read: Ansible goes on to the next secret.
      if (!(error instanceof AnsibleVaultError) && !(error instanceof InputError)) throw error;
      if (candidates.length === 1 && error instanceof InputError) throw error;
      last = error;
    }
  }
  const tried = candidates.length === 1 ? (last as Error).message : `none of the ${candidates.length} vault passwords given (${candidates.map((c) => c.label).join(', ')}) opens it`;
  throw new InputError([{ message: `cannot decrypt ${subject}: ${tried}` }]);
}
