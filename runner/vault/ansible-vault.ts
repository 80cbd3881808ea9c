// Ansible Vault 1.1/1.2 (AES256), read and written with node:crypto so users
// can keep their existing vaults and migrate at their pace. The format, from
// ansible/parsing/vault/__init__.py (VaultAES256):
//   $ANSIBLE_VAULT;1.1;AES256            (1.2 adds ;VAULT_ID)
//   hex( hex(salt) \n hex(hmac) \n hex(ciphertext) ), in lines of 80
// keys: PBKDF2-HMAC-SHA256(password, salt, 10000 rounds, 80 bytes) =
//   32 bytes AES key | 32 bytes HMAC key | 16 bytes counter IV;
// ciphertext = AES-256-CTR(PKCS7-padded plaintext); hmac = HMAC-SHA256 over it.
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const ANSIBLE_VAULT_PREFIX = '$ANSIBLE_VAULT;';

/** Why an Ansible vault could not be opened; the caller adds the file name. */
export class AnsibleVaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnsibleVaultError';
  }
}

export function isAnsibleVault(text: string): boolean {
  return text.trimStart().startsWith(ANSIBLE_VAULT_PREFIX);
}

/** The vault id a 1.2 header names (`$ANSIBLE_VAULT;1.2;AES256;LABEL`), if any. */
export function ansibleVaultLabel(text: string): string | undefined {
  const fields = (text.trim().split(/\r?\n/)[0] ?? '').trim().split(';');
  return fields[1] === '1.2' && fields[3] ? fields[3] : undefined;
}

function deriveKeys(password: string, salt: Buffer): { aesKey: Buffer; hmacKey: Buffer; iv: Buffer } {
  const material = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, 10000, 80, 'sha256');
  return { aesKey: material.subarray(0, 32), hmacKey: material.subarray(32, 64), iv: material.subarray(64, 80) };
}

/** Header fields and the three binary parts of a vault text. */
function parseVaultText(text: string): { salt: Buffer; hmac: Buffer; ciphertext: Buffer } {
  const [header = '', ...body] = text.trim().split(/\r?\n/);
  const fields = header.trim().split(';');
  if (fields[0] !== '$ANSIBLE_VAULT' || !['1.1', '1.2'].includes(fields[1] ?? '') || fields[2]?.trim() !== 'AES256') {
    throw new AnsibleVaultError(`unsupported Ansible Vault header '${header.trim()}' (drover reads 1.1 and 1.2 with AES256)`);
  }
  const outer = body.map((l) => l.trim()).join('');
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(outer)) throw new AnsibleVaultError('the Ansible Vault body is not hexadecimal text (damaged or truncated?)');
  const parts = Buffer.from(outer, 'hex').toString('latin1').split('\n');
  if (parts.length !== 3 || parts.some((p) => !/^(?:[0-9a-fA-F]{2})+$/.test(p))) {
    throw new AnsibleVaultError('the Ansible Vault body does not hold salt, HMAC and ciphertext (damaged or truncated?)');
  }
  const [salt, hmac, ciphertext] = parts.map((p) => Buffer.from(p, 'hex')) as [Buffer, Buffer, Buffer];
  return { salt, hmac, ciphertext };
}

/** The plaintext of an Ansible vault text (a whole file or an inline `!vault` value). */
export function decryptAnsibleVault(text: string, password: string): Buffer {
  const { salt, hmac, ciphertext } = parseVaultText(text);
  const { aesKey, hmacKey, iv } = deriveKeys(password, salt);
  const expected = createHmac('sha256', hmacKey).update(ciphertext).digest();
  // A wrong password and a tampered file look the same, as in ansible-vault.
  if (hmac.length !== expected.length || !timingSafeEqual(hmac, expected)) {
    throw new AnsibleVaultError('the Ansible Vault password is wrong (or the vault was modified: its HMAC does not match)');
  }
  const decipher = createDecipheriv('aes-256-ctr', aesKey, iv);
  const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  const pad = padded.at(-1) ?? 0;
  if (pad < 1 || pad > 16 || pad > padded.length || !padded.subarray(padded.length - pad).every((b) => b === pad)) {
    throw new AnsibleVaultError('the Ansible Vault plaintext has invalid padding (damaged vault?)');
  }
  return padded.subarray(0, padded.length - pad);
}

/** Encrypt as ansible-vault 1.1 does (used by `drover vault edit` on an Ansible file). */
export function encryptAnsibleVault(plaintext: Buffer | string, password: string): string {
  const data = Buffer.isBuffer(plaintext) ? plaintext : Buffer.from(plaintext, 'utf8');
  const salt = randomBytes(32);
  const { aesKey, hmacKey, iv } = deriveKeys(password, salt);
  const pad = 16 - (data.length % 16);
  const cipher = createCipheriv('aes-256-ctr', aesKey, iv);
  const ciphertext = Buffer.concat([cipher.update(Buffer.concat([data, Buffer.alloc(pad, pad)])), cipher.final()]);
  const hmac = createHmac('sha256', hmacKey).update(ciphertext).digest();
  const inner = [salt, hmac, ciphertext].map((b) => b.toString('hex')).join('\n');
  const outer = Buffer.from(inner, 'latin1').toString('hex');
  const lines = outer.match(/.{1,80}/g) ?? [];
  return `$ANSIBLE_VAULT;1.1;AES256\n${lines.join('\n')}\n`;
}
