// -b/--become-user/--become-method and the password flags as ansible-playbook
// has them: -K asks once on the terminal without echo (here a pseudo-terminal
// from util-linux `script`) and sudo gets the answer; without a terminal -K
// fails at once naming --become-password-file; the file form works; a method
// drover lacks is refused before any host is contacted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { projectRoot } from '../runner/paths.js';
import { converseOnTerminal, droverArgv, jsonEvents, runDrover } from './support/cli.js';
import { addSudoUser } from './support/sudo-user.js';

const user = { name: 'deploy', password: 'flag-pw-never-shown-3307', rootPassword: 'root-pw-unused-1187' };
let ground: TestGround;
let dir: string;
let inventory: string;
const playbook = join(projectRoot(), 'test', 'fixtures', 'become', 'flags.yml');
before(async () => {
  ground = await startHosts({ count: 1, namePrefix: 'bfl' });
  await addSudoUser(ground, ground.hosts[0]!.name, user);
  dir = await mkdtemp(join(tmpdir(), 'drover-become-flags-'));
  inventory = join(dir, 'hosts.ini');
  await writeFile(inventory, ground.inventoryIni('all').replace(/ansible_user=root/g, `ansible_user=${user.name}`));
  await writeFile(join(dir, 'password'), `${user.password}\n`, { mode: 0o600 });
});
after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const who = (stdout: string) => (jsonEvents(stdout).find((e) => e.type === 'host.task.result' && e.task.name === 'who') as { result?: { stdout?: string } } | undefined)?.result?.stdout;
const drover = droverArgv();
const env = { ...process.env, DROVER_SSH_CONFIG: 'none', DROVER_ANSIBLE_CONFIG: 'none', NO_COLOR: '1' };

test('-b --become-user root -K asks "BECOME password: " once on the terminal, without echo, and sudo gets the answer', async () => {
  const args = [...drover, 'run', playbook, '-i', inventory, '-b', '--become-user', 'root', '-K', '--json'];
  const { code, screen } = await converseOnTerminal(args, [['BECOME password: ', user.password]], { env });
  assert.equal(code, 0, screen);
  assert.equal(screen.split('BECOME password: ').length, 2, 'asked once');
  assert.doesNotMatch(screen, new RegExp(user.password), 'not echoed, not printed');
  assert.equal(who(screen), 'root');
});

test('-K without a terminal fails at once, naming --become-password-file; the password file works', async () => {
  const child = spawn(drover[0]!, [...drover.slice(1), 'run', playbook, '-i', inventory, '-b', '-K'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 5, stderr);
  assert.match(stderr, /-K\/--ask-become-pass asks for a password on the terminal, and this drover has none .*--become-password-file FILE/);
  const r = await runDrover(['run', playbook, '-i', inventory, '--become', '--become-password-file', join(dir, 'password'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(who(r.stdout), 'root');
  assert.doesNotMatch(r.stdout + r.stderr, new RegExp(user.password));
  const both = await runDrover(['run', playbook, '-i', inventory, '-K', '--become-password-file', join(dir, 'password')]);
  assert.equal(both.code, 5);
  assert.match(both.stderr, /mutually exclusive/);
});

test('--become-method other than sudo or su is refused before any host is contacted', async () => {
  const r = await runDrover(['run', playbook, '-i', inventory, '-b', '--become-method', 'doas']);
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /--become-method doas is not supported: drover becomes with sudo or su/);
});
