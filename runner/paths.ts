// drover's own install directory (where playbooks/ and package.json live),
// found by walking up from this file: the same answer from source (tsx) and
// from the compiled dist/ tree.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ansibleConfig } from './config/ansible-config.js';

export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find drover\'s package.json above its code');
    dir = parent;
  }
  return dir;
}

/**
 * Ansible's DEFAULT_ROLES_PATH: ANSIBLE_ROLES_PATH (colon separated), else
 * ansible.cfg's roles_path, else ~/.ansible/roles, /usr/share/ansible/roles, /etc/ansible/roles. Roles are
 * looked up there after the playbook's roles/, and `drover galaxy install`
 * installs into its first entry, as ansible-galaxy does.
 */
export function ansibleRolesPath(env: NodeJS.ProcessEnv = process.env): string[] {
  const configured = env.ANSIBLE_ROLES_PATH ?? (env === process.env ? ansibleConfig().value('roles_path')?.join(':') : undefined);
  return searchPath(env, configured, ['~/.ansible/roles', '/usr/share/ansible/roles', '/etc/ansible/roles']);
}

/** Ansible's COLLECTIONS_PATHS: ANSIBLE_COLLECTIONS_PATH(S) or ~/.ansible/collections, /usr/share/ansible/collections. */
export function ansibleCollectionsPath(env: NodeJS.ProcessEnv = process.env): string[] {
  return searchPath(env, env.ANSIBLE_COLLECTIONS_PATH ?? env.ANSIBLE_COLLECTIONS_PATHS, ['~/.ansible/collections', '/usr/share/ansible/collections']);
}

function searchPath(env: NodeJS.ProcessEnv, configured: string | undefined, defaults: string[]): string[] {
  const home = env.HOME ?? homedir();
  const entries = configured?.split(':').filter((p) => p !== '') ?? [];
  return (entries.length > 0 ? entries : defaults).map((p) => (p === '~' || p.startsWith('~/') ? join(home, p.slice(1)) : p));
}
