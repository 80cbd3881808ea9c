// A template file the playbook names literally is parsed when the playbook
// loads: `--syntax-check` reports a Jinja construct drover does not run, an
// unknown tag or an unclosed block at the template's own file:line:col, with
// what to write instead; nothing is rendered wrong, nothing reaches a host.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { renderText, Scope } from '../runner/template/index.js';
import { runDrover, type CliResult } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-jinja-check-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function playbook(name: string, template: string, params = ''): string {
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'templates', `${name}.j2`), template);
  const path = join(dir, `${name}.yml`);
  writeFileSync(path, `- hosts: all\n  gather_facts: false\n  tasks:\n    - template:\n        src: ${name}.j2\n        dest: /tmp/x\n${params}`);
  return path;
}

async function syntaxCheck(path: string): Promise<CliResult> {
  writeFileSync(join(dir, 'hosts.ini'), 'nohost.invalid\n');
  return runDrover(['run', path, '-i', join(dir, 'hosts.ini'), '--syntax-check']);
}

const refused: [name: string, template: string, message: RegExp][] = [
  ['extends', 'line one\nline two\n  {% extends "base.j2" %}\n', /\{% extends %\}: template inheritance is not supported; use \{% include %\} or \{% import %\} with macros in .*extends\.j2:3:6/],
  ['do', '{% do xs.append(1) %}\n', /\{% do %\}: 'do' needs the jinja2\.ext\.do extension.*use \{% set _ = \.\.\. %\} in .*do\.j2:1:4/],
  ['unknown', 'a\n{% frobnicate %}\n', /unknown statement '\{% frobnicate %\}' \(drover and Ansible's Jinja know for, filter, from\) in .*unknown\.j2:2:4/],
  ['unclosed', '{% for x in xs %}\n{{ x }}\n', /'\{% for %\}' is never closed: expected '\{% endfor %\}' in .*unclosed\.j2:1:3/],
  ['stray', 'a\n{% endif %}\n', /unexpected '\{% endif %\}' with no statement open that it belongs to in .*stray\.j2:2:3/],
  ['expression', 'ok\n{{ x | }}\n', /template syntax error: expected a filter name, got end of expression in .*expression\.j2:2:8/],
  ['break', '{% for x in xs %}{% break %}{% endfor %}', /loopcontrols extension, which Ansible does not enable; filter the loop/],
];

for (const [name, template, message] of refused) {
  test(`--syntax-check refuses ${name} at the template's line and column`, async () => {
    const r = await syntaxCheck(playbook(name, template));
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /module 'template', parameter 'src': /);
    assert.match(r.stderr, message);
  });
}

test('the template module\'s delimiters are used for the check', async () => {
  const ok = await syntaxCheck(playbook('delims', '<% if x %>{% not a tag %}<% endif %>\n', "        block_start_string: '<%'\n        block_end_string: '%>'\n"));
  assert.equal(ok.code, 0, ok.stderr);
  const bad = await syntaxCheck(playbook('delims-bad', '<% if x %>\n', "        block_start_string: '<%'\n        block_end_string: '%>'\n"));
  assert.equal(bad.code, 5);
  assert.match(bad.stderr, /'<% if %>'|'\{% if %\}' is never closed/);
});

test('a good template passes the check', async () => {
  const r = await syntaxCheck(playbook('good', '{% for x in xs %}\n{{ x }}\n{% endfor %}\n'));
  assert.equal(r.code, 0, r.stderr);
});

test('rendering names the template line and column of an undefined value', () => {
  assert.throws(() => renderText('a\nb {% if flag %}{{ nope }}{% endif %}\n', Scope.of([{ source: 't', vars: { flag: true } }]), 'motd.j2'), {
    message: "undefined variable 'nope' in motd.j2:2:18",
  });
});
