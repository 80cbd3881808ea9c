// template on a real (namespace) host over drover's ssh connection, with the
// real renderer (runner/template): rendered on the controller, installed like
// copy (sha256 compare, atomic write, validate, backup, mode/owner/group).
// Each case runs once under --check on a fresh state (the diff carries exactly
// the rendered content, the host is untouched), then twice for real: the
// second run must find nothing to do.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import template from '../modules/template.js';
import type { HostHandle } from '../runner/host/handle.js';
import { templateLoader } from '../runner/engine/template-loader.js';
import { renderText } from '../runner/template/render.js';
import { MISSING } from '../runner/template/values.js';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { connectModuleHost, stopModuleHost } from './support/module-host.js';
import { hostFiles } from './support/host-files.js';
import { runModule, type HarnessOptions } from './support/module-harness.js';

const NAME = 'templatehost';
let ground: TestGround;
let host: HostHandle;
/** The controller's template directory (the harness reads src from it). */
let templates: string;

before(async () => {
  templates = mkdtempSync(join(tmpdir(), 'drover-template-test-'));
  ground = await startHosts({ names: [NAME] });
  host = await connectModuleHost(ground, NAME);
});
after(async () => {
  await stopModuleHost(ground);
  rmSync(templates, { recursive: true, force: true });
});

const VARS: Record<string, unknown> = {
  port: 8080,
  name: 'web',
  hosts: ['a', 'b'],
  hostile: `$(touch canary) \`touch canary\`; 'q' "dq" \\ -n żółw`,
};

/** Render with drover's real template engine and these variables (strict: a missing one is an error). */
function options(vars: Record<string, unknown> = VARS): HarnessOptions {
  return {
    filesDir: templates,
    renderTemplate: (text, name, syntax) => renderText(text, { resolve: (n) => (n in vars ? vars[n] : MISSING) }, name, { syntax, loader: templateLoader([templates]) }),
  };
}

function writeTemplate(name: string, text: string | Buffer, mode = 0o644): string {
  writeFileSync(join(templates, name), text);
  chmodSync(join(templates, name), mode);
  return name;
}

const { inHost, content, snapshot } = hostFiles(NAME, () => ground);

let dirs = 0;
async function fresh(setup = '', name = ''): Promise<string> {
  const dir = `/srv/template-test/${++dirs}${name ? `/${name}` : ''}`;
  await inHost(`mkdir -p -- "$1" && cd "$1" && ${setup || 'true'}`, [dir]);
  return dir;
}

interface Case {
  name: string;
  /** Template file name and text on the controller. */
  template: [string, string];
  /** Shell run in the case's fresh directory first. */
  setup?: string;
  /** dest relative to the case's directory. */
  dest: string;
  params?: Record<string, unknown>;
  /** The file the content lands in, relative to the directory (default: dest). */
  file?: string;
  before?: string | null;
  after: string;
  changed: boolean;
  /** `stat -c '%a %U %G'` of the file afterwards. */
  attrs?: string;
}

const CASES: Case[] = [
  { name: 'creates the file from variables', template: ['a.conf.j2', 'port={{ port }}\nname={{ name }}\nhosts={{ hosts | join(",") }}\n'], dest: 'a.conf', after: 'port=8080\nname=web\nhosts=a,b\n', changed: true, attrs: '644 root root' },
  { name: 'replaces different content', template: ['b.j2', 'port={{ port }}\n'], setup: 'printf "port=80\\n" > b.conf', dest: 'b.conf', before: 'port=80\n', after: 'port=8080\n', changed: true },
  { name: 'same content: ok', template: ['c.j2', 'port={{ port }}\n'], setup: 'printf "port=8080\\n" > c.conf', dest: 'c.conf', before: 'port=8080\n', after: 'port=8080\n', changed: false },
  { name: 'force=false leaves an existing file alone', template: ['d.j2', 'new\n'], setup: 'printf "old\\n" > d.conf', dest: 'd.conf', params: { force: false }, before: 'old\n', after: 'old\n', changed: false },
  { name: 'dest ending in / gets the template name', template: ['e.conf.j2', 'x={{ name }}\n'], setup: 'mkdir sub', dest: 'sub/', file: 'sub/e.conf.j2', after: 'x=web\n', changed: true },
  { name: 'dest naming a directory gets the template name', template: ['f.conf.j2', 'x\n'], setup: 'mkdir sub', dest: 'sub', file: 'sub/f.conf.j2', after: 'x\n', changed: true },
  { name: 'mode, owner and group', template: ['g.j2', 'x\n'], dest: 'g.conf', params: { mode: '0640', owner: 'nobody', group: 'nogroup' }, after: 'x\n', changed: true, attrs: '640 nobody nogroup' },
  { name: 'only the mode differs', template: ['h.j2', 'x\n'], setup: 'printf "x\\n" > h.conf', dest: 'h.conf', params: { mode: 'u=rw,g=,o=' }, before: 'x\n', after: 'x\n', changed: true, attrs: '600 root root' },
  { name: 'newline_sequence \\r\\n', template: ['i.j2', 'a\nb={{ name }}\n'], dest: 'i.conf', params: { newline_sequence: '\\r\\n' }, after: 'a\r\nb=web\r\n', changed: true },
  { name: 'a hostile value is written as text', template: ['j.j2', 'v={{ hostile }}\n'], dest: 'j.conf', after: `v=${VARS.hostile}\n`, changed: true },
  { name: 'follow writes through a symlink', template: ['k.j2', 'k\n'], setup: 'printf "old\\n" > real; ln -s real link', dest: 'link', params: { follow: true }, file: 'real', before: 'old\n', after: 'k\n', changed: true },
  // Jinja statements and the module's Jinja options, each checked against ansible-core 2.14's output.
  { name: 'Jinja statements with Ansible defaults (trim_blocks on)', template: ['s.j2', '{% for h in hosts %}\n{% if not loop.first %}\n---\n{% endif %}\n{{ loop.index }}={{ h }}\n{% endfor %}\n'], dest: 's.conf', after: '1=a\n---\n2=b\n', changed: true },
  { name: 'trim_blocks: false keeps the newline after a block tag', template: ['t.j2', '{% if port %}\nport\n{% endif %}\n'], dest: 't.conf', params: { trim_blocks: false }, after: '\nport\n', changed: true },
  { name: 'lstrip_blocks: true strips the indent before a block tag', template: ['u.j2', '  {% if port %}\n  x\n  {% endif %}\n'], dest: 'u.conf', params: { lstrip_blocks: true }, after: '  x\n', changed: true },
  { name: 'custom delimiters', template: ['w.j2', '<% if port %>[[ name ]] {{ literal }} {% raw %}<# c #>\n<% endif %>'], dest: 'w.conf', params: { variable_start_string: '[[', variable_end_string: ']]', block_start_string: '<%', block_end_string: '%>', comment_start_string: '<#', comment_end_string: '#>' }, after: 'web {{ literal }} {% raw %}', changed: true },
  { name: 'output_encoding latin-1', template: ['x.j2', 'caf\u00e9\n'], dest: 'x.conf', params: { output_encoding: 'latin-1' }, after: 'caf\ufffd\n', changed: true },
  { name: 'include from the template search path', template: ['y.j2', 'top\n{% include "y-part.j2" %}\nend\n'], setup: '', dest: 'y.conf', after: 'top\npart webend\n', changed: true },
];

describe('template: renders and installs, idempotent, check mode changes nothing', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      writeTemplate('y-part.j2', 'part {{ name }}\n');
      writeTemplate(c.template[0], c.template[1]);
      const check = await fresh(c.setup);
      const before = await snapshot(check);
      const planned = await runModule(host, template, { src: c.template[0], ...c.params, dest: `${check}/${c.dest}` }, { ...options(), check: true });
      assert.equal(planned.changed, c.changed, planned.changes.join('; '));
      const contentChanges = c.after !== (c.before ?? null);
      assert.deepEqual(planned.diff, contentChanges ? [{ label: `${check}/${c.file ?? c.dest}`.replace(/\/+/g, '/'), before: c.before ?? '', after: c.after }] : []);
      assert.equal(await snapshot(check), before, 'check mode changed the host');

      const dir = await fresh(c.setup);
      const params = { src: c.template[0], ...c.params, dest: `${dir}/${c.dest}` };
      const first = await runModule(host, template, params, options());
      assert.equal(first.changed, c.changed);
      const path = `${dir}/${c.file ?? c.dest}`;
      assert.equal(await content(path), c.after);
      if (c.attrs) assert.equal(await inHost("stat -c '%a %U %G' -- \"$1\"", [path]), `${c.attrs}\n`);
      const second = await runModule(host, template, params, options());
      assert.equal(second.changed, false, second.changes.join('; '));
      assert.deepEqual(second.changes, []);
    });
  }
});

describe('template: refusals, backup, validate, hostile values', () => {
  test('a missing variable fails in plan: nothing is written', async () => {
    writeTemplate('m.j2', 'x={{ nope }}\n');
    const dir = await fresh();
    await assert.rejects(runModule(host, template, { src: 'm.j2', dest: `${dir}/m.conf` }, options()), /undefined variable 'nope'/);
    assert.equal(await inHost('ls -A "$1"', [dir]), '');
  });

  test('a template that is not UTF-8 is refused', async () => {
    writeTemplate('latin1.j2', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const dir = await fresh();
    await assert.rejects(runModule(host, template, { src: 'latin1.j2', dest: `${dir}/x` }, options()), /Template source files must be utf-8 encoded/);
  });

  test("a dest starting with '~/' lands in the login user's home, as in Ansible", async () => {
    writeTemplate('home.j2', 'h={{ name }}\n');
    const params = { src: 'home.j2', dest: '~/drover-template-home.conf' };
    assert.equal((await runModule(host, template, params, options())).changed, true);
    assert.equal(await content('/root/drover-template-home.conf'), 'h=web\n');
    assert.equal((await runModule(host, template, params, options())).changed, false);
  });

  test("mode: preserve takes the template file's mode", async () => {
    writeTemplate('p.j2', 'x\n', 0o750);
    const dir = await fresh();
    const params = { src: 'p.j2', dest: `${dir}/p`, mode: 'preserve' };
    assert.equal((await runModule(host, template, params, options())).changed, true);
    assert.equal(await inHost('stat -c %a -- "$1"', [`${dir}/p`]), '750\n');
    assert.equal((await runModule(host, template, params, options())).changed, false);
  });

  test('a symlink at dest without follow is replaced by a file, the target kept (as Ansible, whose template installs with copy)', async () => {
    writeTemplate('l.j2', 'x\n');
    const dir = await fresh('printf "old\\n" > real; ln -s real link');
    const r = await runModule(host, template, { src: 'l.j2', dest: `${dir}/link` }, options());
    assert.deepEqual([r.changed, r.changes], [true, [`replace symlink ${dir}/link with a file`]]);
    assert.equal(await inHost('stat -c %F -- "$1"; cat -- "$1" "$2"', [`${dir}/link`, `${dir}/real`]), 'regular file\nx\nold\n');
    assert.equal((await runModule(host, template, { src: 'l.j2', dest: `${dir}/link` }, options())).changed, false);
  });

  test('backup keeps the previous content; validate refuses bad content and keeps the old file', async () => {
    const dir = await fresh('printf "old\\n" > v.conf', `it's "q" $(touch canary) \`touch canary\`; x\nżółw -n`);
    const dest = `${dir}/v.conf`;
    writeTemplate('v.j2', 'bad\n');
    await assert.rejects(runModule(host, template, { src: 'v.j2', dest, validate: 'grep -q ^good %s' }, options()), /failed to validate/);
    assert.equal(await content(dest), 'old\n');
    assert.equal(await inHost('ls -A "$1"', [dir]), 'v.conf\n');
    writeTemplate('v.j2', 'good {{ hostile }}\n');
    const result = await runModule(host, template, { src: 'v.j2', dest, validate: 'grep -q ^good %s', backup: true }, options());
    assert.equal(await content(dest), `good ${VARS.hostile}\n`);
    assert.equal(await content(result.result.backup_file as string), 'old\n');
    assert.equal(await inHost('for d in / /root /tmp "$1"; do [ -e "$d/canary" ] && echo "$d/canary"; done; true', [dir]), '');
  });
});
