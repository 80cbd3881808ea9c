// `drover galaxy install -r requirements.yml`: roles and collections from git,
// directories and archives into Ansible's roles and collections paths, locked
// (runner/galaxy/). Galaxy servers are not contacted.
import { resolve } from 'node:path';
import { Command } from 'commander';
import { installAll, lockFileOf } from '../galaxy/install.js';
import { readRequirements } from '../galaxy/requirements.js';
import { ansibleCollectionsPath, ansibleRolesPath } from '../paths.js';

export function galaxyCommand(): Command {
  const galaxy = new Command('galaxy').description('Install roles and collections, as ansible-galaxy does, from git, directories and archives');
  galaxy
    .command('install')
    .description('Install everything a requirements file names, and lock what it resolved to (FILE.lock.yml)')
    .requiredOption('-r, --role-file <file>', 'the requirements file (requirements.yml)')
    .option('-p, --roles-path <dir>', 'where roles go (default: the first entry of ANSIBLE_ROLES_PATH, else ~/.ansible/roles)')
    .option('--collections-path <dir>', 'where collections go (default: the first entry of ANSIBLE_COLLECTIONS_PATH, else ~/.ansible/collections)')
    .option('--update', 'resolve versions again instead of installing what the lock file records')
    .action(async (flags: { roleFile: string; rolesPath?: string; collectionsPath?: string; update?: boolean }) => {
      const requirements = readRequirements(flags.roleFile);
      await installAll(requirements, {
        rolesPath: resolve(flags.rolesPath ?? ansibleRolesPath()[0]!),
        collectionsPath: resolve(flags.collectionsPath ?? ansibleCollectionsPath()[0]!),
        lockFile: lockFileOf(flags.roleFile),
        update: flags.update === true,
        log: (line) => process.stdout.write(`${line}\n`),
      });
    });
  return galaxy;
}
