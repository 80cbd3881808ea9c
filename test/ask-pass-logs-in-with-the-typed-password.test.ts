// -k/--ask-pass as ansible-playbook has it: "SSH password: " asked once on the
// terminal (a pseudo-terminal from util-linux `script`), without echo, and the
// answer logs in a user whose only way in is a password; the password is in no
// output. Without a terminal -k fails at once, naming --connection-password-file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { PASSWORD_LOGIN_USER } from '../runner/testground/host-init.js';
import { converseOnTerminal, droverArgv, jsonEvents, runDrover } from './support/cli.js';

const password = 'ssh-pw-typed-never-shown-6620';
let ground: TestGround;
let dir: string;
let inventory: string;
before(async () => {
  ground = await startHosts({ count: 1, namePrefix: 'askp' });
  const host = ground.hosts[0]!.name;
  const made = await ground.exec(host, ['sh', '-c', 'useradd -m -s /bin/sh "$1" && printf "%s:%s\\n" "$1" "$2" | chpasswd', 'sh', PASSWORD_LOGIN_USER, password]);
  assert.equal(made.rc, 0, made.stderr);
  dir = await mkdtemp(join(tmpdir(), 'drover-ask-pass-'));
  inventory = join(dir, 'hosts.ini');
  // No key for this user: the typed password is the only way in.
  await writeFile(inventory, ground.inventoryIni('all').replace(/ansible_user=root/g, `ansible_user=${PASSWORD_LOGIN_USER}`).replace(/\s*ansible_ssh_private_key_file=\S+/g, ''));
  await writeFile(join(dir, 'site.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: who\n      command: id -un\n');
});
after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const env = { ...process.env, DROVER_SSH_CONFIG: 'none', DROVER_ANSIBLE_CONFIG: 'none', NO_COLOR: '1' };

test('-k asks "SSH password: " once on the terminal, without echo, and the answer logs in', async () => {
  const args = droverArgv('run', join(dir, 'site.yml'), '-i', inventory, '--known-hosts', ground.knownHostsFile, '-k', '--json');
  const { code, screen } = await converseOnTerminal(args, [['SSH password: ', password]], { env });
  assert.equal(code, 0, screen);
  assert.equal(screen.split('SSH password: ').length, 2, 'asked once');
  assert.doesNotMatch(screen, new RegExp(password), 'not echoed, not printed');
  const who = jsonEvents(screen).find((e) => e.type === 'host.task.result' && e.task.name === 'who') as { result?: { stdout?: string } } | undefined;
  assert.equal(who?.result?.stdout, PASSWORD_LOGIN_USER);
});

test('-k without a terminal fails at once, naming --connection-password-file', async () => {
  const r = await runDrover(['run', join(dir, 'site.yml'), '-i', inventory, '--known-hosts', ground.knownHostsFile, '-k']);
  assert.equal(r.code, 5, r.stdout + r.stderr);
  assert.match(r.stderr, /-k\/--ask-pass asks for a password on the terminal, and this drover has none .*--connection-password-file FILE/);
});
