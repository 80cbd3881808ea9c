// `drover vars` explains where a value comes from; Ctrl-C stops new tasks,
// prints the recap and exits 130.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { runDrover } from './support/cli.js';
import { projectRoot } from '../runner/paths.js';

test('drover vars HOST VAR lists every layer that sets the variable, the winner last', async () => {
  const r = await runDrover(['vars', 'web01', 'http_port', '-i', 'test/fixtures/vars-inventory/hosts.ini', 'level=3']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    'http_port = 8080\n' +
      '   inventory group web (test/fixtures/vars-inventory/hosts.ini:8): 80\n' +
      '   test/fixtures/vars-inventory/group_vars/all.yml: 70\n' +
      '=> test/fixtures/vars-inventory/host_vars/web01.yml: 8080\n',
  );
});

test('drover vars HOST renders variables that refer to others', async () => {
  const r = await runDrover(['vars', 'web02', '-i', 'test/fixtures/vars-inventory/hosts.ini']);
  assert.equal(r.code, 0, r.stderr);
  // Inline [web:vars] rank below group_vars/all.yml in Ansible, so http_port is 70 here.
  assert.match(r.stdout, /^motd: port 70$/m);
});

let ground: TestGround;
let dir: string;
before(async () => {
  ground = await startHosts({ count: 2, namePrefix: 'slow' });
  dir = await mkdtemp(join(tmpdir(), 'drover-sigint-'));
  await writeFile(join(dir, 'hosts.ini'), ground.inventoryIni('all'));
});
after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('Ctrl-C lets running tasks finish, starts no new ones, prints the recap and exits 130', async () => {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx/esm'), 'runner/cli.ts', 'run', 'test/fixtures/reach/slow.yml', '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '--output', 'plain'], { cwd: projectRoot(), env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  // Interrupt once both hosts have started the slow task.
  while (!stdout.includes('PLAY [')) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 800));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 130, stdout);
  assert.match(stdout, /^changed: \[slow1\] => Sleep a little/m);
  assert.doesNotMatch(stdout, /too late|Never reached/);
  assert.match(stdout, /^PLAY RECAP/m);
});
