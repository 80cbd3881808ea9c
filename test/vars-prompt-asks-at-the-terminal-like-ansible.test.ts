// A play's vars_prompt, as ansible-playbook asks it: on a terminal (a
// pseudo-terminal from util-linux `script`), in order, with Ansible's prompt
// texts, echo only when private: false, confirm until both answers match,
// the default for an empty answer, encrypt, unsafe, and -e answering a
// question so it is never asked. drover and the real ansible-playbook get the
// same keystrokes; the file each writes must be byte-identical. Without a
// terminal a question with no default is refused before the run starts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../runner/paths.js';
import { converseOnTerminal, droverArgv, runDrover } from './support/cli.js';

const playbook = join(projectRoot(), 'test', 'fixtures', 'vars-prompt', 'site.yml');
const SECRET = 'vp-secret-never-echoed-5521';
// Prompt seen, keystrokes answered: the confirm question is first answered wrong, then both match.
const DIALOGUE: Array<[string, string]> = [
  ['Your name: ', 'alice'],
  ['secret: ', 'first-try'],
  ['confirm secret: ', 'second-try'],
  ['secret: ', SECRET],
  ['confirm secret: ', SECRET],
  ['Value for B [B-d]: ', ''],
  ['Password to hash: ', 'pw'],
  ['Kept as typed: ', '{{ base }}'],
  ['Rendered when used: ', '{{ base }}'],
];
let dir: string;
let inventory: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drover-vars-prompt-'));
  inventory = join(dir, 'hosts.ini');
  await writeFile(inventory, 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const env = { ...process.env, DROVER_SSH_CONFIG: 'none', DROVER_ANSIBLE_CONFIG: 'none', NO_COLOR: '1', ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'false' };

/** argv on a pseudo-terminal, answering every prompt of DIALOGUE in order. */
async function converse(argv: string[]): Promise<{ code: number | null; screen: string }> {
  const { code, screen, answered } = await converseOnTerminal(argv, DIALOGUE, { env });
  assert.equal(answered, DIALOGUE.length, `every prompt was asked, in order; the screen:\n${screen}`);
  return { code, screen };
}

test('vars_prompt asks what ansible-playbook asks, and the answers end up the same', async () => {
  const ansibleOut = join(dir, 'ansible.txt');
  const droverOut = join(dir, 'drover.txt');
  const ansible = await converse(['ansible-playbook', playbook, '-i', inventory, '-e', `out=${ansibleOut}`, '-e', 'given=from-e']);
  assert.equal(ansible.code, 0, ansible.screen);
  const drover = await converse(droverArgv('run', playbook, '-i', inventory, '-e', `out=${droverOut}`, '-e', 'given=from-e'));
  assert.equal(drover.code, 0, drover.screen);

  const want = await readFile(ansibleOut, 'utf8');
  assert.equal(want, `alice|${SECRET}|B-d|$6$abcdefgh$KQeXafAQAaOoKTevphVU215RvJdgzyfASRasIOuh12hO8u0r1bGW92ZnTmC9IjsiQ8VPiTXBiZF49dFL1U4wX/|{{ base }}|B|from-e\n`);
  assert.equal(await readFile(droverOut, 'utf8'), want);
  for (const { screen } of [ansible, drover]) {
    assert.match(screen, /\*\*\*\*\* VALUES ENTERED DO NOT MATCH \*\*\*\*/);
    assert.match(screen, /Your name: alice\n/, 'private: false echoes');
    assert.doesNotMatch(screen, new RegExp(SECRET), 'a private answer is not echoed');
    assert.doesNotMatch(screen, /Never asked/, 'a variable given with -e is not asked');
  }
});

test('without a terminal a question with no default is refused before the run, naming -e; with -e it runs', async () => {
  const out = join(dir, 'no-tty.txt');
  const refused = await runDrover(['run', playbook, '-i', inventory, '-e', `out=${out}`]);
  assert.equal(refused.code, 5);
  assert.match(refused.stderr, /site\.yml:8:7: play 'all': vars_prompt 'user_name' has no default and drover has no terminal to ask on \(stdin is not a terminal\): give it with -e user_name=VALUE/);
  assert.match(refused.stderr, /vars_prompt 'given' has no default/);
  assert.doesNotMatch(refused.stderr, /with_default/, 'a question with a default can be left unasked');

  const answers = ['user_name=u', 'secret=s', 'hashed=h', 'raw_value=r', 'templated=t', 'given=g'].flatMap((a) => ['-e', a]);
  const ran = await runDrover(['run', playbook, '-i', inventory, '-e', `out=${out}`, ...answers]);
  assert.equal(ran.code, 0, ran.stdout + ran.stderr);
  // As Ansible without a terminal: a warning, and the default.
  assert.match(ran.stderr + ran.stdout, /Not prompting as we are not in interactive mode/);
  assert.equal(await readFile(out, 'utf8'), 'u|s|B-d|h|r|t|g\n');
});

test('vars_prompt entries are checked at load time with Ansible\'s messages', async () => {
  const bad = join(dir, 'bad.yml');
  await writeFile(bad, '- hosts: all\n  vars_prompt:\n    - prompt: no name\n    - name: x\n      colour: red\n    - name: y\n      encrypt: bcrypt\n  tasks: []\n');
  const r = await runDrover(['run', bad, '-i', inventory, '--syntax-check']);
  assert.equal(r.code, 5);
  assert.match(r.stderr, /bad\.yml:3:7: Invalid vars_prompt data structure, missing 'name' key/);
  assert.match(r.stderr, /bad\.yml:5:7: Invalid vars_prompt data structure, found unsupported key 'colour'/);
  assert.match(r.stderr, /bad\.yml:7:7: vars_prompt 'y': encrypt "bcrypt" is not supported: drover hashes with sha512_crypt, sha256_crypt, md5_crypt/);
});
