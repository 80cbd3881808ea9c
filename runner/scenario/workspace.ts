// The files a scenario run generates in its own temp directory: the
// inventory of the hosts the driver created (groups and variables from
// scenario.yml; connection details from the ground, in host_vars/ so that
// they outrank whatever an ENV inventory run alongside says about the same
// host) and, for a role without its own converge.yml, the playbook that
// applies the role to every host.
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { registerExitCleanup } from '../testground/exit-cleanup.js';
import { sweepStale } from '../testground/network.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { HostGround } from '../testground/driver.js';
import type { ScenarioDefinition } from './definition.js';

export const WORKSPACE_PREFIX = 'drover-scenario-';

export interface Workspace {
  dir: string;
  remove(): Promise<void>;
}

export async function createWorkspace(): Promise<Workspace> {
  // Workspaces of runs that were SIGKILLed (no exit hook ran) are removed by the next run.
  await sweepStale(tmpdir(), WORKSPACE_PREFIX);
  const dir = await mkdtemp(join(tmpdir(), `${WORKSPACE_PREFIX}${process.pid}-`));
  // Like the hosts, the files go when the process ends without destroy (an uncaught error, a signal).
  const unregister = registerExitCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    remove: async () => {
      await rm(dir, { recursive: true, force: true });
      unregister();
    },
  };
}

/** An Ansible YAML inventory of the ground's hosts, with host_vars/ beside it; returns its path. */
export async function writeInventory(workspace: Workspace, definition: ScenarioDefinition, ground: HostGround): Promise<string> {
  const hosts: Record<string, Record<string, unknown>> = {};
  const children: Record<string, { hosts: Record<string, null>; vars?: Record<string, unknown> }> = {};
  await mkdir(join(workspace.dir, 'host_vars'));
  for (const host of definition.hosts) {
    const target = ground.target(host.name);
    const connection = { ansible_host: target.address, ansible_port: target.port, ansible_user: target.user, ansible_ssh_private_key_file: ground.privateKeyFile };
    await writeFile(join(workspace.dir, 'host_vars', `${host.name}.yml`), stringify(connection));
    hosts[host.name] = host.vars;
    for (const group of host.groups) (children[group] ??= { hosts: {} }).hosts[host.name] = null;
  }
  for (const [group, vars] of Object.entries(definition.groupVars)) {
    if (group !== 'all') (children[group] ??= { hosts: {} }).vars = vars;
  }
  const all = { vars: definition.groupVars.all ?? {}, hosts, children };
  const path = join(workspace.dir, 'inventory.yml');
  await writeFile(path, `# drover test: the scenario's disposable hosts\n${stringify({ all })}`);
  return path;
}

/** The default converge of a role scenario: the role on every host, plus scenario.yml's `play` keywords. */
export async function writeRoleConverge(workspace: Workspace, definition: ScenarioDefinition, roleDir: string): Promise<string> {
  const play = { name: 'Converge', hosts: 'all', ...definition.play, roles: [{ role: roleDir }] };
  const path = join(workspace.dir, 'converge.yml');
  await writeFile(path, stringify([play]));
  return path;
}
