// One of Ansible's integration targets (test/ansible-targets/targets/NAME),
// run the way ansible-test runs a role target: a play on `testhost` with
// gather_facts, the `output_dir` variable and the target as its only role,
// on a fresh namespace host. The same workspace is run by drover (JSON
// events) or by ansible-playbook (its json callback), and both are read into
// one tally: tasks run, assertions passed and failed, and why tasks failed.
import { access, cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../runner/paths.js';
import { startHosts } from '../../runner/testground/namespace-hosts.js';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { readRunLog, runLogs } from '../../runner/report/run-log.js';
import { CLEAN_ENV } from '../../runner/testground/run-command.js';

export type TargetTool = 'drover' | 'ansible';

export interface TargetTally {
  target: string;
  tool: TargetTool;
  exitCode: number;
  /** The run stopped before any task: the playbook did not load. */
  loadError?: string;
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  /** Failures that ignore_errors or a rescue let through. */
  ignored: number;
  assertsPassed: number;
  assertsFailed: number;
  /** `task (file:line): message` of every failure that was not ignored, in order. */
  failures: string[];
}

export const TARGETS_DIR = join(projectRoot(), 'test/ansible-targets');
const PRELUDE_ROLES = ['prepare_tests', 'setup_remote_tmp_dir', 'setup_nobody'];
const OUTPUT_DIR = '/tmp/ansible-target-output';
const ASSERT_MODULES = new Set(['assert', 'ansible.builtin.assert', 'ansible.legacy.assert']);

/** Runs one target with one tool on a fresh host (or its runme.sh, see runScriptTarget); the host and workspace are gone afterwards. */
export async function runTarget(target: string, tool: TargetTool): Promise<TargetTally> {
  const work = await mkdtemp(join(tmpdir(), `drover-target-${target}-`));
  if (!existsSync(join(TARGETS_DIR, 'targets', target, 'tasks', 'main.yml'))) {
    try {
      return relativeTo(work, await runScriptTarget(work, target, tool));
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  const ground = await startHosts({ names: ['testhost'] });
  try {
    // ansible-test's inventory names the target's Python; some targets read it (command_shell).
    await writeWorkspace(work, target, `${ground.inventoryIni('testgroup')}ansible_python_interpreter=/usr/bin/python3\n`);
    const tally = tool === 'drover' ? await runDrover(work, { target, knownHosts: ground.knownHostsFile }) : await runAnsible(work, target);
    return relativeTo(work, tally);
  } finally {
    await ground.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** Paths in messages are relative to the workspace, which is gone afterwards. */
function relativeTo(work: string, tally: TargetTally): TargetTally {
  const relative = (text: string) => text.split(`${work}/`).join('');
  return { ...tally, loadError: tally.loadError === undefined ? undefined : relative(tally.loadError), failures: tally.failures.map(relative) };
}

/** ansible-test's inventory for a target run on the controller (test/lib/ansible_test/_internal/inventory.py, create_controller_inventory). */
const ANSIBLE_TEST_INVENTORY = '[all]\ntesthost ansible_connection=local ansible_pipelining=yes ansible_python_interpreter=/usr/bin/python3\n';

/**
 * A target that has only runme.sh (it calls ansible-playbook with its own
 * playbooks, inventories and flags) is run as ansible-test runs it: the script,
 * unchanged, in a copy of the target. For drover, `ansible-playbook` on PATH is
 * the shim (ansible-playbook-shim.ts), which runs drover with the same flags or
 * refuses; the tally comes from the events every drover run recorded.
 */
async function runScriptTarget(work: string, target: string, tool: TargetTool): Promise<TargetTally> {
  // Laid out as ansible-test lays a target out: scripts reach its inventory as ../../inventory.
  const dir = join(work, 'targets', target);
  await cp(join(TARGETS_DIR, 'targets', target), dir, { recursive: true });
  await writeFile(join(work, 'inventory'), ANSIBLE_TEST_INVENTORY);
  // ansible-test runs scripts in a virtualenv, where `python` is the target's Python (blocks runs `env python`).
  const bin = join(work, 'bin');
  await mkdir(bin);
  await symlink('/usr/bin/python3', join(bin, 'python'));
  const env: NodeJS.ProcessEnv = { ...CLEAN_ENV, PATH: `${bin}:${CLEAN_ENV.PATH ?? '/usr/bin:/bin'}`, ANSIBLE_HOME: join(work, 'ansible-home'), ANSIBLE_LOCAL_TEMP: join(work, 'ansible-local') };
  if (tool === 'ansible') {
    Object.assign(env, { ANSIBLE_STDOUT_CALLBACK: 'tally', ANSIBLE_CALLBACK_PLUGINS: join(TARGETS_DIR, 'callback'), ANSIBLE_RETRY_FILES_ENABLED: 'false' });
    return tallyAnsible(target, await run(['bash', 'runme.sh'], { cwd: dir, env }));
  }
  const shim = join(projectRoot(), 'test/support/ansible-playbook-shim.ts');
  await writeFile(join(bin, 'ansible-playbook'), `#!/bin/sh\nexec "${process.execPath}" --import "$DROVER_SHIM_TSX" "${shim}" "$@"\n`, { mode: 0o755 });
  const logs = join(work, 'drover-runs');
  Object.assign(env, { DROVER_SHIM_LOG_DIR: logs, DROVER_SHIM_TSX: import.meta.resolve('tsx') });
  const r = await run(['bash', 'runme.sh'], { cwd: dir, env });
  const events = existsSync(logs) ? runLogs(logs).flatMap((file) => readRunLog(file).map((l) => l.event as DroverResultEvent)) : [];
  const tally = tallyDrover(target, r, events);
  // What stopped the script: the shim's refusal or drover's error if there is one, else the end of its output (the start is its own trace).
  const stopped = `${r.stderr}\n${r.stdout}`.split('\n').filter((line) => /\(drover shim\)|^ERROR!/.test(line)).slice(0, 2).join(' / ') || lastLines(r.stderr || r.stdout);
  if (tally.loadError !== undefined) tally.loadError = stopped.slice(0, 300);
  // The script's own failure (a diff it checks, the shim's refusal) is the reason when no task failed.
  if (r.rc !== 0 && tally.failures.length === 0 && tally.loadError === undefined) tally.failures.push(`runme.sh exited ${r.rc}: ${stopped.slice(0, 300)}`);
  return tally;
}

async function writeWorkspace(work: string, target: string, inventory: string): Promise<void> {
  // Copied, not linked: some targets write next to their files, and paths must not lead back into the repo.
  await mkdir(join(work, 'roles'));
  await cp(join(TARGETS_DIR, 'targets', target), join(work, 'roles', target), { recursive: true });
  for (const role of PRELUDE_ROLES) await symlink(join(TARGETS_DIR, 'prelude', role), join(work, 'roles', role));
  await writeFile(join(work, 'inventory.ini'), inventory);
  const play = [
    '- hosts: testhost',
    '  gather_facts: true',
    '  vars:',
    `    output_dir: ${OUTPUT_DIR}`,
    '  roles:',
    `    - ${target}`,
    '',
  ];
  await writeFile(join(work, 'playbook.yml'), play.join('\n'));
}

function emptyTally(target: string, tool: TargetTool, exitCode: number): TargetTally {
  return { target, tool, exitCode, ok: 0, changed: 0, failed: 0, skipped: 0, ignored: 0, assertsPassed: 0, assertsFailed: 0, failures: [] };
}

interface DroverResultEvent {
  type: string;
  item?: string;
  status?: string;
  ignored?: boolean;
  rescued?: boolean;
  message?: string;
  task?: { name: string; location: string; module?: string };
}

async function runDrover(work: string, { target, knownHosts }: { target: string; knownHosts: string }): Promise<TargetTally> {
  const cli = join(projectRoot(), 'runner/cli.ts');
  const argv = ['node', '--import', import.meta.resolve('tsx'), cli, 'run', join(work, 'playbook.yml'), '-i', join(work, 'inventory.ini'), '--known-hosts', knownHosts, '--json', '--no-log'];
  // In the workspace, as ansible-playbook runs: relative paths of delegated local tasks land there, not in the repo.
  const r = await run(argv, { cwd: work, env: CLEAN_ENV });
  return tallyDrover(target, r, r.stdout.split('\n').flatMap((line) => (line.startsWith('{') ? [JSON.parse(line) as DroverResultEvent] : [])));
}

function tallyDrover(target: string, r: { rc: number; stdout: string; stderr: string }, events: DroverResultEvent[]): TargetTally {
  const tally = emptyTally(target, 'drover', r.rc);
  // One result per task, as Ansible's callback counts them: loop items are inside their task's result.
  const results = events.filter((e) => e.type === 'host.task.result' && e.item === undefined);
  if (results.length === 0 && r.rc !== 0) tally.loadError = firstLines(r.stderr || r.stdout);
  for (const e of results) {
    const isAssert = ASSERT_MODULES.has(e.task?.module ?? '');
    count(tally, { status: e.status ?? 'ok', ignored: e.ignored === true || e.rescued === true, isAssert });
    if ((e.status === 'failed' || e.status === 'unreachable') && !e.ignored && !e.rescued) tally.failures.push(`${e.task?.name} (${e.task?.location}): ${firstLines(e.message ?? '')}`);
  }
  return tally;
}

interface TallyLine {
  action: string;
  status: string;
  ignored: boolean;
  name: string;
  path: string;
  msg: string;
}

async function runAnsible(work: string, target: string): Promise<TargetTally> {
  const env = {
    ...CLEAN_ENV,
    ANSIBLE_STDOUT_CALLBACK: 'tally',
    ANSIBLE_CALLBACK_PLUGINS: join(TARGETS_DIR, 'callback'),
    ANSIBLE_ROLES_PATH: join(work, 'roles'),
    ANSIBLE_HOME: join(work, 'ansible-home'),
    ANSIBLE_LOCAL_TEMP: join(work, 'ansible-local'),
    ANSIBLE_RETRY_FILES_ENABLED: 'false',
    ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
    ANSIBLE_PIPELINING: 'true',
  };
  return tallyAnsible(target, await run(['ansible-playbook', '-i', join(work, 'inventory.ini'), join(work, 'playbook.yml')], { cwd: work, env }));
}

function tallyAnsible(target: string, r: { rc: number; stdout: string; stderr: string }): TargetTally {
  const tally = emptyTally(target, 'ansible', r.rc);
  const lines = r.stdout.split('\n').flatMap((line) => (line.startsWith('{"action"') ? [JSON.parse(line) as TallyLine] : []));
  if (lines.length === 0 && r.rc !== 0) tally.loadError = firstLines(r.stderr || r.stdout);
  for (const line of lines) {
    count(tally, { status: line.status, ignored: line.ignored, isAssert: ASSERT_MODULES.has(line.action) });
    if ((line.status === 'failed' || line.status === 'unreachable') && !line.ignored) tally.failures.push(`${line.name} (${line.path}): ${firstLines(line.msg)}`);
  }
  return tally;
}

function count(tally: TargetTally, r: { status: string; ignored: boolean; isAssert: boolean }): void {
  if (r.status === 'failed' && r.ignored) tally.ignored++;
  else if (r.status === 'failed' || r.status === 'unreachable') tally.failed++;
  else if (r.status === 'skipped') tally.skipped++;
  else if (r.status === 'changed') tally.changed++;
  else tally.ok++;
  if (!r.isAssert || r.status === 'skipped') return;
  if (r.status === 'failed' && !r.ignored) tally.assertsFailed++;
  else if (r.status !== 'failed') tally.assertsPassed++;
}

/** A tool run with its own environment only; a target may take minutes, never forever. */
async function run(argv: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ rc: number; stdout: string; stderr: string }> {
  const [file, ...args] = argv;
  const r = await execa(file!, args, { ...options, extendEnv: false, reject: false, stdin: 'ignore', timeout: 15 * 60_000 });
  return { rc: r.exitCode ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' / ').slice(-300);
}

function firstLines(text: string): string {
  return text.trim().split('\n').slice(0, 3).join(' / ').slice(0, 300);
}

/**
 * The role targets (tasks/main.yml). Targets driven by a runme.sh (blocks,
 * handlers, include_import) run ansible-playbook themselves and need a shim
 * that runs drover in its place: they are vendored, not run by this harness.
 */
export async function readTargetNames(): Promise<string[]> {
  const names = (await readdir(join(TARGETS_DIR, 'targets'))).sort();
  const isRoleTarget = (name: string) => access(join(TARGETS_DIR, 'targets', name, 'tasks')).then(() => true, () => false);
  const kept: string[] = [];
  for (const name of names) if (await isRoleTarget(name)) kept.push(name);
  return kept;
}

