// 1,000 namespace hosts (several grounds: a ground holds MAX_HOSTS_PER_GROUND)
// in one play, run by the CLI under `prlimit --nofile=1024:1024` (the usual
// default, hard and soft) and GNU time: every host must be ok with one SSH
// connection each (the hosts' own TCP PassiveOpens, bench/host-counters.ts)
// and no EMFILE; the peak of drover's open file descriptors is sampled from
// /proc. The controller's neighbour table is raised for the run (see
// bench/neighbour-table.ts). Takes minutes, so not in `make test`:
//   node --import tsx bench/thousand-hosts.ts [HOSTS=1000] [SSH_TIMEOUT_S=15]
// (on a machine shared with other work, 1,000 sshd handshakes can take longer than drover's 15 s default: give more)
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../runner/paths.js';
import { MAX_HOSTS_PER_GROUND } from '../runner/testground/network.js';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { connectionSnapshot, connectionsBetween } from './host-counters.js';
import { neighbourThresholds, raiseNeighbourTable } from './neighbour-table.js';

const hosts = Number(process.argv[2] ?? 1000);
const sshTimeout = process.argv[3] ?? '15';
const grounds: TestGround[] = [];
const dir = await mkdtemp(join(tmpdir(), 'drover-thousand-'));
const restoreNeighbours = raiseNeighbourTable(hosts * 2);
console.log(`neighbour table for this run: ${neighbourThresholds()}`);
try {
  const startedAt = Date.now();
  for (let i = 0; i * MAX_HOSTS_PER_GROUND < hosts; i++) {
    // A machine shared with other work starts hosts slowly: a generous readiness limit.
    grounds.push(await startHosts({ count: Math.min(MAX_HOSTS_PER_GROUND, hosts - i * MAX_HOSTS_PER_GROUND), namePrefix: `k${i}h`, readyTimeoutMs: 300_000 }));
  }
  console.log(`${hosts} hosts on ${grounds.length} grounds started in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
  await writeFile(join(dir, 'hosts.ini'), grounds.map((g) => g.inventoryIni(`ground${grounds.indexOf(g)}`)).join('\n'));
  await writeFile(join(dir, 'known_hosts'), (await Promise.all(grounds.map((g) => readFile(g.knownHostsFile, 'utf8')))).join(''));
  await writeFile(join(dir, 'site.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "true"\n    - command: "uname -n"\n');
  const all = grounds.flatMap((g) => g.hosts);
  const before = await connectionSnapshot(all);
  const cli = join(projectRoot(), 'runner', 'cli.ts');
  const r = await runSampled('/usr/bin/time', ['-v', 'prlimit', '--nofile=1024:1024', process.execPath, '--import', 'tsx', cli, 'run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), '--known-hosts', join(dir, 'known_hosts'), '-T', sshTimeout, '--output', 'plain']);
  const connections = connectionsBetween(before, await connectionSnapshot(all));
  const okHosts = (r.stdout.match(/: ok=2 +changed=2 +unreachable=0 +failed=0/g) ?? []).length;
  const field = (name: string) => r.stderr.match(new RegExp(`${name}: (.*)`))?.[1] ?? '?';
  console.log(`exit ${r.status}; ${okHosts} of ${hosts} hosts with 2 changed and no failure; EMFILE ${/EMFILE/.test(r.stdout + r.stderr) ? 'SEEN' : 'never'}`);
  // The controller's neighbour table (net.ipv4.neigh.default.gc_thresh3, 1,024 by default, shared by every
  // ground on the machine) caps how many namespace hosts answer ARP at once: those fail as EHOSTUNREACH.
  const noRoute = (r.stdout.match(/UNREACHABLE!.*EHOSTUNREACH/g) ?? []).length;
  console.log(`hosts unreachable for lack of a neighbour entry (EHOSTUNREACH): ${noRoute}`);
  console.log(`connections per host: min ${connections.min}, max ${connections.max}; peak open file descriptors of drover: ${r.peakFds}`);
  console.log(`wall ${field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)')}, user ${field('User time \\(seconds\\)')} s, system ${field('System time \\(seconds\\)')} s, peak RSS ${Math.round(Number(field('Maximum resident set size \\(kbytes\\)')) / 1024)} MB`);
  if (r.status !== 0 || okHosts !== hosts || connections.max !== 1 || connections.min !== 1) {
    process.exitCode = 1;
    console.log(r.stdout.split('\n').filter((l) => /fatal|failed:|unreachable:/.test(l)).slice(0, 10).join('\n'));
  }
} finally {
  for (const g of grounds) await g.stop();
  await rm(dir, { recursive: true, force: true });
  restoreNeighbours();
}

/**
 * Runs `time -v prlimit ... node drover` and samples the open descriptors of
 * the drover process (time's child: prlimit execs node) every 100 ms.
 */
function runSampled(file: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string; peakFds: number }> {
  const child = spawn(file, args, { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let peakFds = 0;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const sample = setInterval(() => {
    try {
      for (const pid of readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
        peakFds = Math.max(peakFds, readdirSync(`/proc/${pid}/fd`).length);
      }
    } catch {
      // Not started yet, or gone.
    }
  }, 100);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      clearInterval(sample);
      resolve({ status, stdout, stderr, peakFds });
    });
  });
}
