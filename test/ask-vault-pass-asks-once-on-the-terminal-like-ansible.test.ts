// --ask-vault-pass as ansible-playbook asks it: "Vault password: " once on the
// terminal (a pseudo-terminal from util-linux `script`), without echo; the
// answer opens a vars file that the real ansible-vault encrypted, and both
// tools write the same decrypted value. Without a terminal it fails at once,
// naming the file-based alternatives.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { converseOnTerminal, droverArgv, runDrover } from './support/cli.js';

const password = 'vault-pw-typed-7719';
const secret = 'opened-by-the-typed-password-3301';
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drover-ask-vault-pass-'));
  await writeFile(join(dir, 'hosts.ini'), 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
  await writeFile(join(dir, 'secret.yml'), `db_password: ${secret}\n`);
  await writeFile(join(dir, 'pw'), `${password}\n`, { mode: 0o600 });
  await execa('ansible-vault', ['encrypt', '--vault-password-file', join(dir, 'pw'), join(dir, 'secret.yml')], { env: { ANSIBLE_HOME: join(dir, 'ansible-home') } });
  await rm(join(dir, 'pw'));
  await writeFile(join(dir, 'site.yml'), '- hosts: all\n  gather_facts: false\n  vars_files: [secret.yml]\n  tasks:\n    - copy: { content: "{{ db_password }}\\n", dest: "{{ out }}" }\n');
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const env = { ...process.env, DROVER_SSH_CONFIG: 'none', DROVER_ANSIBLE_CONFIG: 'none', NO_COLOR: '1', ANSIBLE_NOCOLOR: '1' };

/** argv on a pseudo-terminal in the test's directory, typing the password at "Vault password: ". */
const onTerminal = (argv: string[]) => converseOnTerminal(argv, [['Vault password: ', password]], { env, cwd: dir });

test('--ask-vault-pass asks "Vault password: " once, without echo, and opens the vault as ansible-playbook does', async () => {
  const ansible = await onTerminal(['ansible-playbook', 'site.yml', '-i', 'hosts.ini', '--ask-vault-pass', '-e', `out=${join(dir, 'ansible.txt')}`]);
  assert.equal(ansible.code, 0, ansible.screen);
  const drover = await onTerminal(droverArgv('run', 'site.yml', '-i', 'hosts.ini', '--ask-vault-pass', '-e', `out=${join(dir, 'drover.txt')}`));
  assert.equal(drover.code, 0, drover.screen);
  for (const { screen } of [ansible, drover]) {
    assert.equal(screen.split('Vault password: ').length, 2, 'asked once');
    assert.doesNotMatch(screen, new RegExp(password), 'not echoed');
  }
  assert.equal(await readFile(join(dir, 'drover.txt'), 'utf8'), `${secret}\n`);
  assert.equal(await readFile(join(dir, 'drover.txt'), 'utf8'), await readFile(join(dir, 'ansible.txt'), 'utf8'));
});

test('--ask-vault-pass without a terminal fails at once, naming the file-based ways', async () => {
  const r = await runDrover(['run', 'site.yml', '-i', 'hosts.ini', '--ask-vault-pass', '-e', 'out=/nonexistent/x'], { cwd: dir });
  assert.equal(r.code, 5, r.stdout + r.stderr);
  assert.match(r.stderr, /--ask-vault-pass asks for a password on the terminal, and this drover has none .*--vault-password-file FILE or --vault-id LABEL@FILE/);
});
