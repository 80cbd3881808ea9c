// become's password dialog runs through the host's long-lived shell: after a
// right, a wrong or a missing password, and after a switch that fails at once
// (no such user), the next command on the same connection runs in the same
// shell with clean output, so no answer of the dialog was left over for the
// shell to read as a command, and no login shell was started for any of it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SshConnection } from '../runner/connection/ssh.js';
import { escalate, execEscalated } from '../runner/host/become.js';
import { ModuleFailure } from '../runner/module-api.js';
import { sh } from '../runner/quote.js';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { addSudoUser } from './support/sudo-user.js';

const user = { name: 'deploy', password: 'dialog-pw-4417', rootPassword: 'dialog-root-pw-9902' };
const LOGINS = '/var/tmp/login-shells';
let ground: TestGround;
let ssh: SshConnection;

before(async () => {
  ground = await startHosts({ names: ['dialog1'] });
  await addSudoUser(ground, 'dialog1', user);
  // A login shell that says when it starts: bash, whose ~/.bashrc sshd has it read.
  const r = await ground.exec('dialog1', ['sh', '-c', `usermod -s /bin/bash "$1" && echo "echo >> ${LOGINS}" > "/home/$1/.bashrc" && touch ${LOGINS} && chmod 0666 ${LOGINS}`, 'sh', user.name]);
  assert.equal(r.rc, 0, r.stderr);
  ssh = new SshConnection(ground.target('dialog1', { user: user.name }));
  await ssh.connect();
});

after(async () => {
  await ssh?.close();
  await ground?.stop();
});

const asRoot = (password: string | undefined, method: 'sudo' | 'su' = 'sudo', become = 'root') =>
  escalate(sh`id -un; cat`, { become: true, method, user: become, ...(password === undefined ? {} : { password }) }, user.name)!;

async function next(): Promise<void> {
  assert.deepEqual(await ssh.exec('echo next'), { rc: 0, stdout: 'next\n', stderr: '' });
}

test('a right password is answered, the upload follows, and the shell goes on clean', async () => {
  const parent = (await ssh.exec('echo $PPID')).stdout;
  for (const [password, method] of [[user.password, 'sudo'], [user.rootPassword, 'su']] as const) {
    const r = await execEscalated(ssh, asRoot(password, method), { stdin: 'uploaded\n' });
    assert.deepEqual(r, { rc: 0, stdout: 'root\nuploaded\n', stderr: '' }, method);
    await next();
  }
  assert.equal((await ssh.exec('echo $PPID')).stdout, parent, 'the same long-lived shell throughout');
});

test('a wrong or missing password fails in Ansible\'s words, and the shell goes on clean', async () => {
  await assert.rejects(execEscalated(ssh, asRoot('not-the-password'), { stdin: 'never sent\n' }), (e: Error) => e instanceof ModuleFailure && /^Incorrect sudo password/.test(e.message));
  await next();
  await assert.rejects(execEscalated(ssh, asRoot(undefined, 'su'), { stdin: 'never sent\n' }), (e: Error) => e instanceof ModuleFailure && /^Missing su password/.test(e.message));
  await next();
});

test('a switch that fails at once, before any prompt, ends with its own words, and the shell goes on clean', async () => {
  const r = await execEscalated(ssh, asRoot(user.password, 'sudo', 'no-such-user'), { stdin: 'never sent\n' });
  assert.notEqual(r.rc, 0);
  assert.match(r.stderr, /no-such-user/);
  await next();
});

test('none of it started a login shell: the one of the long-lived shell only', async () => {
  const r = await ground.exec('dialog1', ['sh', '-c', `wc -l < ${LOGINS}`]);
  assert.equal(r.stdout.trim(), '1');
});
