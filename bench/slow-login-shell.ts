// Per-task cost on a host whose login shell is slow to start (its user's
// ~/.bashrc sleeps, as on login nodes with Lmod or conda in it) against a
// clean host, side by side: workload b (30 tasks) first and second run on
// each, drover only; and the same slow host reached as a user who becomes root
// through sudo with a password. sshd starts the login shell for every exec channel, so a
// tool that opens a channel per write pays the sleep per write; one that sends
// everything through the long-lived shell pays it once per host.
//
//   npx tsc -p tsconfig.json && node dist/bench/slow-login-shell.js
//
// Settings: BENCH_SLOW_SHELL_S (default 0.2), BENCH_ROUNDS (default 3),
// BENCH_KINDS (default clean,slow,slow-sudo), BENCH_DROVER (default
// dist/runner/cli.js). Prints a markdown table.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { droverTool } from './drover-tool.js';
import { execRoundTripMs } from './floor.js';
import { lastPid, processesBetween } from './host-counters.js';
import { median } from './stats.js';
import { WORKLOADS, writeWorkloadFiles } from './workloads.js';

const SLOW_S = Number(process.env.BENCH_SLOW_SHELL_S ?? '0.2');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '3');
const ENTRY = resolve(process.env.BENCH_DROVER ?? 'dist/runner/cli.js');
const workload = WORKLOADS.b;
/** One line per login shell the slow host's sshd started (the .bashrc writes it). */
const LOGINS = '/var/tmp/login-shells';

interface Sample {
  taskMs: number;
  processesPerTask: number;
  wallMs: number;
  /** Login shells started on the host by the run (counted on the slow host only). */
  loginShells?: number;
}

/** Which host: clean; root's login shell slow; or a slow login shell and become root through sudo with a password. */
type Kind = 'clean' | 'slow' | 'slow-sudo';
const KINDS = (process.env.BENCH_KINDS ?? 'clean,slow,slow-sudo').split(',') as Kind[];
const LABELS: Record<Kind, string> = { clean: 'clean', slow: `.bashrc sleeps ${SLOW_S} s`, 'slow-sudo': `.bashrc sleeps ${SLOW_S} s, become with a sudo password` };
const SUDO_USER = { name: 'deploy', password: 'bench-sudo-password' };

async function loginShells(ground: TestGround, name: string): Promise<number> {
  const r = await ground.exec(name, ['sh', '-c', `cat ${LOGINS} 2>/dev/null | wc -l`]);
  return Number(r.stdout.trim());
}

/** Makes the login shell of the user drover logs in as sleep first: root, or a sudo user asked for its password. */
async function slowDown(ground: TestGround, name: string, kind: Kind): Promise<void> {
  const sleep = `echo >> ${LOGINS}; sleep ${SLOW_S}`;
  const script =
    kind === 'slow'
      ? 'printf "%s\\n" "$1" > /root/.bashrc && test "$(getent passwd root | cut -d: -f7)" = /bin/bash'
      : [
          'set -e',
          'useradd -m -s /bin/bash "$2"',
          'printf "%s:%s\\n" "$2" "$3" | chpasswd',
          'printf "%s ALL=(ALL:ALL) ALL\\n" "$2" > "/etc/sudoers.d/$2" && chmod 0440 "/etc/sudoers.d/$2"',
          'mkdir -p -m 0700 "/home/$2/.ssh" && cp /root/.ssh/authorized_keys "/home/$2/.ssh/" && chown -R "$2:$2" "/home/$2/.ssh"',
          `touch ${LOGINS} && chmod 0666 ${LOGINS}`,
          'printf "%s\\n" "$1" > "/home/$2/.bashrc"',
        ].join('\n');
  const r = await ground.exec(name, ['sh', '-c', script, 'sh', sleep, SUDO_USER.name, SUDO_USER.password]);
  if (r.rc !== 0) throw new Error(`cannot slow down the login shell on ${name}: rc ${r.rc} ${r.stderr}`);
}

async function verify(ground: TestGround, name: string, expectDone: boolean): Promise<void> {
  const r = await ground.exec(name, ['sh', '-c', workload.verifyScript]);
  if ((r.rc === 0) !== expectDone) throw new Error(`workload b is ${expectDone ? 'missing' : 'already there'} on ${name}`);
}

async function trial(kind: Kind, playbook: string, dir: string): Promise<{ first: Sample; second: Sample; floorMs: number }> {
  const name = kind.replace('-', '') + '1';
  const slow = kind !== 'clean';
  const ground = await startHosts({ names: [name] });
  try {
    if (slow) await slowDown(ground, name, kind);
    const inventory = join(dir, `${name}.ini`);
    const sudo = `ansible_user=${SUDO_USER.name} ansible_become=true ansible_become_password=${SUDO_USER.password}`;
    await writeFile(inventory, kind === 'slow-sudo' ? ground.inventoryIni('bench').replace(/ansible_user=root/g, sudo) : ground.inventoryIni('bench'));
    await verify(ground, name, false);
    const tool = droverTool(ENTRY);
    const run = async (which: 'first' | 'second', expectChanged: number): Promise<Sample> => {
      const shellsBefore = await loginShells(ground, name);
      const before = await lastPid(ground, name);
      const outcome = await tool.run({ playbook, inventory, knownHostsFile: ground.knownHostsFile, hostCount: 1, workDir: dir, logPrefix: join(dir, `${name}-${which}`) });
      const processes = processesBetween(before, await lastPid(ground, name));
      const shells = (await loginShells(ground, name)) - shellsBefore;
      if (outcome.changed !== expectChanged) throw new Error(`${which} run on ${name}: ${outcome.changed} changed, expected ${expectChanged} (logs in ${dir})`);
      await verify(ground, name, true);
      return { taskMs: median(outcome.taskMs), processesPerTask: processes / workload.tasks, wallMs: outcome.wallMs, ...(slow ? { loginShells: shells } : {}) };
    };
    const first = await run('first', workload.changesOnFirstRun);
    const second = await run('second', 0);
    return { first, second, floorMs: await execRoundTripMs(ground, name) };
  } finally {
    await ground.stop();
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'drover-slow-shell-'));
  try {
    const playbook = (await writeWorkloadFiles(dir))('b', false);
    const rows: Record<Kind, Array<Awaited<ReturnType<typeof trial>>>> = { clean: [], slow: [], 'slow-sudo': [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of KINDS) {
        const t = await trial(kind, playbook, dir);
        rows[kind].push(t);
        const shells = kind === 'clean' ? '' : `, login shells ${t.first.loginShells} / ${t.second.loginShells}`;
        console.error(`round ${round + 1} ${kind}: task ${t.first.taskMs.toFixed(1)} / ${t.second.taskMs.toFixed(1)} ms, processes/task ${t.first.processesPerTask.toFixed(1)} / ${t.second.processesPerTask.toFixed(1)}, floor ${t.floorMs.toFixed(2)} ms${shells}`);
      }
    }
    const m = (xs: number[]) => median(xs).toFixed(1);
    console.log('| host (login shell) | task ms, first run | task ms, second run | processes/task, first | processes/task, second | exec floor ms | wall s, first | wall s, second | login shells, first / second |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const kind of KINDS) {
      const r = rows[kind];
      if (r === undefined) throw new Error(`BENCH_KINDS: no such host kind ${kind} (clean, slow, slow-sudo)`);
      const shells = kind === 'clean' ? '-' : `${m(r.map((t) => t.first.loginShells ?? 0))} / ${m(r.map((t) => t.second.loginShells ?? 0))}`;
      console.log(`| ${LABELS[kind]} | ${m(r.map((t) => t.first.taskMs))} | ${m(r.map((t) => t.second.taskMs))} | ${m(r.map((t) => t.first.processesPerTask))} | ${m(r.map((t) => t.second.processesPerTask))} | ${median(r.map((t) => t.floorMs)).toFixed(2)} | ${(median(r.map((t) => t.first.wallMs)) / 1000).toFixed(2)} | ${(median(r.map((t) => t.second.wallMs)) / 1000).toFixed(2)} | ${shells} |`);
    }
    const ratio = (w: 'first' | 'second') => median(rows.slow.map((t) => t[w].taskMs)) / median(rows.clean.map((t) => t[w].taskMs));
    console.log(`\nslow / clean per-task cost: first run ${ratio('first').toFixed(2)}, second run ${ratio('second').toFixed(2)} (${ROUNDS} rounds, medians)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
