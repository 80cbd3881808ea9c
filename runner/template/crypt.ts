// crypt(3) password hashes as Ansible's password_hash writes them with
// Python's crypt module: SHA-512 ($6$) and SHA-256 ($5$) crypt (Drepper's
// specification) and MD5 crypt ($1$), byte-identical for a given salt.
import { createHash, randomBytes } from 'node:crypto';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function b64From24(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < n; i++) {
    out += ITOA64[w & 0x3f];
    w >>= 6;
  }
  return out;
}

/** Bytes of `unit` repeated to `length` bytes. */
function repeatTo(unit: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = unit[i % unit.length]!;
  return out;
}

const SHA_ORDER: Record<'sha256' | 'sha512', number[][]> = {
  sha512: [[0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41]],
  sha256: [[0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29]],
};

export interface CryptOptions {
  password: string;
  salt: string;
  rounds?: number;
}

function shaCrypt(algorithm: 'sha256' | 'sha512', { password, salt: saltText, rounds }: CryptOptions): string {
  const hash = (...parts: Buffer[]): Buffer => createHash(algorithm).update(Buffer.concat(parts)).digest();
  const p = Buffer.from(password, 'utf8');
  const s = Buffer.from(saltText, 'utf8').subarray(0, 16);
  const r = rounds === undefined ? 5000 : Math.min(999_999_999, Math.max(1000, rounds));
  const b = hash(p, s, p);
  const aParts: Buffer[] = [p, s, repeatTo(b, p.length)];
  for (let n = p.length; n > 0; n >>= 1) aParts.push(n & 1 ? b : p);
  const a = hash(...aParts);
  const pBytes = repeatTo(hash(...Array<Buffer>(p.length).fill(p)), p.length);
  const sBytes = repeatTo(hash(...Array<Buffer>(16 + a[0]!).fill(s)), s.length);
  let c = a;
  for (let i = 0; i < r; i++) {
    const parts: Buffer[] = [i & 1 ? pBytes : c];
    if (i % 3) parts.push(sBytes);
    if (i % 7) parts.push(pBytes);
    parts.push(i & 1 ? c : pBytes);
    c = hash(...parts);
  }
  let out = SHA_ORDER[algorithm].map(([x, y, z]) => b64From24(c[x!]!, c[y!]!, c[z!]!, 4)).join('');
  out += algorithm === 'sha512' ? b64From24(0, 0, c[63]!, 2) : b64From24(0, c[31]!, c[30]!, 3);
  const id = algorithm === 'sha512' ? '6' : '5';
  return `$${id}$${rounds === undefined ? '' : `rounds=${r}$`}${s.toString('utf8')}$${out}`;
}

function md5Crypt({ password, salt: saltText }: CryptOptions): string {
  const md5 = (...parts: Buffer[]): Buffer => createHash('md5').update(Buffer.concat(parts)).digest();
  const p = Buffer.from(password, 'utf8');
  const s = Buffer.from(saltText, 'utf8').subarray(0, 8);
  let final = md5(p, s, p);
  const parts: Buffer[] = [p, Buffer.from('$1$'), s];
  for (let n = p.length; n > 0; n -= 16) parts.push(final.subarray(0, Math.min(n, 16)));
  for (let n = p.length; n > 0; n >>= 1) parts.push(n & 1 ? Buffer.from([0]) : p.subarray(0, 1));
  final = md5(...parts);
  for (let i = 0; i < 1000; i++) {
    const round: Buffer[] = [i & 1 ? p : final];
    if (i % 3) round.push(s);
    if (i % 7) round.push(p);
    round.push(i & 1 ? final : p);
    final = md5(...round);
  }
  const f = final;
  const order = [[0, 6, 12], [1, 7, 13], [2, 8, 14], [3, 9, 15], [4, 10, 5]];
  const out = order.map(([x, y, z]) => b64From24(f[x!]!, f[y!]!, f[z!]!, 4)).join('') + b64From24(0, 0, f[11]!, 2);
  return `$1$${s.toString('utf8')}$${out}`;
}

export const CRYPT_SCHEMES = { sha512: 16, sha256: 16, md5: 8 } as const;
export type CryptScheme = keyof typeof CRYPT_SCHEMES;

/** passlib's names of the schemes, which vars_prompt's encrypt takes as they are (password_hash also takes the short ones). */
export const PASSLIB_SCHEMES: Readonly<Record<string, CryptScheme>> = { sha512_crypt: 'sha512', sha256_crypt: 'sha256', md5_crypt: 'md5' };

/** A salt of crypt's alphabet, as long as Ansible makes one for the scheme. */
export function randomSalt(scheme: CryptScheme): string {
  return [...randomBytes(CRYPT_SCHEMES[scheme])].map((b) => ITOA64[b & 0x3f]).join('');
}

export function cryptHash(scheme: CryptScheme, options: CryptOptions): string {
  return scheme === 'md5' ? md5Crypt(options) : shaCrypt(scheme, options);
}
