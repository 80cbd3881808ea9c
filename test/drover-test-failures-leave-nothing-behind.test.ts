// `drover test` as a library on real namespace hosts: a non-idempotent role
// fails at idempotence naming the task and host, a false assert fails at
// verify, an interrupted converge still destroys; a two-host scenario in two
// groups passes. After every run, failed or not, nothing is left: no host
// process, no network namespace, no bridge, no ground or scenario directory.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scenarioAt } from '../runner/scenario/discover.js';
import type { DriverRegistry } from '../runner/scenario/drivers.js';
import { runScenario, type ScenarioResult } from '../runner/scenario/sequence.js';
import type { ScenarioEvent, StepName } from '../runner/scenario/types.js';
import { WORKSPACE_PREFIX } from '../runner/scenario/workspace.js';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { liveNetns } from './support/netns.js';
import { defaultRegistry } from '../modules/registry.js';

const fixtures = fileURLToPath(new URL('./fixtures/scenarios/', import.meta.url));
const started: TestGround[] = [];
after(() => Promise.all(started.map((g) => g.stop())));

/** The real namespace driver, remembering each ground so the test can check what it left behind. */
const observed: DriverRegistry = new Map([['namespace', { name: 'namespace', start: async ({ names }) => started[started.push(await startHosts({ names })) - 1]! }]]);

interface Footprint {
  pids: number[];
  netns: string[];
  bridge: string;
  dir: string;
}

function footprint(g: TestGround): Footprint {
  return { pids: g.hosts.flatMap((h) => [h.pid, h.initPid]), netns: g.hosts.map((h) => readlinkSync(h.netns)), bridge: g.network.bridge, dir: g.dir };
}


function assertNothingLeft(f: Footprint): void {
  for (const pid of f.pids) assert.equal(existsSync(`/proc/${pid}`), false, `host process ${pid} still exists`);
  const live = liveNetns();
  for (const ns of f.netns) assert.equal(live.has(ns), false, `network namespace ${ns} still in use`);
  assert.equal(existsSync(`/sys/class/net/${f.bridge}`), false, `bridge ${f.bridge} still exists`);
  assert.equal(readFileSync('/proc/mounts', 'utf8').includes(f.dir), false, 'a mount of the ground is still listed');
  assert.equal(existsSync(f.dir), false, `ground dir ${f.dir} still exists`);
  const workspaces = readdirSync(tmpdir()).filter((e) => e.startsWith(`${WORKSPACE_PREFIX}${process.pid}-`));
  assert.deepEqual(workspaces, [], 'a scenario workspace is left in the temp dir');
}

interface Run {
  result: ScenarioResult;
  events: ScenarioEvent[];
  end(step: StepName): Extract<ScenarioEvent, { type: 'step.end' }>;
  footprint?: Footprint;
}

/** Runs a scenario, capturing the ground's footprint while its hosts are up. */
async function scenario(dir: string, options: { signal?: AbortSignal; onEvent?: (e: ScenarioEvent) => void } = {}): Promise<Run> {
  const before = started.length;
  const events: ScenarioEvent[] = [];
  let seen: Footprint | undefined;
  const result = await runScenario(scenarioAt(dir), {
    drivers: observed,
    registry: defaultRegistry,
    signal: options.signal,
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'step.end' && e.step === 'create' && e.status === 'passed') seen = footprint(started[before]!);
      options.onEvent?.(e);
    },
  });
  const end = (step: StepName) => {
    const found = events.find((e): e is Extract<ScenarioEvent, { type: 'step.end' }> => e.type === 'step.end' && e.step === step);
    assert.ok(found, `no end event for ${step}`);
    return found;
  };
  return { result, events, end, footprint: seen };
}

describe('drover test scenarios on namespace hosts', () => {
  test('a non-idempotent role fails at idempotence, naming the task and host, and is destroyed', async () => {
    const run = await scenario(join(fixtures, 'roles/motd_stamp/tests/default'));
    assert.equal(run.result.exitCode, 14);
    assert.equal(run.result.failedStep, 'idempotence');
    assert.equal(run.end('converge').status, 'passed');
    const idempotence = run.end('idempotence');
    assert.equal(idempotence.status, 'failed');
    assert.match(idempotence.detail ?? '', /^not idempotent: 1 task changed on the second converge:\n {2}changed: \[stamp1\] motd_stamp : Stamp the time of the last run \(.*roles\/motd_stamp\/tasks\/main\.yml:7\)$/);
    assert.doesNotMatch(idempotence.detail ?? '', /Write the message of the day/, 'an idempotent task was named');
    assert.equal(run.end('verify').status, 'skipped');
    assert.equal(run.end('destroy').status, 'passed');
    assert.ok(run.footprint, 'hosts were created');
    assertNothingLeft(run.footprint);
  });

  test('a false assert fails at verify with its message, and the hosts are destroyed', async () => {
    const run = await scenario(join(fixtures, 'roles/wrong_verify/tests/default'));
    assert.equal(run.result.exitCode, 16);
    assert.equal(run.end('idempotence').status, 'passed');
    const verify = run.end('verify');
    assert.equal(verify.status, 'failed');
    assert.match(verify.detail ?? '', /failed: \[app1\] The application listens on port 9090 \(.*verify\.yml:10\): app\.conf says port=8080, expected port=9090/);
    assert.equal(run.end('destroy').status, 'passed');
    assert.ok(run.footprint);
    assertNothingLeft(run.footprint);
  });

  test('two hosts in two groups reach each other; group and host vars land where scenario.yml puts them', async () => {
    const run = await scenario(join(fixtures, 'roles/peers/tests/default'));
    const failures = run.events.filter((e) => e.type === 'step.end' && e.status === 'failed');
    assert.deepEqual(failures, []);
    assert.equal(run.result.exitCode, 0);
    assert.equal(run.end('create').detail, '2 namespace hosts');
    assert.equal(run.end('idempotence').detail, '0 changed on 2 hosts');
    // The client's keyscan of the server ran (not skipped) in converge: it reached the server by name.
    const scans = run.events.filter((e) => e.type === 'step.engine' && e.step === 'converge' && e.event.type === 'host.task.result' && e.event.task.name.startsWith('Reach the server'));
    assert.deepEqual(scans.map((e) => e.type === 'step.engine' && e.event.type === 'host.task.result' && `${e.event.host}:${e.event.status}`).sort(), ['client:ok', 'server:skipped']);
    assert.equal(run.end('verify').detail, '2 hosts verified');
    assert.ok(run.footprint);
    assertNothingLeft(run.footprint);
  });

  test('Ctrl-C during converge: the step ends, the rest is skipped, the hosts are destroyed, exit 130', async () => {
    const abort = new AbortController();
    const run = await scenario(join(fixtures, 'roles/motd_stamp/tests/default'), {
      signal: abort.signal,
      onEvent: (e) => e.type === 'step.engine' && e.step === 'converge' && e.event.type === 'host.task.start' && abort.abort(),
    });
    assert.equal(run.result.exitCode, 130);
    assert.equal(run.end('idempotence').status, 'skipped');
    assert.equal(run.end('destroy').status, 'passed');
    assert.ok(run.footprint);
    assertNothingLeft(run.footprint);
  });

  test('an invalid scenario.yml fails at syntax with file:line:col, before any host exists', async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'drover-test-syntax-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const dir = join(root, 'roles', 'r', 'tests', 'default');
    mkdirSync(join(root, 'roles', 'r', 'tasks'), { recursive: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(root, 'roles', 'r', 'tasks', 'main.yml'), '- debug: msg=hi\n');
    writeFileSync(join(dir, 'scenario.yml'), 'driver: docker\nhosts:\n  - name: Bad_Name\n    color: blue\n');
    const before = started.length;
    const run = await scenario(dir);
    assert.equal(run.result.exitCode, 10);
    const detail = run.end('syntax').detail ?? '';
    assert.match(detail, /scenario\.yml:3:\d+: hosts\[0\]\.name must match pattern/);
    assert.match(detail, /scenario\.yml:3:\d+: hosts\[0\] must NOT have additional properties 'color'/);
    assert.equal(run.end('create').status, 'skipped');
    assert.equal(started.length, before, 'a host was created for an invalid scenario');
    assert.equal(run.end('destroy').status, 'passed');
    assert.deepEqual(readdirSync(tmpdir()).filter((e) => e.startsWith(`${WORKSPACE_PREFIX}${process.pid}-`)), []);
  });
});
