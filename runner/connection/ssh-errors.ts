// Turning what ssh2 and the socket layer throw into drover's ConnectionError
// reasons, with messages that name the host and address:port, so the engine can
// report an unreachable host in one clear line.
import type { ConnectionTarget } from './types.js';
import { ConnectionError } from './types.js';
import { fingerprint, hostField, keyTypeOf, type KnownHostEntry } from './known-hosts.js';

export function where(t: ConnectionTarget): string {
  return `${t.name} (${t.user}@${t.address}:${t.port})`;
}

interface SshLikeError {
  code?: unknown;
  level?: unknown;
  message?: unknown;
}

/** Map a connect-time or mid-session failure to a ConnectionError. */
export function classifySshError(err: unknown, t: ConnectionTarget, phase: 'connect' | 'session'): ConnectionError {
  if (err instanceof ConnectionError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as SshLikeError;
  const code = typeof e.code === 'string' ? e.code : '';
  const level = typeof e.level === 'string' ? e.level : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  const at = where(t);
  if (code === 'ECONNREFUSED') return new ConnectionError('refused', `${at}: connection refused (nothing listens on port ${t.port})`);
  if (['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA', 'EAI_FAIL'].includes(code) || level === 'client-dns') {
    return new ConnectionError('dns', `${at}: cannot resolve host name ${t.address} (${code || message})`);
  }
  // node-ssh reports a close before any error as ETIMEDOUT 'No response from server': that is a drop, not a timeout.
  if (/no response from server|connection lost|not connected/i.test(message) || ['ECONNRESET', 'EPIPE', 'ECONNABORTED'].includes(code)) {
    return new ConnectionError('closed', `${at}: connection closed by the remote side${phase === 'session' ? ' during the command' : ' during the handshake'}`);
  }
  if (code === 'ETIMEDOUT' || level === 'client-timeout' || /timed out/i.test(message)) {
    const what = phase === 'connect' ? `no SSH handshake within ${t.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS} ms` : 'the server stopped answering keepalives';
    return new ConnectionError('timeout', `${at}: ${what}`);
  }
  if (level === 'client-authentication') {
    const tried = [t.privateKeyFile ? `key ${t.privateKeyFile}` : '', process.env.SSH_AUTH_SOCK ? 'ssh agent' : '', t.password !== undefined ? 'password' : ''].filter(Boolean);
    return new ConnectionError('auth', `${at}: authentication failed (tried: ${tried.join(', ') || 'nothing: no key file, agent or password given'})`);
  }
  if (/privateKey|private key|passphrase/i.test(message)) return new ConnectionError('auth', `${at}: cannot use private key ${t.privateKeyFile ?? ''}: ${message}`);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new ConnectionError('other', `${at}: no route to host (${code})`);
  return new ConnectionError('other', `${at}: ${message}`);
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

export function hostKeyUnknown(t: ConnectionTarget, file: string, blob: Buffer): ConnectionError {
  return new ConnectionError(
    'host-key-unknown',
    `${where(t)}: host key ${keyTypeOf(blob)} ${fingerprint(blob)} is not in ${file}. ` +
      `If that is the right key, add it with \`ssh-keyscan -p ${t.port} ${t.address} >> ${file}\` or run with --accept-new-host-keys.`,
  );
}

export function hostKeyChanged(t: ConnectionTarget, blob: Buffer, known: KnownHostEntry): ConnectionError {
  return new ConnectionError(
    'host-key-changed',
    `${where(t)}: HOST KEY CHANGED. The server offered ${keyTypeOf(blob)} ${fingerprint(blob)}, ` +
      `but ${known.file}:${known.line} lists ${known.keyType} ${fingerprint(known.key)} for it. Someone may be intercepting the connection, ` +
      `or the host was reinstalled; if so, remove the old key with \`ssh-keygen -R '${hostField(t.address, t.port)}' -f ${known.file}\`. ` +
      `A changed key is never accepted automatically.`,
  );
}

export function hostKeyRevoked(t: ConnectionTarget, blob: Buffer, known: KnownHostEntry): ConnectionError {
  return new ConnectionError('host-key-changed', `${where(t)}: host key ${keyTypeOf(blob)} ${fingerprint(blob)} is marked @revoked at ${known.file}:${known.line}.`);
}
