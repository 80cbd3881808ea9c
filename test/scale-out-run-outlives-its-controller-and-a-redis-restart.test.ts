// issue 13's other faults, with a real redis-server (AOF on), two real
// workers and namespace hosts: the controller SIGKILLed mid-run (the workers
// finish, `--attach` shows the rest and the recap), and Redis killed and
// restarted mid-run (the run continues: every host's end recorded once).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { projectRoot } from '../runner/paths.js';
import { runDrover } from './support/cli.js';
import { startRedis, type TestRedis } from './support/redis-server.js';

const HOSTS = 6;
let ground: TestGround;
let redis: TestRedis;
let dir: string;
const children: ChildProcess[] = [];

function drover(args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx/esm'), join(projectRoot(), 'runner', 'cli.ts'), ...args], {
    cwd: dir,
    env: { ...process.env, DROVER_SSH_CONFIG: 'none', DROVER_ANSIBLE_CONFIG: 'none', NO_COLOR: '1', XDG_STATE_HOME: join(dir, 'state'), XDG_CACHE_HOME: join(dir, 'cache') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.resume();
  child.stderr!.resume();
  children.push(child);
  return child;
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(child.pid!, signal);
  await exited;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drover-scale-faults-'));
  redis = await startRedis();
  ground = await startHosts({ count: HOSTS, namePrefix: 'sf' });
  await writeFile(join(dir, 'hosts.ini'), ground.inventoryIni('all'));
  await writeFile(
    join(dir, 'site.yml'),
    `- hosts: all\n  gather_facts: false\n  tasks:\n${Array.from({ length: 6 }, (_, i) => `    - name: step ${i}\n      shell: sleep 1; echo "{{ run_dir }}" >> /tmp/steps-${i}\n      changed_when: false\n`).join('')}`,
  );
  for (const name of ['w1', 'w2']) drover(['worker', '--redis', redis.url, '--name', name, '--lock-seconds', '3']);
});

after(async () => {
  for (const child of children) await kill(child, 'SIGKILL');
  await ground?.stop();
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Waits until the run's stream holds a result of task `name`, and returns the run id. */
async function waitForResult(task: string): Promise<string> {
  const client = redis.client();
  try {
    for (;;) {
      for (const key of await client.keys('drover:run:*:events')) {
        const entries = await client.xrange(key, '-', '+');
        if (entries.some(([, f]) => (JSON.parse(f[1]!) as { event?: { type: string; task?: { name: string } } }).event?.task?.name === task)) return key.split(':')[2]!;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    client.disconnect();
  }
}

const runArgs = (runDir: string) => ['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), '-e', `run_dir=${runDir}`, '--redis', redis.url, '--slice-size', '3', '--output', 'plain'];

test('a controller killed mid-run: the workers finish, and --attach shows the rest and the recap', { timeout: 300_000 }, async () => {
  const controller = drover(runArgs('attach'));
  const runId = await waitForResult('step 1');
  await kill(controller, 'SIGKILL');
  const attached = await runDrover(['run', '--redis', redis.url, '--attach', runId, '--output', 'plain'], { cwd: dir });
  assert.equal(attached.code, 0, attached.stderr);
  const recap = attached.stdout.slice(attached.stdout.indexOf('PLAY RECAP'));
  for (const host of ground.hosts) assert.match(recap, new RegExp(`${host.name} +: ok=6 +changed=0 +unreachable=0 +failed=0`));
  const listed = await runDrover(['runs', '--redis', redis.url]);
  assert.match(listed.stdout, new RegExp(`${runId} .* done \\(exit 0\\) .* hosts=${HOSTS} ok=${HOSTS} failed=0 unreachable=0 running=0 pending=0`));
});

test('Redis killed and restarted mid-run (AOF on): the run continues and every host ends once', { timeout: 300_000 }, async () => {
  const running = runDrover(runArgs('restart'), { cwd: dir, timeoutMs: 280_000 });
  const runId = await waitForResult('step 2');
  await redis.restart();
  const r = await running;
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const client = redis.client();
  const done = await client.hgetall(`drover:run:${runId}:done`);
  assert.deepEqual(Object.keys(done).sort(), ground.hosts.map((h) => h.name).sort());
  const recap = r.stdout.slice(r.stdout.indexOf('PLAY RECAP'));
  for (const host of ground.hosts) assert.match(recap, new RegExp(`${host.name} +: ok=6 +changed=0`));
  // A host whose slice was not retried ran each step once.
  const retried = await client.smembers(`drover:run:${runId}:retried`);
  for (const host of ground.hosts.map((h) => h.name).filter((h) => !retried.includes(h))) {
    const steps = await ground.exec(host, ['grep', '-c', '^restart$', '/tmp/steps-5']);
    assert.equal(steps.stdout.trim(), '1', host);
  }
});
