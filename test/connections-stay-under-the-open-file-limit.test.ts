// A host's connection closes when it has no tasks left in the run, and at most
// --forks are open at once, so a play over more hosts than the controller may
// open files for still runs every host over one connection each. Before,
// every connection was held to the end of the play: at `ulimit -n 150`, 69 of
// 200 hosts failed with EMFILE, reported as "unreachable". Here 100 hosts run
// under an open-file limit (hard and soft, so Node cannot raise it) below 100
// sockets plus what the controller itself opens.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { projectRoot } from '../runner/paths.js';
import { connectionSnapshot, connectionsBetween } from '../bench/host-counters.js';
import { jsonEvents, runDrover } from './support/cli.js';

const HOSTS = 100;
const OPEN_FILE_LIMIT = 90;
let ground: TestGround;
let dir: string;

before(async () => {
  ground = await startHosts({ count: HOSTS, namePrefix: 'fd' });
  dir = await mkdtemp(join(tmpdir(), 'drover-fd-limit-'));
  await writeFile(join(dir, 'hosts.ini'), ground.inventoryIni('all'));
  await writeFile(join(dir, 'site.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "true"\n    - command: "sleep 0.2"\n    - command: "true"\n');
  // tsx compiles the sources on first load (esbuild, a child process with its own pipes): done here without
  // the limit, so the limited run measures drover, not the compiler. A real run on one host, because a run
  // imports code (connections, modules) that --syntax-check never loads; compiled under the limit with 90
  // sockets open, esbuild could not start.
  const warm = await runDrover(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '--limit', ground.hosts[0]!.name]);
  assert.equal(warm.code, 0, warm.stdout + warm.stderr);
});
after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function runUnderLimit(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // prlimit (util-linux) sets both limits for the child: Node raises only the soft limit to the hard one.
    const child = spawn('prlimit', [`--nofile=${OPEN_FILE_LIMIT}:${OPEN_FILE_LIMIT}`, process.execPath, '--import', import.meta.resolve('tsx/esm'), join(projectRoot(), 'runner', 'cli.ts'), ...args], {
      cwd: projectRoot(),
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test(`${HOSTS} hosts under an open-file limit of ${OPEN_FILE_LIMIT} all run, one connection each, no EMFILE`, async () => {
  const before = await connectionSnapshot(ground.hosts);
  const r = await runUnderLimit(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '--forks', '10', '--json']);
  const results = jsonEvents(r.stdout).filter((e) => e.type === 'host.task.result');
  const bad = results.filter((e) => e.type === 'host.task.result' && e.status !== 'changed');
  assert.deepEqual(bad, [], 'every task on every host changed');
  assert.equal(results.length, HOSTS * 3, `exit ${r.code}: ${r.stderr.slice(0, 2000)}`);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /EMFILE/);
  assert.deepEqual(connectionsBetween(before, await connectionSnapshot(ground.hosts)), { min: 1, max: 1 });
});
