// lineinfile on a real (namespace) host over drover's ssh connection. The
// table's answers were recorded from Ansible itself (ansible-core 2.14.18
// running lib/ansible/modules/lineinfile.py on the same file content): the
// file afterwards byte for byte, changed, msg, and what a second run does (two
// cases are not idempotent in Ansible either, and are recorded as such).
// Every case also runs under --check on a fresh copy: the same answer, the
// diff shows exactly the content a real run writes, and nothing is touched.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import lineinfile from '../modules/lineinfile.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { describeRecordedCases, hostFiles, type FileCase } from './support/host-files.js';
import { runModule } from './support/module-harness.js';

const NAME = 'lineinfile';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));

const files = hostFiles(NAME, () => ground);
const { inHost, fresh, content } = files;
type Case = FileCase;

// Recorded from ansible-core 2.14.18 (python3 -m ansible.modules.lineinfile).
const CASES: Case[] = [
  {"name": "missing file, create: the file is made with the line", "before": null, "params": {"line": "a=1", "create": true}, "changed": true, "msg": "line added", "after": "a=1\n"},
  {"name": "missing file without create fails", "before": null, "params": {"line": "a=1"}, "error": "Destination {path} does not exist !"},
  {"name": "appends a missing line at the end", "before": "one\ntwo\nthree\n", "params": {"line": "four"}, "changed": true, "msg": "line added", "after": "one\ntwo\nthree\nfour\n"},
  {"name": "a line already present exactly is left alone", "before": "one\ntwo\nthree\n", "params": {"line": "two"}, "changed": false, "msg": "", "after": "one\ntwo\nthree\n"},
  {"name": "regexp replaces the last matching line", "before": "a=1\nb=2\na=3\n", "params": {"regexp": "^a=", "line": "a=9"}, "changed": true, "msg": "line replaced", "after": "a=1\nb=2\na=9\n"},
  {"name": "firstmatch replaces the first matching line", "before": "a=1\nb=2\na=3\n", "params": {"regexp": "^a=", "line": "a=9", "firstmatch": true}, "changed": true, "msg": "line replaced", "after": "a=9\nb=2\na=3\n"},
  {"name": "regexp matching nothing appends at EOF", "before": "one\ntwo\nthree\n", "params": {"regexp": "^x=", "line": "x=1"}, "changed": true, "msg": "line added", "after": "one\ntwo\nthree\nx=1\n"},
  {"name": "insertafter: after the last matching line", "before": "[a]\nk=1\n[b]\nk=2\n", "params": {"line": "new=1", "insertafter": "^\\["}, "changed": true, "msg": "line added", "after": "[a]\nk=1\n[b]\nnew=1\nk=2\n"},
  {"name": "insertafter with firstmatch: after the first matching line", "before": "[a]\nk=1\n[b]\nk=2\n", "params": {"line": "new=1", "insertafter": "^\\[", "firstmatch": true}, "changed": true, "msg": "line added", "after": "[a]\nnew=1\nk=1\n[b]\nk=2\n"},
  {"name": "insertbefore: before the last matching line", "before": "[a]\nk=1\n[b]\nk=2\n", "params": {"line": "new=1", "insertbefore": "^\\["}, "changed": true, "msg": "line added", "after": "[a]\nk=1\nnew=1\n[b]\nk=2\n"},
  {"name": "insertbefore with firstmatch", "before": "[a]\nk=1\n[b]\nk=2\n", "params": {"line": "new=1", "insertbefore": "^\\[", "firstmatch": true}, "changed": true, "msg": "line added", "after": "new=1\n[a]\nk=1\n[b]\nk=2\n"},
  {"name": "insertbefore BOF", "before": "one\ntwo\nthree\n", "params": {"line": "zero", "insertbefore": "BOF"}, "changed": true, "msg": "line added", "after": "zero\none\ntwo\nthree\n"},
  {"name": "insertafter BOF", "before": "one\ntwo\nthree\n", "params": {"line": "zero", "insertafter": "BOF"}, "changed": true, "msg": "line added", "after": "zero\none\ntwo\nthree\n"},
  {"name": "insertafter EOF", "before": "one\ntwo\nthree\n", "params": {"line": "four", "insertafter": "EOF"}, "changed": true, "msg": "line added", "after": "one\ntwo\nthree\nfour\n"},
  {"name": "insertafter matching nothing: EOF", "before": "one\ntwo\nthree\n", "params": {"line": "four", "insertafter": "^nothing"}, "changed": true, "msg": "line added", "after": "one\ntwo\nthree\nfour\n"},
  {"name": "insertbefore matching nothing: EOF", "before": "one\ntwo\nthree\n", "params": {"line": "four", "insertbefore": "^nothing"}, "changed": true, "msg": "line added", "after": "one\ntwo\nthree\nfour\n"},
  {"name": "insertafter: the line already right after the match", "before": "a\nb\nc\n", "params": {"line": "b", "insertafter": "^a"}, "changed": false, "msg": "", "after": "a\nb\nc\n"},
  {"name": "regexp is honoured before insertafter", "before": "a\nkey=old\nz\n", "params": {"regexp": "^key=", "line": "key=new", "insertafter": "^z"}, "changed": true, "msg": "line replaced", "after": "a\nkey=new\nz\n"},
  {"name": "no trailing newline: one is added before the new line", "before": "one\ntwo", "params": {"line": "three"}, "changed": true, "msg": "line added", "after": "one\ntwo\nthree\n"},
  {"name": "no trailing newline on a replaced line: it gets one", "before": "one\nkey=1", "params": {"regexp": "^key=", "line": "key=2"}, "changed": true, "msg": "line replaced", "after": "one\nkey=2\n"},
  {"name": "backrefs fill groups from regexp", "before": "Xms128m other\n", "params": {"regexp": "^Xms(\\d+)m (.*)$", "line": "Xms512m \\2 was \\1", "backrefs": true}, "changed": true, "msg": "line replaced", "after": "Xms512m other was 128\n", "second": {"changed": true, "after": "Xms512m other was 128 was 512\n"}},
  {"name": "backrefs with named groups", "before": "host=old.example\n", "params": {"regexp": "^(?P<k>host)=.*$", "line": "\\g<k>=new.example", "backrefs": true}, "changed": true, "msg": "line replaced", "after": "host=new.example\n"},
  {"name": "backrefs and no match: file untouched", "before": "one\ntwo\nthree\n", "params": {"regexp": "^nothing(.*)", "line": "x\\1", "backrefs": true}, "changed": false, "msg": "", "after": "one\ntwo\nthree\n"},
  {"name": "backrefs and no match on a missing file with create: nothing is created", "before": null, "params": {"regexp": "^nothing(.*)", "line": "x\\1", "backrefs": true, "create": true}, "changed": false, "msg": "", "after": null},
  {"name": "search_string replaces the last line containing it", "before": "Listen 80\n#Listen 80\nx\n", "params": {"search_string": "Listen 80", "line": "Listen 8080"}, "changed": true, "msg": "line replaced", "after": "Listen 80\nListen 8080\nx\n"},
  {"name": "search_string is literal, not a regex", "before": "a.b=1\naxb=2\n", "params": {"search_string": "a.b", "line": "a.b=9"}, "changed": true, "msg": "line replaced", "after": "a.b=9\naxb=2\n"},
  {"name": "search_string not found: appended", "before": "one\ntwo\nthree\n", "params": {"search_string": "nope", "line": "four"}, "changed": true, "msg": "line added", "after": "one\ntwo\nthree\nfour\n"},
  {"name": "absent: regexp removes every matching line", "before": "a=1\nb=2\na=3\n", "params": {"state": "absent", "regexp": "^a="}, "changed": true, "msg": "2 line(s) removed", "after": "b=2\n"},
  {"name": "absent: exact line", "before": "a\nb\na\n", "params": {"state": "absent", "line": "a"}, "changed": true, "msg": "2 line(s) removed", "after": "b\n"},
  {"name": "absent: search_string", "before": "keep\ndrop me\nalso drop me too\n", "params": {"state": "absent", "search_string": "drop me"}, "changed": true, "msg": "2 line(s) removed", "after": "keep\n"},
  {"name": "absent: nothing matches", "before": "one\ntwo\nthree\n", "params": {"state": "absent", "regexp": "^x"}, "changed": false, "msg": "", "after": "one\ntwo\nthree\n"},
  {"name": "absent on a missing file: ok", "before": null, "params": {"state": "absent", "line": "a"}, "changed": false, "msg": "file not present", "after": null},
  {"name": "CRLF line equal to line is rewritten with LF", "before": "a\r\nb\r\n", "params": {"line": "a"}, "changed": true, "msg": "line replaced", "after": "a\nb\r\n"},
  {"name": "regexp dot matches a CR (bytes semantics)", "before": "key=1\r\n", "params": {"regexp": "^key=.*$", "line": "key=2"}, "changed": true, "msg": "line replaced", "after": "key=2\n"},
  {"name": "dollar matches before the final newline", "before": "a=1\nb=2\n", "params": {"regexp": "^a=1$", "line": "a=1 # ok"}, "changed": true, "msg": "line replaced", "after": "a=1 # ok\nb=2\n"},
  {"name": "case-insensitive inline flag", "before": "PasswordAuthentication yes\n", "params": {"regexp": "(?i)^passwordauthentication", "line": "PasswordAuthentication no"}, "changed": true, "msg": "line replaced", "after": "PasswordAuthentication no\n"},
  {"name": "non-ASCII line and regexp", "before": "żółw=1\n", "params": {"regexp": "^żółw=", "line": "żółw=日本語"}, "changed": true, "msg": "line replaced", "after": "żółw=日本語\n"},
  {"name": "backslashes in line without backrefs stay literal", "before": "one\ntwo\nthree\n", "params": {"line": "C:\\dir\\1 \\g<0>"}, "changed": true, "msg": "line added", "after": "one\ntwo\nthree\nC:\\dir\\1 \\g<0>\n"},
  {"name": "empty file gets the line", "before": "", "params": {"line": "first"}, "changed": true, "msg": "line added", "after": "first\n"},
  {"name": "regexp replacing a line by itself is idempotent", "before": "a=1\na=2\n", "params": {"regexp": "^a=", "line": "a=1"}, "changed": true, "msg": "line replaced", "after": "a=1\na=1\n"},
  {"name": "duplicate exact lines: insertafter adds nothing", "before": "x\nL\ny\nL\n", "params": {"line": "L", "insertafter": "^y"}, "changed": false, "msg": "", "after": "x\nL\ny\nL\n"},
  {"name": "firstmatch with insertafter skips a later exact line", "before": "A\nB\nL\n", "params": {"line": "L", "insertafter": "^A", "firstmatch": true}, "changed": true, "msg": "line added", "after": "A\nL\nB\nL\n"},
  {"name": "create with a missing parent directory", "subdir": true, "before": null, "params": {"line": "a=1", "create": true}, "changed": true, "msg": "line added", "after": "a=1\n"},
  {"name": "regexp with a trailing newline in the pattern", "before": "a\nb\n", "params": {"regexp": "^a\\n", "line": "A"}, "changed": true, "msg": "line replaced", "after": "A\nb\n"},
  {"name": "insertafter matching the last line without newline", "before": "x\ny", "params": {"line": "z", "insertafter": "^y"}, "changed": true, "msg": "line added", "after": "x\nyz\n", "second": {"changed": true, "after": "x\nyz\nz\n"}},
  {"name": "line containing shell syntax", "before": "one\ntwo\nthree\n", "params": {"line": "$(touch /tmp/canary) `touch /tmp/canary`; 'q' \"dq\" -n"}, "changed": true, "msg": "line added", "after": "one\ntwo\nthree\n$(touch /tmp/canary) `touch /tmp/canary`; 'q' \"dq\" -n\n"},
];

describeRecordedCases('lineinfile: the same lines and answers as Ansible, on a real host', lineinfile, CASES, files, () => host);

const HOSTILE_DIR = `it's "q" $(touch canary) \`touch canary\`; touch canary | x\nżółw -n`;

/** No command hidden in a value ran: no canary anywhere a shell could have made it. */
async function assertNoCanary(dir: string): Promise<void> {
  assert.equal(await inHost('for d in / /root /tmp "$1"; do [ -e "$d/canary" ] && echo "$d/canary"; done; true', [dir]), '');
}

describe('lineinfile: values reach the host unchanged', () => {
  test('hostile path, line and regexp are data, never shell', async () => {
    const { dir, path } = await fresh('-n key=old\n', { dirName: HOSTILE_DIR });
    const line = `-n key=$(touch canary) \`touch canary\`; 'q' "dq" \\ żółw`;
    const params = { path, regexp: '^-n key=', line, backup: true, mode: '0600' };
    const first = await runModule(host, lineinfile, params);
    assert.equal(first.changed, true);
    assert.equal(await content(path), `${line}\n`);
    assert.equal(await content(first.result.backup as string), '-n key=old\n');
    assert.equal(await inHost('stat -c %a -- "$1"', [path]), '600\n');
    assert.equal((await runModule(host, lineinfile, params)).changed, false);
    await assertNoCanary(dir);
  });
});

describe('lineinfile: backup, validate, attributes, links', () => {
  test('backup keeps the old content beside the file and returns its path', async () => {
    const { dir, path } = await fresh('a\n');
    const result = await runModule(host, lineinfile, { path, line: 'b', backup: true });
    const backup = result.result.backup as string;
    assert.match(backup, new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d+\\.\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d~$`));
    assert.equal(await content(backup), 'a\n');
    assert.equal(await content(path), 'a\nb\n');
    assert.equal((await inHost('ls -A "$1"', [dir])).split('\n').filter(Boolean).length, 2);
  });

  test('validate runs on the new content first; a refusal leaves the file as it was and no temp file behind', async () => {
    const { dir, path } = await fresh('a\n', { dirName: HOSTILE_DIR });
    await assert.rejects(runModule(host, lineinfile, { path, line: 'b', validate: 'grep -q ^needle %s' }), /failed to validate/);
    assert.equal(await content(path), 'a\n');
    assert.equal(await inHost('ls -A "$1"', [dir]), 'f.conf\n');
    // The temp file is one argument, whatever its directory is called; '%%' is a literal '%'.
    const ok = await runModule(host, lineinfile, { path, line: 'needle 100%', validate: `sh -c 'grep -q "^needle 100%%" "$1"' validator %s` });
    assert.equal(ok.changed, true);
    assert.equal(await content(path), 'a\nneedle 100%\n');
    await assert.rejects(runModule(host, lineinfile, { path, line: 'x', validate: 'true' }), { message: 'validate must contain %s: true' });
    await assertNoCanary(dir);
  });

  test('create with mode/owner: the new file gets them; later only attributes change', async () => {
    const { path } = await fresh(null);
    const created = await runModule(host, lineinfile, { path, line: 'a', create: true, mode: '0640', owner: 'nobody' });
    assert.equal(created.changed, true);
    assert.equal(await inHost('stat -c "%a %U" -- "$1"', [path]), '640 nobody\n');
    const attrs = await runModule(host, lineinfile, { path, line: 'a', mode: 'u=rw,go=' }, { check: true });
    assert.deepEqual(attrs.changes, [`mode of ${path}: 0640 -> 0600`]);
    assert.deepEqual(attrs.diff, []);
    assert.equal((await runModule(host, lineinfile, { path, line: 'a', mode: 'u=rw,go=' })).changed, true);
    assert.equal(await inHost('stat -c %a -- "$1"', [path]), '600\n');
    assert.equal((await runModule(host, lineinfile, { path, line: 'a', mode: 'u=rw,go=' })).changed, false);
  });

  test('a symlink path edits the file it points to, and stays a link', async () => {
    const { dir, path } = await fresh('a\n');
    await inHost('cd "$1" && ln -s f.conf link', [dir]);
    assert.equal((await runModule(host, lineinfile, { path: `${dir}/link`, line: 'b' })).changed, true);
    assert.equal(await inHost('cd "$1" && readlink link', [dir]), 'f.conf\n');
    assert.equal(await content(path), 'a\nb\n');
  });

  test('refusals: a directory, invalid combinations, a bad regexp', async () => {
    const { dir, path } = await fresh('a\n');
    await assert.rejects(runModule(host, lineinfile, { path: dir, line: 'x' }), { message: `Path ${dir} is a directory !` });
    await assert.rejects(runModule(host, lineinfile, { path, line: 'x', insertafter: 'a', insertbefore: 'b' }), { message: 'parameters are mutually exclusive: insertbefore|insertafter' });
    await assert.rejects(runModule(host, lineinfile, { path, line: 'x', regexp: 'a', search_string: 'a' }), { message: 'parameters are mutually exclusive: regexp|search_string' });
    await assert.rejects(runModule(host, lineinfile, { path, line: 'x', backrefs: true }), { message: 'regexp is required with backrefs=true' });
    await assert.rejects(runModule(host, lineinfile, { path, regexp: 'a' }), { message: 'line is required with state=present' });
    await assert.rejects(runModule(host, lineinfile, { path, state: 'absent' }), { message: 'one of line, search_string, or regexp is required with state=absent' });
    await assert.rejects(runModule(host, lineinfile, { path, line: 'x', regexp: '(unclosed' }), /regexp "\(unclosed" is not a valid regular expression/);
    // Ansible's aliases: dest/name for path, regex for regexp, value for line.
    assert.equal((await runModule(host, lineinfile, { dest: path, regex: '^a$', value: 'A' })).changed, true);
    assert.equal(await content(path), 'A\n');
  });
});
