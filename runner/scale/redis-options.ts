// How drover reaches Redis: the --redis URL (redis:// or rediss:// for TLS),
// with the password from the environment or a file, never from the command
// line, where every user of the machine could read it in the process list.
import { readFileSync } from 'node:fs';
import type { RedisOptions } from 'ioredis';
import { InputError } from '../errors.js';
import { addVaultSecret } from '../vault/secrets.js';

export const REDIS_PASSWORD_ENV = 'DROVER_REDIS_PASSWORD';
export const REDIS_PASSWORD_FILE_ENV = 'DROVER_REDIS_PASSWORD_FILE';

export interface RedisFlags {
  redis: string;
  /** --redis-password-file FILE; else $DROVER_REDIS_PASSWORD_FILE, else $DROVER_REDIS_PASSWORD. */
  redisPasswordFile?: string;
}

const fail = (message: string): never => {
  throw new InputError([{ message }]);
};

/** ioredis options for the URL; BullMQ wants maxRetriesPerRequest null so that a blocked worker waits out a Redis restart. */
export function redisOptions(flags: RedisFlags, env: NodeJS.ProcessEnv = process.env): RedisOptions {
  let url: URL;
  try {
    url = new URL(flags.redis);
  } catch {
    return fail(`--redis: not a URL: ${JSON.stringify(flags.redis)} (redis://HOST:PORT or rediss://HOST:PORT)`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') fail(`--redis: the URL must start with redis:// or rediss:// (TLS), not ${url.protocol}//`);
  if (url.password) fail(`--redis: a password in the URL would be visible to every user in the process list; put it in $${REDIS_PASSWORD_ENV} or a file given with --redis-password-file`);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) fail(`--redis: the URL's path must be a database number, not ${JSON.stringify(url.pathname)}`);
  const password = redisPassword(flags, env);
  // The password must never show up in output either (a Redis error message could quote it).
  if (password !== undefined) addVaultSecret(password);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? 6379 : Number(url.port),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
    // rediss://: TLS, verified against the system's CAs (plus NODE_EXTRA_CA_CERTS).
    ...(url.protocol === 'rediss:' ? { tls: { servername: url.hostname } } : {}),
    maxRetriesPerRequest: null,
  };
}

function redisPassword(flags: RedisFlags, env: NodeJS.ProcessEnv): string | undefined {
  const file = flags.redisPasswordFile ?? env[REDIS_PASSWORD_FILE_ENV];
  if (file !== undefined && file !== '') {
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      return fail(`cannot read the Redis password file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
  const value = env[REDIS_PASSWORD_ENV];
  return value === undefined || value === '' ? undefined : value;
}
