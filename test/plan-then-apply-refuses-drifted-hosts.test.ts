// `drover plan -o FILE` records what check + diff found per host and task;
// `drover apply FILE` applies it, and refuses (changing nothing anywhere) when a
// host no longer matches the state the plan was computed from.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { runDrover } from './support/cli.js';
import type { PlanFile } from '../runner/plan/plan-file.js';

const SECRET = 'hunter2-plan-secret';

const PLAYBOOK = `
- hosts: web
  gather_facts: false
  tasks:
    - name: motd says who manages this host
      copy:
        dest: /etc/motd
        content: "managed by drover\\n"
    - name: app config
      copy:
        dest: /etc/app.conf
        content: "port=8080\\n"
    - name: app password (never shown)
      copy:
        dest: /etc/app.secret
        content: "${SECRET}\\n"
        mode: "0600"
      no_log: true
`;

let ground: TestGround;
let dir: string;

before(async () => {
  ground = await startHosts({ names: ['web1', 'web2'] });
  dir = mkdtempSync(join(tmpdir(), 'drover-plan-'));
  writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
  writeFileSync(join(dir, 'hosts.ini'), ground.inventoryIni('web'));
});

after(async () => {
  await ground?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const drover = (...args: string[]) => runDrover([...args, '--known-hosts', ground.knownHostsFile, '--output', 'plain'], { cwd: dir });
const readPlan = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as PlanFile;
const motd = async (host: string) => (await ground.exec(host, ['cat', '/etc/motd'])).stdout;

test('plan records the planned changes per host and task, changes nothing, and masks secrets', async () => {
  const result = await drover('plan', 'site.yml', '-i', 'hosts.ini', '-o', 'first.json');
  assert.equal(result.code, 0, result.stderr + result.stdout);
  assert.match(result.stderr, /drover apply first\.json/);
  const plan = readPlan('first.json');
  assert.deepEqual(Object.keys(plan.hosts).sort(), ['web1', 'web2']);
  for (const steps of Object.values(plan.hosts)) {
    assert.deepEqual(steps.map((s) => [s.task, s.status]), [
      ['motd says who manages this host', 'changed'],
      ['app config', 'changed'],
      ['app password (never shown)', 'changed'],
    ]);
    assert.ok(steps[0]!.diff.some((d) => d.after.includes('managed by drover')), 'the plan carries the diff a reviewer reads');
  }
  assert.equal(plan.invocation.playbook, 'site.yml', 'paths stay relative to where the plan was made');
  assert.ok(!readFileSync(join(dir, 'first.json'), 'utf8').includes(SECRET), 'no_log content never reaches the plan file');
  assert.ok(!result.stdout.includes(SECRET) && !result.stderr.includes(SECRET));
  assert.notEqual((await ground.exec('web1', ['test', '-e', '/etc/app.conf'])).rc, 0, 'planning changed a host');
});

test('apply converges exactly the planned run; a plan of the converged hosts says ok everywhere', async () => {
  const applied = await drover('apply', 'first.json');
  assert.equal(applied.code, 0, applied.stderr + applied.stdout);
  for (const host of ['web1', 'web2']) {
    assert.equal(await motd(host), 'managed by drover\n');
    assert.equal((await ground.exec(host, ['cat', '/etc/app.secret'])).stdout, `${SECRET}\n`);
  }
  assert.ok(!applied.stdout.includes(SECRET));

  const second = await drover('plan', 'site.yml', '-i', 'hosts.ini', '-o', 'second.json');
  assert.equal(second.code, 0, second.stderr);
  const statuses = Object.values(readPlan('second.json').hosts).flat().map((s) => s.status);
  assert.deepEqual([...new Set(statuses)], ['ok']);
});

test('apply refuses, naming host and task, when a host drifted since the plan; no host is changed', async () => {
  const planned = await drover('plan', 'site.yml', '-i', 'hosts.ini', '-o', 'drift.json');
  assert.equal(planned.code, 0, planned.stderr);
  // Between review and apply, someone edits a file on web2 by hand, and web1 loses its motd.
  await ground.exec('web2', ['sh', '-c', 'echo port=9999 > /etc/app.conf']);
  await ground.exec('web1', ['rm', '/etc/motd']);

  const refused = await drover('apply', 'drift.json');
  assert.equal(refused.code, 3, refused.stderr + refused.stdout);
  assert.match(refused.stderr, /refusing to apply drift\.json: the hosts no longer match the plan \(nothing was changed\)/);
  assert.match(refused.stderr, /web2: app config \(site\.yml:\d+:\d+\): planned ok, now changed/);
  assert.match(refused.stderr, /web1: motd says who manages this host \(site\.yml:\d+:\d+\): planned ok, now changed/);
  assert.equal((await ground.exec('web2', ['cat', '/etc/app.conf'])).stdout, 'port=9999\n', 'the drifted host was left alone');
  assert.notEqual((await ground.exec('web1', ['test', '-e', '/etc/motd'])).rc, 0, 'no host was converged');
});

test('apply refuses a plan that is not a drover plan, or one with failed tasks', async () => {
  writeFileSync(join(dir, 'not-a-plan.json'), '{"hello": 1}');
  const notPlan = await drover('apply', 'not-a-plan.json');
  assert.equal(notPlan.code, 5);
  assert.match(notPlan.stderr, /not-a-plan\.json is not a drover plan/);

  const failing = readPlan('drift.json');
  failing.hosts.web1![0]!.status = 'failed';
  failing.hosts.web1![0]!.message = 'permission denied';
  writeFileSync(join(dir, 'failed.json'), JSON.stringify(failing));
  const refused = await drover('apply', 'failed.json');
  assert.equal(refused.code, 3);
  assert.match(refused.stderr, /the plan has failed or unreachable tasks \(nothing was changed\)/);
  assert.match(refused.stderr, /web1: motd says who manages this host .*failed when planned: permission denied/);
});

test('apply refuses when the planned change itself would now be different (same task, other before-state)', async () => {
  await ground.exec('web1', ['sh', '-c', 'echo port=1 > /etc/app.conf']);
  const planned = await drover('plan', 'site.yml', '-i', 'hosts.ini', '-l', 'web1', '-o', 'before-state.json');
  assert.equal(planned.code, 0, planned.stderr);
  await ground.exec('web1', ['sh', '-c', 'echo port=2 > /etc/app.conf']);
  const refused = await drover('apply', 'before-state.json');
  assert.equal(refused.code, 3, refused.stderr + refused.stdout);
  assert.match(refused.stderr, /web1: app config \(site\.yml:\d+:\d+\): the current state differs from the one the plan was made from \(differs in: \/etc\/app\.conf\)/);
  assert.equal((await ground.exec('web1', ['cat', '/etc/app.conf'])).stdout, 'port=2\n');
});

test('plan show prints a summary per host, then each change with its diff, filtered by host', async () => {
  await ground.exec('web2', ['rm', '-f', '/etc/motd']);
  const planned = await drover('plan', 'site.yml', '-i', 'hosts.ini', '-o', 'show.json');
  assert.equal(planned.code, 0, planned.stderr);
  const shown = await runDrover(['plan', 'show', 'show.json'], { cwd: dir });
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /^plan of site\.yml, made .* files pinned$/m);
  assert.match(shown.stdout, /^web2 +[1-9]\d* to change, 0 failed, \d+ ok, 0 skipped$/m);
  assert.match(shown.stdout, /^== web2\nchange: motd says who manages this host \(site\.yml:\d+:\d+\)\n/m);
  assert.match(shown.stdout, /^\+managed by drover$/m, 'the diff as --diff prints it');
  assert.ok(!shown.stdout.includes(SECRET));
  const onlyWeb1 = await runDrover(['plan', 'show', 'show.json', '--host', 'web1', '--no-diff'], { cwd: dir });
  assert.doesNotMatch(onlyWeb1.stdout, /web2/);
  assert.doesNotMatch(onlyWeb1.stdout, /^\+/m);
});

test('apply refuses, naming the file, when a file the plan was made from changed; it applies from any directory', async () => {
  const inventory = readFileSync(join(dir, 'hosts.ini'), 'utf8');
  writeFileSync(join(dir, 'hosts.ini'), `${inventory}# edited after review\n`);
  const elsewhere = mkdtempSync(join(tmpdir(), 'drover-apply-cwd-'));
  try {
    const apply = () => runDrover(['apply', join(dir, 'show.json'), '--known-hosts', ground.knownHostsFile, '--output', 'plain'], { cwd: elsewhere });
    const refused = await apply();
    assert.equal(refused.code, 3, refused.stderr + refused.stdout);
    assert.match(refused.stderr, /files the plan was made from are not the same now \(nothing was changed\):\n  hosts\.ini: changed\n/);
    assert.notEqual((await ground.exec('web2', ['test', '-e', '/etc/motd'])).rc, 0, 'nothing was applied');

    writeFileSync(join(dir, 'hosts.ini'), inventory);
    const applied = await apply();
    assert.equal(applied.code, 0, applied.stderr + applied.stdout);
    assert.equal(await motd('web2'), 'managed by drover\n');
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
});
