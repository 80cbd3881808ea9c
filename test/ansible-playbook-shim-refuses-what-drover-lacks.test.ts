// The ansible-playbook shim that runs a target's runme.sh with drover passes
// on only what drover implements: an unknown flag or an ANSIBLE_* setting
// that drover's config layer does not read ends the run with exit 5 naming
// it, before drover runs anything; a setting drover reads is drover's to
// apply, or to refuse by name.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CLEAN_ENV } from '../runner/testground/run-command.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-shim-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const shim = join(import.meta.dirname, 'support', 'ansible-playbook-shim.ts');

function shimRun(args: string[], env: Record<string, string> = {}): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', shim, ...args], { env: { ...CLEAN_ENV, DROVER_SHIM_LOG_DIR: join(dir, 'runs'), ...env }, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

test('an unknown flag is refused, naming it', () => {
  const r = shimRun(['-M', 'library', 'site.yml']);
  assert.equal(r.status, 5);
  assert.match(r.stderr, /flag '-M'.*refused rather than run differently/);
});

test('an ANSIBLE_* setting drover does not read is refused', () => {
  const r = shimRun(['site.yml'], { ANSIBLE_ERROR_ON_MISSING_HANDLER: 'false' });
  assert.equal(r.status, 5);
  assert.match(r.stderr, /setting ANSIBLE_ERROR_ON_MISSING_HANDLER=false/);
});

test('a setting drover reads reaches drover, which refuses by name a value it lacks (jinja2_native = True)', () => {
  writeFileSync(join(dir, 'native.yml'), '- hosts: localhost\n  gather_facts: false\n  tasks: []\n');
  const r = shimRun(['-i', 'localhost,', '-c', 'local', join(dir, 'native.yml')], { ANSIBLE_JINJA2_NATIVE: '1' });
  assert.equal(r.status, 5);
  assert.doesNotMatch(r.stderr, /drover shim/);
  assert.match(r.stderr, /jinja2_native = True \(env: ANSIBLE_JINJA2_NATIVE\)/);
});

test('known flags reach drover, which runs the playbook', () => {
  writeFileSync(join(dir, 'site.yml'), '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug:\n        msg: "{{ word }}"\n');
  const r = shimRun([join(dir, 'site.yml'), '--syntax-check', '-e', 'word=hi']);
  assert.equal(r.status, 0, r.stderr);
});
