// `drover run --redis` validates before it queues: bad input, what a slice
// boundary would change, and a password on the command line are refused with
// exit 5 and nothing written to Redis; AUTH works from the environment; a
// worker refuses a bundle that does not hash to the job's hash.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDrover } from './support/cli.js';
import { startRedis, type TestRedis } from './support/redis-server.js';
import { BundleMismatch, packBundle, unpackBundle } from '../runner/scale/bundle.js';

const PASSWORD = 'redis-auth-7d1e';
let redis: TestRedis;
let dir: string;

before(async () => {
  redis = await startRedis({ password: PASSWORD });
  dir = await mkdtemp(join(tmpdir(), 'drover-scale-refuse-'));
  await writeFile(join(dir, 'hosts.ini'), '[all]\nh1 ansible_host=127.0.0.1\n');
});

after(async () => {
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const env = { DROVER_REDIS_PASSWORD: PASSWORD };

async function run(name: string, playbook: string, extra: string[] = [], options: { env?: Record<string, string> } = { env }) {
  await writeFile(join(dir, name), playbook);
  return runDrover(['run', join(dir, name), '-i', join(dir, 'hosts.ini'), '--redis', redis.url, '--output', 'plain', ...extra], { cwd: dir, ...options });
}

async function keys(): Promise<string[]> {
  const client = redis.client();
  await client.auth(PASSWORD);
  return client.keys('*');
}

test('a playbook that does not load is refused before anything is queued', async () => {
  const r = await run('bad.yml', '- hosts: all\n  tasks:\n    - copy: { dest: /tmp/x, no_such_param: 1 }\n');
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /bad\.yml:3/);
  assert.deepEqual(await keys(), []);
});

test('what a slice boundary would change is refused with file:line:col', async () => {
  const r = await run('serial.yml', '- hosts: all\n  serial: 2\n  tasks:\n    - debug: { msg: "{{ hostvars[inventory_hostname] }}" }\n');
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /serial\.yml:2:3/);
  assert.match(r.stderr, /'serial' decides over all the play's hosts/);
  assert.match(r.stderr, /serial\.yml:4:\d+/);
  assert.match(r.stderr, /'hostvars' reads other hosts' results/);
  assert.deepEqual(await keys(), []);
});

test('a Redis password in the URL is refused; AUTH comes from the environment', async () => {
  const url = redis.url.replace('redis://', `redis://:${PASSWORD}@`);
  const r = await runDrover(['runs', '--redis', url]);
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /password in the URL would be visible/);
  assert.doesNotMatch(r.stderr, new RegExp(PASSWORD));
  const withEnv = await runDrover(['runs', '--redis', redis.url], { env });
  assert.equal(withEnv.code, 0, withEnv.stderr);
  assert.equal(withEnv.stdout, 'no runs\n');
  const file = join(dir, 'redis-pass');
  await writeFile(file, `${PASSWORD}\n`, { mode: 0o600 });
  const withFile = await runDrover(['runs', '--redis', redis.url, '--redis-password-file', file]);
  assert.equal(withFile.code, 0, withFile.stderr);
});

test('--step and -K are refused with --redis', async () => {
  const step = await run('ok.yml', '- hosts: all\n  tasks:\n    - debug: { msg: hi }\n', ['--step']);
  assert.equal(step.code, 5);
  assert.match(step.stderr, /--step asks on the terminal/);
  const pass = join(dir, 'become-pass');
  await writeFile(pass, 'x\n', { mode: 0o600 });
  const become = await run('ok.yml', '- hosts: all\n  tasks:\n    - debug: { msg: hi }\n', ['--become-password-file', pass]);
  assert.equal(become.code, 5);
  assert.match(become.stderr, /would travel to the workers in clear/);
  assert.deepEqual(await keys(), []);
});

test('a worker refuses a bundle whose files do not hash to the job\'s hash', async () => {
  const project = await mkdtemp(join(dir, 'project-'));
  await writeFile(join(project, 'site.yml'), '- hosts: all\n  tasks: []\n');
  const { bundle } = await packBundle(project);
  const tampered = { ...bundle, files: bundle.files.map((f) => ({ ...f, content: Buffer.from('- hosts: evil\n').toString('base64') })) };
  await assert.rejects(unpackBundle(tampered, bundle.hash, join(dir, 'cache')), BundleMismatch);
  const unpacked = await unpackBundle(bundle, bundle.hash, join(dir, 'cache'));
  assert.ok(unpacked.endsWith(bundle.hash));
});
