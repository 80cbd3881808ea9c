// ansible-playbook as the harness runs it, tuned the way a careful user would:
// pipelining, ControlPersist (sockets in the run's own directory), forks = the
// number of hosts, host keys checked against the ground's known_hosts (set in
// the shared inventory), the interpreter named so no discovery runs, and no
// ssh compression (it only costs CPU on a local link).
import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLEAN_ENV, runCommand } from '../runner/testground/run-command.js';
import { timedRun } from './timed-run.js';
import { checkRun, type RunOutcome, type RunRequest, type Tool } from './tool.js';

const CONTROL_DIR = 'ansible-cp';

/** The ControlPersist master sockets ansible left in a run directory. */
export function controlSockets(workDir: string): string[] {
  const dir = join(workDir, CONTROL_DIR);
  return existsSync(dir) ? readdirSync(dir).map((s) => join(dir, s)) : [];
}

/** `ssh -O exit` ends a master through its socket, whatever state its remote end is in. */
export function exitMasterArgv(socket: string): string[] {
  return ['ssh', '-o', `ControlPath=${socket}`, '-O', 'exit', 'bench-control-master'];
}

export function ansibleConfig(request: RunRequest): string {
  return [
    '[defaults]',
    `forks = ${request.hostCount}`,
    'host_key_checking = True',
    'interpreter_python = /usr/bin/python3',
    'retry_files_enabled = False',
    'nocolor = True',
    `local_tmp = ${join(request.workDir, 'ansible-local')}`,
    '',
    '[ssh_connection]',
    'pipelining = True',
    'ssh_args = -o ControlMaster=auto -o ControlPersist=120s',
    `control_path_dir = ${join(request.workDir, CONTROL_DIR)}`,
    '',
  ].join('\n');
}

export const ansibleTool: Tool = {
  name: 'ansible',
  async run(request) {
    const config = join(request.workDir, 'ansible.cfg');
    await writeFile(config, ansibleConfig(request));
    const env = { ...CLEAN_ENV, ANSIBLE_CONFIG: config, ANSIBLE_HOME: join(request.workDir, 'ansible-home') };
    const timed = await timedRun(['ansible-playbook', '-i', request.inventory, request.playbook], { cwd: request.workDir, env, logPrefix: request.logPrefix });
    return checkRun('ansible', request, { ...timed, ...readRecap(timed.stdout) });
  },
  // ControlPersist masters outlive ansible-playbook by design; end each through its socket.
  async release(request) {
    await Promise.all(controlSockets(request.workDir).map((s) => runCommand(exitMasterArgv(s))));
  },
};

const RECAP_LINE = /^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/;

function readRecap(stdout: string): Pick<RunOutcome, 'changed' | 'hostsOk' | 'taskMs'> {
  const recap = stdout.slice(stdout.lastIndexOf('PLAY RECAP'));
  let changed = 0;
  let hostsOk = 0;
  for (const line of recap.split('\n')) {
    const m = RECAP_LINE.exec(line);
    if (!m) continue;
    changed += Number(m[3]);
    if (m[4] === '0' && m[5] === '0') hostsOk++;
  }
  return { changed, hostsOk, taskMs: [] };
}
