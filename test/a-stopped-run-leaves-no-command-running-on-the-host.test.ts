// Stopping a run at once (SIGTERM, SIGHUP, a second Ctrl-C) kills the command
// running on the host, with everything it started (its session, as the
// timeout path does), before drover exits. Before, closing the connection
// ended the remote shell and left the command running forever.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { projectRoot } from '../runner/paths.js';
import { countInPidNamespaceOf, untilRunning } from './support/processes.js';

let ground: TestGround;
let dir: string;

before(async () => {
  ground = await startHosts({ count: 1, namePrefix: 'stop' });
  dir = await mkdtemp(join(tmpdir(), 'drover-stop-'));
  await writeFile(join(dir, 'hosts.ini'), ground.inventoryIni('all'));
  // A pipeline under sh: the sleep is a grandchild of the shell the task runs in.
  await writeFile(join(dir, 'site.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: Sleep long\n      shell: "sleep {{ nap }} | cat"\n');
});
after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sleepersOnHost = (nap: number) => countInPidNamespaceOf(ground.hosts[0]!.initPid, `sleep ${nap}`);

for (const [index, signals] of ([['SIGTERM'], ['SIGHUP'], ['SIGINT', 'SIGINT']] as NodeJS.Signals[][]).entries()) {
  test(`after ${signals.join(' + ')} no command of the run is left on the host`, async () => {
    const nap = 3000 + index;
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx/esm'), 'runner/cli.ts', 'run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '--output', 'plain', '-e', `nap=${nap}`], { cwd: projectRoot() });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await untilRunning(child, `sleep ${nap}`, async () => (await sleepersOnHost(nap)) > 0);
    for (const signal of signals) {
      child.kill(signal);
      await new Promise((r) => setTimeout(r, 200));
    }
    const code = await closed;
    assert.notEqual(code, 0);
    assert.equal(await sleepersOnHost(nap), 0, 'the sleep was killed on the host before drover exited');
  });
}
