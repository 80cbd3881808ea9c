// OpenSSH known_hosts, read and appended the way `ssh` does, so that drover
// and the ssh command trust exactly the same keys:
//   [@revoked|@cert-authority] PATTERNS KEYTYPE BASE64KEY [COMMENT]
// PATTERNS is comma-separated names with * and ? wildcards and ! negation,
// `[host]:port` for a port other than 22, or one hashed `|1|salt|hmac` entry.
// @cert-authority lines are skipped: drover does not do host certificates.
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KnownHostEntry {
  file: string;
  /** 1-based, for messages. */
  line: number;
  revoked: boolean;
  patterns: string;
  keyType: string;
  key: Buffer;
}

export type HostKeyVerdict =
  | { kind: 'ok'; entry: KnownHostEntry }
  | { kind: 'revoked'; entry: KnownHostEntry }
  | { kind: 'changed'; entry: KnownHostEntry }
  | { kind: 'unknown' };

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === '' || fields[0]?.startsWith('#')) return;
    let revoked = false;
    if (fields[0]?.startsWith('@')) {
      if (fields[0] === '@cert-authority') return;
      if (fields[0] !== '@revoked') return; // unknown marker: ignored, as OpenSSH does
      revoked = true;
      fields.shift();
    }
    const [patterns, keyType, b64] = fields;
    if (!patterns || !keyType || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) return;
    const key = Buffer.from(b64, 'base64');
    // A key blob names its own type; a line whose blob disagrees is garbage, as for OpenSSH.
    if (keyTypeOf(key) !== keyType) return;
    entries.push({ file, line: i + 1, revoked, patterns, keyType, key });
  });
  return entries;
}

/** The entries of a known_hosts file; none when it does not exist yet. */
export function readKnownHosts(file: string): KnownHostEntry[] {
  return existsSync(file) ? parseKnownHosts(readFileSync(file, 'utf8'), file) : [];
}

/** How a host is written in known_hosts: `host`, or `[host]:port` when the port is not 22. */
export function hostField(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function wildcard(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

function hashedMatch(entry: string, name: string): boolean {
  const [, magic, salt, hash] = entry.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

/** Does this entry's pattern list name the host? A matching negated pattern wins over everything. */
export function entryMatches(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = hostField(host.toLowerCase(), port);
  if (entry.patterns.startsWith('|')) return hashedMatch(entry.patterns, name);
  let matched = false;
  for (const p of entry.patterns.split(',')) {
    if (p.startsWith('!')) {
      if (wildcard(p.slice(1), name)) return false;
    } else if (wildcard(p, name)) {
      matched = true;
    }
  }
  return matched;
}

/** The key type named inside an SSH public key blob (string length + name). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** OpenSSH's fingerprint: SHA256:base64-without-padding. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * Judge the key a server presented against the known entries, as `ssh` with strict checking would.
 * A host with any live key on file must present one of them: a key of another type (ed25519 on
 * file, ECDSA offered) is a changed key, as OpenSSH's accept-new has it, not a new one to append.
 * The entry named is one of the offered type when there is one, else the first on file.
 */
export function verifyHostKey(entries: readonly KnownHostEntry[], host: string, port: number, blob: Buffer): HostKeyVerdict {
  const type = keyTypeOf(blob);
  const forHost = entries.filter((e) => entryMatches(e, host, port));
  const revoked = forHost.find((e) => e.revoked && e.key.equals(blob));
  if (revoked) return { kind: 'revoked', entry: revoked };
  const live = forHost.filter((e) => !e.revoked);
  const same = live.find((e) => e.key.equals(blob));
  if (same) return { kind: 'ok', entry: same };
  const changed = live.find((e) => e.keyType === type) ?? live[0];
  if (changed) return { kind: 'changed', entry: changed };
  return { kind: 'unknown' };
}

/** Key types already trusted for this host: the client asks for these first, as OpenSSH does. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  return [...new Set(entries.filter((e) => !e.revoked && entryMatches(e, host, port)).map((e) => keyTypeOf(e.key)))];
}

/** Append a plain (unhashed) line for the host, creating the file 0600 and its directory 0700. */
export function appendKnownHost(file: string, host: string, port: number, blob: Buffer): string {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const line = `${hostField(host, port)} ${keyTypeOf(blob)} ${blob.toString('base64')}\n`;
  appendFileSync(file, (endsWithoutNewline(file) ? '\n' : '') + line, { mode: 0o600 });
  return line.trimEnd();
}

function endsWithoutNewline(file: string): boolean {
  if (!existsSync(file)) return false;
  const size = statSync(file).size;
  if (size === 0) return false;
  const fd = openSync(file, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    closeSync(fd);
  }
}
