// Handlers notified in a run that then fails never ran; drover records them
// (PLAYBOOK_DIR/.drover/pending-handlers/) and `--flush-pending-handlers`
// runs them on the next run even though nothing changes any more, then
// clears the record.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { runDrover, recapOf, jsonEvents } from './support/cli.js';

const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - name: Write the config
      copy:
        dest: /etc/drover-pending.conf
        content: "port=8080\\n"
      notify: restart app
    - name: A later task fails
      command: "false"
      when: fail_now | bool
  handlers:
    - name: restart app
      shell: echo restarted >> /var/tmp/restarts
`;

let ground: TestGround;
let dir: string;
before(async () => {
  ground = await startHosts({ count: 1, namePrefix: 'pend' });
  dir = await mkdtemp(join(tmpdir(), 'drover-pending-'));
  await writeFile(join(dir, 'site.yml'), playbook);
  await writeFile(join(dir, 'hosts.ini'), ground.inventoryIni('all'));
});
after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const run = (...extra: string[]) => runDrover(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '--json', ...extra]);
const restarts = async () => (await ground.exec('pend1', ['sh', '-c', 'cat /var/tmp/restarts 2>/dev/null || true'])).stdout;
const records = async () => readdir(join(dir, '.drover', 'pending-handlers')).catch(() => [] as string[]);

test('a failed run records its pending handler; the next run with --flush-pending-handlers runs it once and clears it', async () => {
  const failed = await run('fail_now=true');
  assert.equal(failed.code, 2, failed.stderr);
  assert.equal(recapOf(failed.stdout).pend1!.changed, 1);
  assert.equal(await restarts(), '', 'the handler did not run in the failed run');
  assert.equal((await records()).length, 1, 'the pending handler is recorded');

  const reminded = await run('fail_now=false', '--check');
  assert.ok(jsonEvents(reminded.stdout).some((e) => e.type === 'warning' && /restart app.*--flush-pending-handlers/.test(e.message)), 'a run without the flag says what is pending');
  assert.equal((await records()).length, 1, 'check mode keeps the record');

  const flushed = await run('fail_now=false', '--flush-pending-handlers');
  assert.equal(flushed.code, 0, flushed.stdout.slice(-2000) + flushed.stderr);
  const stats = recapOf(flushed.stdout).pend1!;
  assert.equal(stats.changed, 1, 'the config is unchanged; only the handler ran');
  assert.ok(jsonEvents(flushed.stdout).some((e) => e.type === 'host.task.result' && e.task.name === 'restart app' && e.status === 'changed'));
  assert.equal(await restarts(), 'restarted\n');
  assert.deepEqual(await records(), [], 'the record is cleared once the handler ran');

  const again = await run('fail_now=false', '--flush-pending-handlers');
  assert.equal(again.code, 0);
  assert.equal(recapOf(again.stdout).pend1!.changed, 0, 'nothing pending, nothing changed');
  assert.equal(await restarts(), 'restarted\n');
});
