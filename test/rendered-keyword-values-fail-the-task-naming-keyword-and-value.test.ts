// A keyword whose rendered value is wrong (retries "three", timeout "soon",
// delay -1, loop not a list, become "maybe", when/until on an undefined
// variable, no_log "maybe") fails that task on that host with a message naming
// the keyword, the value and where the task is written: never a hang, NaN or
// a crash. (Written without a template, the same values are refused at load
// time: test/fixtures/invalid/playbook/keyword-literals-are-checked-at-load.yml.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import type { TaskResultEvent } from '../runner/engine/events.js';
import { jsonEvents, runDrover } from './support/cli.js';

let ground: TestGround;
let dir: string;
before(async () => {
  ground = await startHosts({ count: 1, namePrefix: 'badkw' });
  dir = await mkdtemp(join(tmpdir(), 'drover-bad-keywords-'));
  await writeFile(join(dir, 'hosts.ini'), ground.inventoryIni('all'));
});
after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const run = (playbook: string) =>
  runDrover(['run', `test/fixtures/keywords/${playbook}`, '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '--json'], { timeoutMs: 90_000 });

test('each bad rendered keyword value fails its task, naming the keyword, the value and the task', async () => {
  const r = await run('bad-rendered-values.yml');
  assert.equal(r.code, 0, `every failure is ignored, so the run succeeds:\n${r.stdout.slice(-3000)}${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  const results = new Map(
    jsonEvents(r.stdout)
      .filter((e): e is TaskResultEvent => e.type === 'host.task.result' && e.item === undefined)
      .map((e) => [e.task.name, e]),
  );
  const expected: Record<string, RegExp[]> = {
    retries: [/keyword 'retries' must be a whole number, got "three" \(from "\{\{ r \}\}"\)/],
    timeout: [/keyword 'timeout' must be a whole number, got "soon"/],
    delay: [/keyword 'delay' must be >= 0, got -1/],
    loop: [/keyword 'loop' must be a list, got "notalist"/],
    become: [/keyword 'become' must be a boolean .*, got "maybe"/],
    when: [/undefined_flag/],
    until: [/undefined_until_flag/],
    no_log: [/keyword 'no_log' must be a boolean .*, got "maybe"/],
    'two at once': [/keyword 'retries' must be a whole number, got "three"/, /keyword 'timeout' must be a whole number, got "soon"/],
  };
  for (const [name, patterns] of Object.entries(expected)) {
    const result = results.get(name);
    assert.equal(result?.status, 'failed', `${name}: ${JSON.stringify(result)}`);
    assert.equal(result.ignored, true, name);
    for (const pattern of patterns) assert.match(result.message ?? '', pattern, name);
    assert.doesNotMatch(result.message ?? '', /NaN/, name);
    if (!['when', 'until'].includes(name)) assert.match(result.message ?? '', /bad-rendered-values\.yml:\d+:\d+/, `${name} says where the task is`);
  }
  for (const name of ['good values still work', 'literal values Ansible accepts']) assert.equal(results.get(name)?.status, 'changed', JSON.stringify(results.get(name)));
  // The bad timeout and retries did not run anything: no task lasted the 30 s sleep, none retried without end.
  for (const name of ['timeout', 'retries', 'two at once']) {
    const took = results.get(name)?.durationMs ?? Infinity;
    assert.ok(took < 30_000, `${name} took ${took} ms`);
  }
});
