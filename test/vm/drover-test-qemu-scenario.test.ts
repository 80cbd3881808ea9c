// `drover test` with the qemu driver: the example role's `vm` scenario
// converges a real VM (its own kernel, systemd as PID 1), is idempotent,
// verifies, and leaves no QEMU process, ground directory or scenario files.
// Slow by nature (a TCG boot takes 25 to 50 s; the image is built once and cached).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { projectRoot } from '../../runner/paths.js';
import { scenarioAt } from '../../runner/scenario/discover.js';
import type { DriverRegistry } from '../../runner/scenario/drivers.js';
import { runScenario } from '../../runner/scenario/sequence.js';
import type { ScenarioEvent } from '../../runner/scenario/types.js';
import { WORKSPACE_PREFIX } from '../../runner/scenario/workspace.js';
import { defaultRegistry } from '../../modules/registry.js';
import { startVms, type QemuGround } from '../../runner/testground/qemu-hosts.js';

const grounds: QemuGround[] = [];
after(() => Promise.all(grounds.map((g) => g.stop())));
/** The real qemu driver, remembering its ground so the test can check what it left behind. */
const observed: DriverRegistry = new Map([['qemu', { name: 'qemu', start: async (o) => grounds[grounds.push(await startVms(o)) - 1]! }]]);

/** Running, as opposed to gone or dead and waiting for the machine's init to reap it (QEMU daemonizes: init is its parent). */
function running(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}

test('the vm scenario of roles/example_motd passes in a QEMU guest and destroys it', async () => {
  const events: ScenarioEvent[] = [];
  const result = await runScenario(scenarioAt(join(projectRoot(), 'roles/example_motd/tests/vm')), { drivers: observed, registry: defaultRegistry, onEvent: (e) => events.push(e) });
  const failures = events.filter((e) => e.type === 'step.end' && e.status === 'failed');
  assert.deepEqual(failures, []);
  assert.equal(result.exitCode, 0);
  const ends = events.filter((e) => e.type === 'step.end').map((e) => e.type === 'step.end' && `${e.step}:${e.status}`);
  assert.deepEqual(ends, ['syntax:passed', 'create:passed', 'prepare:skipped', 'check:passed', 'converge:passed', 'idempotence:passed', 'side_effect:skipped', 'verify:passed', 'destroy:passed']);
  const [ground] = grounds;
  assert.ok(ground);
  for (const h of ground.hosts) assert.equal(running(h.pid), false, `qemu process ${h.pid} still runs`);
  assert.equal(existsSync(ground.dir), false, 'ground dir left');
  assert.deepEqual(readdirSync(tmpdir()).filter((e) => e.startsWith(`${WORKSPACE_PREFIX}${process.pid}-`)), []);
});
