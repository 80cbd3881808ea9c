// Which keys and passwords an SSH connection offers, in OpenSSH's order.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Config } from 'node-ssh';
import type { ConnectionTarget } from './types.js';

/** OpenSSH's default identities, tried when nothing names a key. */
const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_dsa'];

/**
 * The authentication methods to try, in OpenSSH's order: the agent's keys
 * (unless IdentitiesOnly), each identity file that exists (ssh_config's,
 * or ~/.ssh/id_* when none is named), then the password.
 */
export function authMethods(t: ConnectionTarget, config: Config): unknown[] {
  const username = t.user;
  const methods: unknown[] = [];
  if (config.agent) methods.push({ type: 'agent', username, agent: config.agent });
  const named = [...new Set([...(t.privateKeyFile ? [t.privateKeyFile] : []), ...(t.identityFiles ?? [])])];
  const files = named.length > 0 ? named : DEFAULT_IDENTITIES.map((n) => join(homedir(), '.ssh', n));
  for (const file of files) {
    if (file === t.privateKeyFile) methods.push({ type: 'publickey', username, key: config.privateKey });
    else if (existsSync(file)) {
      try {
        methods.push({ type: 'publickey', username, key: readFileSync(file, 'utf8') });
      } catch {
        // Unreadable, as ssh: skipped.
      }
    }
  }
  if (t.password !== undefined) {
    const password = t.password;
    methods.push({ type: 'password', username, password });
    methods.push({ type: 'keyboard-interactive', username, prompt: (_n: string, _i: string, _l: string, prompts: unknown[], finish: (answers: string[]) => void) => finish(prompts.map(() => password)) });
  }
  return methods;
}
