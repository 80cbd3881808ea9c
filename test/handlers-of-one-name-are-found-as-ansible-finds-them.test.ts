// Which handler a notified name reaches when several handlers share it, as
// ansible-playbook 2.14 finds it: handler blocks are searched last to first
// and each block first to last, so in one handlers list the first of a name
// wins, a play's own handlers win over its roles', and a written `block:` is a
// block of its own; handlers an import_tasks brings in join the list they are
// read into. Both tools run test/fixtures/handler-blocks/site.yml; the handlers
// that ran, in order, must be the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../runner/paths.js';
import { runDrover } from './support/cli.js';

const fixture = join(projectRoot(), 'test', 'fixtures', 'handler-blocks');
const messages = (stdout: string) => [...stdout.matchAll(/"msg": "(.*)"/g)].map((m) => m[1]);

test('a notified name reaches the handler ansible-playbook runs for it', async () => {
  const args = [join(fixture, 'site.yml'), '-i', 'localhost,', '-c', 'local'];
  const ansible = await execa('ansible-playbook', args, { cwd: fixture, env: { ANSIBLE_NOCOLOR: '1', ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3' }, reject: false, stdin: 'ignore' });
  assert.equal(ansible.exitCode, 0, ansible.stdout + ansible.stderr);
  const ran = messages(ansible.stdout);
  assert.deepEqual(ran, ['play-first', 'rt', 'role-first', 'rt', 'play-after-block', 'imported-first', 'play-before-import']);
  const drover = await runDrover(['run', ...args, '--output', 'ansible'], { cwd: fixture });
  assert.equal(drover.code, 0, drover.stdout + drover.stderr);
  assert.deepEqual(messages(drover.stdout), ran);
});
