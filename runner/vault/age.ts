// age encryption (age-encryption.org/v1) through the `age-encryption` package,
// the only file that imports it. drover writes ASCII armor, so encrypted files
// and inline values are text that diffs and reviews well in git. Files made
// with the `age` CLI work when armored (`age -a`): vars files are text.
// The package (and the post-quantum code it pulls in) loads on first use:
// about 0.25 s of start-up that runs without a vault never pay.
type AgeModule = typeof import('age-encryption');
let loading: Promise<AgeModule> | undefined;
const loadAge = (): Promise<AgeModule> => (loading ??= import('age-encryption'));

const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';

/** How an age payload's file key is wrapped: for X25519 keys, or by a passphrase (scrypt). */
export type AgeKind = 'recipients' | 'passphrase';

export function isAge(text: string): boolean {
  return text.trimStart().startsWith(ARMOR_BEGIN);
}

/** The raw age file of armored text. */
async function ageBytes(text: string): Promise<Uint8Array> {
  return (await loadAge()).armor.decode(text.trim());
}

/** Whether a payload needs a passphrase or an identity, read from its header stanzas. */
export async function ageKind(text: string): Promise<AgeKind> {
  const bytes = await ageBytes(text);
  const end = Math.min(bytes.length, 4096);
  const header = new TextDecoder('latin1').decode(bytes.subarray(0, end));
  return /\n-> scrypt /.test(header) ? 'passphrase' : 'recipients';
}

export interface AgeKeys {
  /** AGE-SECRET-KEY-1... strings. */
  identities: string[];
  passphrase?: string;
}

/** Plaintext bytes; throws the package's error when no key fits. */
export async function decryptAge(text: string, keys: AgeKeys): Promise<Uint8Array> {
  const decrypter = new (await loadAge()).Decrypter();
  for (const identity of keys.identities) decrypter.addIdentity(identity);
  if (keys.passphrase !== undefined) decrypter.addPassphrase(keys.passphrase);
  return decrypter.decrypt(await ageBytes(text));
}

export type AgeTarget = { recipients: string[] } | { passphrase: string };

/** Armored age text of `plaintext` for the recipients, or under the passphrase. */
export async function encryptAge(plaintext: Uint8Array | string, target: AgeTarget): Promise<string> {
  const age = await loadAge();
  const encrypter = new age.Encrypter();
  if ('passphrase' in target) encrypter.setPassphrase(target.passphrase);
  else for (const recipient of target.recipients) encrypter.addRecipient(recipient);
  return age.armor.encode(await encrypter.encrypt(plaintext));
}

/** A new X25519 identity and its recipient (`drover vault keygen`). */
export async function newIdentity(): Promise<{ identity: string; recipient: string }> {
  const age = await loadAge();
  const identity = await age.generateX25519Identity();
  return { identity, recipient: await age.identityToRecipient(identity) };
}

/** The recipient (age1...) of an identity, to check what a key file holds. */
export async function recipientOf(identity: string): Promise<string> {
  return (await loadAge()).identityToRecipient(identity);
}
