// A public Galaxy role vendored unchanged under test/galaxy-roles/NAME, run
// the way its README says to use it: a play on the host that applies the
// role with the play vars of test/galaxy-roles/NAME.play.yml. The same
// workspace is run by drover (JSON events) or by ansible-playbook (the tally
// callback of the integration-target harness), and both are read into one
// shape: the recap and each task's status, in order. The end state is what
// the role's probe command prints on the host.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../../runner/paths.js';
import type { TestGround } from '../../runner/testground/namespace-hosts.js';
import { CLEAN_ENV } from '../../runner/testground/run-command.js';

export const GALAXY_DIR = join(projectRoot(), 'test/galaxy-roles');

export type RoleTool = 'drover' | 'ansible';

export interface RoleRun {
  exitCode: number;
  stats: { ok: number; changed: number; failed: number; skipped: number };
  /** `status name` per task result (handlers included), in run order. */
  tasks: string[];
}

/** The role's play (its vars) and the probe that prints the host's end state. */
export interface RoleCase {
  role: string;
  play: string;
  probe: string;
}

export async function readRoleCase(role: string): Promise<RoleCase> {
  return {
    role,
    play: await readFile(join(GALAXY_DIR, `${role}.play.yml`), 'utf8'),
    probe: await readFile(join(GALAXY_DIR, `${role}.probe.sh`), 'utf8'),
  };
}

/** Runs the role's play on `host` of `ground` with one tool; the workspace is removed afterwards. */
export async function runRole(ground: TestGround, host: string, c: RoleCase, tool: RoleTool, options: { check?: boolean } = {}): Promise<RoleRun> {
  const work = await mkdtemp(join(tmpdir(), `drover-galaxy-${c.role}-`));
  try {
    // Copied, not linked: the role is found in the workspace's roles/ as `ansible-galaxy install` would leave it.
    await mkdir(join(work, 'roles'));
    await cp(join(GALAXY_DIR, c.role), join(work, 'roles', c.role), { recursive: true });
    await writeFile(join(work, 'inventory.ini'), `${ground.inventoryIni('galaxy').split('\n').filter((line) => !/^\S+ ansible_host=/.test(line) || line.startsWith(`${host} `)).join('\n')}`);
    await writeFile(join(work, 'playbook.yml'), c.play.replaceAll('HOST', host));
    const check = options.check ? ['--check'] : [];
    return tool === 'drover' ? await runDrover(work, ground.knownHostsFile, check) : await runAnsible(work, check);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** What the role's probe prints on the host: its end state. */
export async function probe(ground: TestGround, host: string, c: RoleCase): Promise<string> {
  const r = await ground.exec(host, ['sh', '-c', c.probe]);
  return r.stdout + r.stderr;
}

interface DroverEvent {
  type: string;
  item?: string;
  status?: string;
  task?: { name: string };
  stats?: Record<string, { ok: number; changed: number; failed: number; skipped: number }>;
  exitCode?: number;
}

async function runDrover(work: string, knownHosts: string, check: string[]): Promise<RoleRun> {
  const cli = join(projectRoot(), 'runner/cli.ts');
  const r = await run(['node', '--import', 'tsx', cli, 'run', join(work, 'playbook.yml'), '-i', join(work, 'inventory.ini'), '--known-hosts', knownHosts, '--json', '--no-log', ...check], projectRoot());
  const events = r.stdout.split('\n').flatMap((line) => (line.startsWith('{') ? [JSON.parse(line) as DroverEvent] : []));
  const end = events.find((e) => e.type === 'run.end');
  if (!end) throw new Error(`drover did not finish: ${r.stderr.slice(-2000)}`);
  const stats = Object.values(end.stats ?? {})[0] ?? { ok: 0, changed: 0, failed: 0, skipped: 0 };
  const tasks = events.filter((e) => e.type === 'host.task.result' && e.item === undefined).map((e) => `${e.status} ${e.task?.name}`);
  return { exitCode: r.rc, stats: { ok: stats.ok, changed: stats.changed, failed: stats.failed, skipped: stats.skipped }, tasks };
}

async function runAnsible(work: string, check: string[]): Promise<RoleRun> {
  const env = {
    ...CLEAN_ENV,
    ANSIBLE_STDOUT_CALLBACK: 'tally',
    ANSIBLE_CALLBACK_PLUGINS: join(projectRoot(), 'test/ansible-targets/callback'),
    ANSIBLE_HOME: join(work, 'ansible-home'),
    ANSIBLE_LOCAL_TEMP: join(work, 'ansible-local'),
    ANSIBLE_RETRY_FILES_ENABLED: 'false',
    ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
    ANSIBLE_PIPELINING: 'true',
  };
  const r = await execa('ansible-playbook', ['-i', join(work, 'inventory.ini'), join(work, 'playbook.yml'), ...check], { cwd: work, env, extendEnv: false, reject: false, stdin: 'ignore', timeout: 15 * 60_000 });
  const lines = r.stdout.split('\n').flatMap((line) => (line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : []));
  const summary = lines.find((l) => 'stats' in l)?.stats as Record<string, { ok: number; changed: number; failures: number; skipped: number }> | undefined;
  const s = Object.values(summary ?? {})[0];
  if (!s) throw new Error(`ansible-playbook did not finish: ${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`);
  const tasks = lines.filter((l) => 'action' in l).map((l) => `${String(l.status)} ${String(l.name)}`);
  return { exitCode: r.exitCode ?? 1, stats: { ok: s.ok, changed: s.changed, failed: s.failures, skipped: s.skipped }, tasks };
}

async function run(argv: string[], cwd: string): Promise<{ rc: number; stdout: string; stderr: string }> {
  const [file, ...args] = argv;
  const r = await execa(file!, args, { cwd, env: CLEAN_ENV, extendEnv: false, reject: false, stdin: 'ignore', timeout: 10 * 60_000 });
  return { rc: r.exitCode ?? 1, stdout: r.stdout, stderr: r.stderr };
}
