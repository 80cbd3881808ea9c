// issue 13's must-show: a real redis-server on loopback, three real `drover
// worker` processes and namespace hosts; one worker is SIGKILLed in the middle
// of its slice. BullMQ finds its job stalled and another worker runs it; hosts
// already done are not run again, the recap names the retried hosts, every
// host's end is recorded once, the recap lines equal a single-process run's
// on fresh state, a second run changes nothing, and no secret reaches Redis.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { projectRoot } from '../runner/paths.js';
import { runDrover } from './support/cli.js';
import { MASK } from '../runner/quote.js';
import { startRedis, type TestRedis } from './support/redis-server.js';

const HOSTS = Number(process.env.DROVER_SCALE_HOSTS ?? 30);
/** issue 13's slices of 10; fewer hosts (DROVER_SCALE_HOSTS) still make three slices. */
const SLICE = String(HOSTS >= 30 ? 10 : Math.ceil(HOSTS / 3));
const SECRET = 'scale-out-secret-3f9c1a';
let ground: TestGround;
let redis: TestRedis;
let dir: string;
const workers = new Map<string, ChildProcess>();
let monitor: ChildProcess | undefined;
let monitored = '';

function startWorker(name: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx/esm'), join(projectRoot(), 'runner', 'cli.ts'), 'worker', '--redis', redis.url, '--name', name, '--lock-seconds', '3', '--bundle-cache', join(dir, `cache-${name}`), '--vault-password-file', join(dir, 'vault-pass')], {
    env: { ...process.env, DROVER_SSH_CONFIG: 'none', DROVER_ANSIBLE_CONFIG: 'none', XDG_STATE_HOME: join(dir, 'state') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.resume();
  workers.set(name, child);
  return child;
}

async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(child.pid!, signal);
  await exited;
}

/** 20 tasks: changes, skips, an ignored failure, a loop, a vault value shown by debug (masked). */
function playbook(): string {
  const tasks = [
    `- name: run dir\n      file: { path: "{{ run_dir }}", state: directory, mode: "0755" }`,
    `- name: count this run\n      shell: echo "{{ run_tag }}" >> "{{ run_dir }}/runs"\n      changed_when: false`,
    ...Array.from({ length: 6 }, (_, i) => `- name: file ${i}\n      copy: { dest: "{{ run_dir }}/f${i}", content: "f${i} {{ inventory_hostname }}\\n" }`),
    `- name: slow a\n      command: sleep 1\n      changed_when: false`,
    `- name: slow b\n      command: sleep 1\n      changed_when: false`,
    `- name: lines\n      lineinfile: { path: "{{ run_dir }}/conf", line: "{{ item }}", create: true }\n      loop: [a, b, c]`,
    `- name: only odd hosts\n      file: { path: "{{ run_dir }}/odd", state: touch, modification_time: preserve, access_time: preserve }\n      when: inventory_hostname[-1] | int is odd`,
    `- name: ignored failure\n      command: "false"\n      ignore_errors: true\n      changed_when: false`,
    `- name: secret\n      debug: { msg: "the secret is {{ vault_secret }}" }`,
    `- name: slow c\n      command: sleep 1\n      changed_when: false`,
    `- name: dir 2\n      file: { path: "{{ run_dir }}/d", state: directory }`,
    `- name: stat\n      stat: { path: "{{ run_dir }}/f0" }\n      register: st`,
    `- name: assert\n      assert: { that: [st.stat.exists] }`,
    `- name: marker\n      command: touch "{{ run_dir }}/done"\n      args: { creates: "{{ run_dir }}/done" }`,
    `- name: last\n      debug: { msg: done }`,
  ];
  assert.equal(tasks.length, 20);
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.map((t) => `    ${t}\n`).join('')}`;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drover-scale-'));
  redis = await startRedis();
  ground = await startHosts({ count: HOSTS, namePrefix: 'sc' });
  await writeFile(join(dir, 'hosts.ini'), ground.inventoryIni('all'));
  await writeFile(join(dir, 'site.yml'), playbook());
  await writeFile(join(dir, 'vault-pass'), 'scale-pass\n', { mode: 0o600 });
  const encrypted = await new Promise<string>((resolve, reject) => {
    const p = spawn('ansible-vault', ['encrypt_string', '--vault-password-file', join(dir, 'vault-pass'), SECRET, '--name', 'vault_secret'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`ansible-vault exited ${code}`))));
  });
  await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'group_vars'), { recursive: true }));
  await writeFile(join(dir, 'group_vars', 'all.yml'), encrypted);
  monitor = spawn('redis-cli', ['-p', String(redis.port), 'MONITOR'], { stdio: ['ignore', 'pipe', 'ignore'] });
  monitor.stdout!.on('data', (d: Buffer) => (monitored += d.toString()));
});

after(async () => {
  for (const w of workers.values()) await stopProcess(w, 'SIGKILL');
  await stopProcess(monitor);
  await ground?.stop();
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const recapOf = (stdout: string) => stdout.slice(stdout.indexOf('PLAY RECAP'));
const runArgs = (runDir: string, tag: string) => ['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), '-e', `run_dir=${runDir}`, '-e', `run_tag=${tag}`, '--output', 'plain', '--vault-password-file', join(dir, 'vault-pass')];

test('a SIGKILLed worker\'s slice completes on another worker, and the recap equals a single-process run', { timeout: 900_000 }, async () => {
  const single = await runDrover(runArgs('/tmp/scale-single', 'single'), { cwd: dir, timeoutMs: 600_000 });
  assert.equal(single.code, 0, single.stderr);

  for (const name of ['w1', 'w2', 'w3']) startWorker(name);
  const client = redis.client();
  const running = runDrover([...runArgs('/tmp/scale-cluster', 'first'), '--redis', redis.url, '--slice-size', SLICE], { cwd: dir, timeoutMs: 600_000 });
  // Kill w1 once it is in the middle of its slice: its hosts have shown results but not finished.
  let victim: string[] = [];
  for (;;) {
    const entries = (await client.keys('drover:run:*:events')).length > 0 ? await client.xrange((await client.keys('drover:run:*:events'))[0]!, '-', '+') : [];
    const ofW1 = entries.map(([, f]) => JSON.parse(f[1]!) as { kind: string; worker: string; event?: { type: string; task?: { name: string }; host?: string } }).filter((e) => e.worker === 'w1' && e.kind === 'event');
    if (ofW1.some((e) => e.event?.type === 'host.task.result' && e.event.task?.name === 'slow a')) {
      victim = [...new Set(ofW1.map((e) => e.event?.host).filter((h): h is string => h !== undefined))];
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stopProcess(workers.get('w1'), 'SIGKILL');
  const cluster = await running;
  assert.equal(cluster.code, 0, cluster.stderr + cluster.stdout);
  // Recap lines equal the single-process run's, host by host; a retried host's changes that the lost worker had
  // already made show as ok on the retry (as on any re-run), so there only `changed` may be lower.
  const lines = (stdout: string) => new Map(recapOf(stdout).split('\n').filter((l) => l.includes(' : ')).map((l) => [l.split(' ')[0]!, l]));
  const singleLines = lines(single.stdout);
  const clusterLines = lines(cluster.stdout);
  assert.deepEqual([...clusterLines.keys()], [...singleLines.keys()]);

  const runId = (await client.zrange('drover:runs', 0, -1))[0]!;
  const retried = (await client.smembers(`drover:run:${runId}:retried`)).sort();
  assert.ok(retried.length > 0 && retried.every((h) => victim.includes(h)), `retried ${retried.join(',')} of w1's ${victim.join(',')}`);
  assert.match(cluster.stdout, new RegExp(`run again on another worker after theirs was lost: ${retried.join(', ')}`));
  for (const [host, line] of clusterLines) {
    if (!retried.includes(host)) assert.equal(line, singleLines.get(host), host);
    else {
      const changed = (l: string) => Number(/changed=(\d+)/.exec(l)![1]);
      assert.equal(line.replace(/changed=\d+ */, ''), singleLines.get(host)!.replace(/changed=\d+ */, ''), host);
      assert.ok(changed(line) <= changed(singleLines.get(host)!), host);
    }
  }
  const done = await client.hgetall(`drover:run:${runId}:done`);
  assert.equal(Object.keys(done).length, HOSTS);
  for (const host of retried) assert.notEqual((JSON.parse(done[host]!) as { worker: string }).worker, 'w1', host);
  // Hosts no worker lost ran the playbook once.
  for (const host of ground.hosts.map((h) => h.name).filter((h) => !retried.includes(h))) {
    const runs = await ground.exec(host, ['cat', '/tmp/scale-cluster/runs']);
    assert.equal(runs.stdout, 'first\n', host);
  }

  const again = await runDrover([...runArgs('/tmp/scale-cluster', 'second'), '--redis', redis.url, '--slice-size', SLICE], { cwd: dir, timeoutMs: 600_000 });
  assert.equal(again.code, 0, again.stderr);
  for (const line of recapOf(again.stdout).split('\n').slice(1).filter((l) => l.includes(' : '))) assert.match(line, /changed=0 /);

  // The masker ran before anything was published: the secret is in no key, no value, no command Redis saw.
  assert.doesNotMatch(cluster.stdout, new RegExp(SECRET));
  const dump: string[] = [];
  for (const key of await client.keys('*')) {
    const type = await client.type(key);
    if (type === 'string') dump.push((await client.get(key))!);
    else if (type === 'hash') dump.push(JSON.stringify(await client.hgetall(key)));
    else if (type === 'list') dump.push(JSON.stringify(await client.lrange(key, 0, -1)));
    else if (type === 'set') dump.push(JSON.stringify(await client.smembers(key)));
    else if (type === 'zset') dump.push(JSON.stringify(await client.zrange(key, 0, -1)));
    else if (type === 'stream') dump.push(JSON.stringify(await client.xrange(key, '-', '+')));
    dump.push(key);
  }
  assert.ok(dump.join('\n').includes(MASK), 'the debug task\'s masked message is in the stream');
  assert.ok(!dump.join('\n').includes(SECRET), 'no secret in Redis');
  assert.ok(monitored.includes('XADD'), 'MONITOR saw the events');
  assert.ok(!monitored.includes(SECRET), 'no secret in any command Redis received');
});
