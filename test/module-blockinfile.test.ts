// blockinfile on a real (namespace) host over drover's ssh connection. The
// table's answers were recorded from Ansible itself (ansible-core 2.14.18
// running lib/ansible/modules/blockinfile.py on the same file content): the
// file afterwards byte for byte, changed, msg, and that a second run is a no-op.
// Every case also runs under --check on a fresh copy: the same answer, the
// diff shows exactly the content a real run writes, and nothing is touched.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import blockinfile from '../modules/blockinfile.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { describeRecordedCases, hostFiles, type FileCase } from './support/host-files.js';
import { runModule } from './support/module-harness.js';

const NAME = 'blockinfile';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));

const files = hostFiles(NAME, () => ground);
const { inHost, fresh, content } = files;
type Case = FileCase;

// Recorded from ansible-core 2.14.18 (python3 -m ansible.modules.blockinfile).
const CASES: Case[] = [
  {"name": "missing file, create: file made with the block", "before": null, "params": {"block": "a\nb", "create": true}, "changed": true, "msg": "File created", "after": "# BEGIN ANSIBLE MANAGED BLOCK\na\nb\n# END ANSIBLE MANAGED BLOCK\n"},
  {"name": "missing file without create fails", "before": null, "params": {"block": "a"}, "error": "Path {path} does not exist !"},
  {"name": "absent on a missing file without create fails too", "before": null, "params": {"block": "a", "state": "absent"}, "error": "Path {path} does not exist !"},
  {"name": "absent on a missing file with create: ok", "before": null, "params": {"block": "a", "state": "absent", "create": true}, "changed": false, "msg": "File {path} not present", "after": null},
  {"name": "block appended at EOF", "before": "one\ntwo\nthree\n", "params": {"block": "a\nb"}, "changed": true, "msg": "Block inserted", "after": "one\ntwo\nthree\n# BEGIN ANSIBLE MANAGED BLOCK\na\nb\n# END ANSIBLE MANAGED BLOCK\n"},
  {"name": "existing block updated in place", "before": "x\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\ny\n", "params": {"block": "new1\nnew2"}, "changed": true, "msg": "Block inserted", "after": "x\n# BEGIN ANSIBLE MANAGED BLOCK\nnew1\nnew2\n# END ANSIBLE MANAGED BLOCK\ny\n"},
  {"name": "existing block unchanged: ok", "before": "x\n# BEGIN ANSIBLE MANAGED BLOCK\na\n# END ANSIBLE MANAGED BLOCK\ny\n", "params": {"block": "a"}, "changed": false, "msg": "", "after": "x\n# BEGIN ANSIBLE MANAGED BLOCK\na\n# END ANSIBLE MANAGED BLOCK\ny\n"},
  {"name": "block with a trailing newline equals one without", "before": "x\n# BEGIN ANSIBLE MANAGED BLOCK\na\n# END ANSIBLE MANAGED BLOCK\n", "params": {"block": "a\n"}, "changed": false, "msg": "", "after": "x\n# BEGIN ANSIBLE MANAGED BLOCK\na\n# END ANSIBLE MANAGED BLOCK\n"},
  {"name": "state absent removes the block and markers", "before": "x\n# BEGIN ANSIBLE MANAGED BLOCK\na\n# END ANSIBLE MANAGED BLOCK\ny\n", "params": {"state": "absent"}, "changed": true, "msg": "Block removed", "after": "x\ny\n"},
  {"name": "empty block removes the block", "before": "x\n# BEGIN ANSIBLE MANAGED BLOCK\na\n# END ANSIBLE MANAGED BLOCK\ny\n", "params": {"block": ""}, "changed": true, "msg": "Block removed", "after": "x\ny\n"},
  {"name": "insertbefore BOF", "before": "one\ntwo\nthree\n", "params": {"block": "top", "insertbefore": "BOF"}, "changed": true, "msg": "Block inserted", "after": "# BEGIN ANSIBLE MANAGED BLOCK\ntop\n# END ANSIBLE MANAGED BLOCK\none\ntwo\nthree\n"},
  {"name": "insertafter regex: after the last match", "before": "[a]\nk=1\n[b]\nk=2\n", "params": {"block": "blk", "insertafter": "^\\["}, "changed": true, "msg": "Block inserted", "after": "[a]\nk=1\n[b]\n# BEGIN ANSIBLE MANAGED BLOCK\nblk\n# END ANSIBLE MANAGED BLOCK\nk=2\n"},
  {"name": "insertbefore regex: before the last match", "before": "[a]\nk=1\n[b]\nk=2\n", "params": {"block": "blk", "insertbefore": "^\\["}, "changed": true, "msg": "Block inserted", "after": "[a]\nk=1\n# BEGIN ANSIBLE MANAGED BLOCK\nblk\n# END ANSIBLE MANAGED BLOCK\n[b]\nk=2\n"},
  {"name": "insertafter matching nothing: EOF", "before": "one\ntwo\nthree\n", "params": {"block": "blk", "insertafter": "^nothing"}, "changed": true, "msg": "Block inserted", "after": "one\ntwo\nthree\n# BEGIN ANSIBLE MANAGED BLOCK\nblk\n# END ANSIBLE MANAGED BLOCK\n"},
  {"name": "insertafter BOF is just a regex (no match: EOF)", "before": "one\ntwo\nthree\n", "params": {"block": "blk", "insertafter": "BOF"}, "changed": true, "msg": "Block inserted", "after": "one\ntwo\nthree\n# BEGIN ANSIBLE MANAGED BLOCK\nblk\n# END ANSIBLE MANAGED BLOCK\n"},
  {"name": "custom marker with marker_begin/marker_end", "before": "one\ntwo\nthree\n", "params": {"block": "blk", "marker": "// {mark} managed", "marker_begin": "start", "marker_end": "stop"}, "changed": true, "msg": "Block inserted", "after": "one\ntwo\nthree\n// start managed\nblk\n// stop managed\n"},
  {"name": "no trailing newline before the block: one is added", "before": "one\ntwo", "params": {"block": "blk"}, "changed": true, "msg": "Block inserted", "after": "one\ntwo\n# BEGIN ANSIBLE MANAGED BLOCK\nblk\n# END ANSIBLE MANAGED BLOCK\n"},
  {"name": "markers in reverse order are replaced", "before": "x\n# END ANSIBLE MANAGED BLOCK\nmid\n# BEGIN ANSIBLE MANAGED BLOCK\ny\n", "params": {"block": "blk"}, "changed": true, "msg": "Block inserted", "after": "x\n# BEGIN ANSIBLE MANAGED BLOCK\nblk\n# END ANSIBLE MANAGED BLOCK\ny\n"},
  {"name": "only the begin marker present: a new block is added", "before": "x\n# BEGIN ANSIBLE MANAGED BLOCK\ny\n", "params": {"block": "blk"}, "changed": true, "msg": "Block inserted", "after": "x\n# BEGIN ANSIBLE MANAGED BLOCK\ny\n# BEGIN ANSIBLE MANAGED BLOCK\nblk\n# END ANSIBLE MANAGED BLOCK\n"},
  {"name": "multiline insertafter (?m) searches the whole file", "before": "a\nb\nc\n", "params": {"block": "blk", "insertafter": "(?m)^b\\nc$"}, "changed": true, "msg": "Block inserted", "after": "a\nb\nc\n# BEGIN ANSIBLE MANAGED BLOCK\nblk\n# END ANSIBLE MANAGED BLOCK\n"},
  {"name": "non-ASCII block", "before": "one\ntwo\nthree\n", "params": {"block": "żółw\n日本語"}, "changed": true, "msg": "Block inserted", "after": "one\ntwo\nthree\n# BEGIN ANSIBLE MANAGED BLOCK\nżółw\n日本語\n# END ANSIBLE MANAGED BLOCK\n"},
  {"name": "block with shell syntax", "before": "one\ntwo\nthree\n", "params": {"block": "$(touch /tmp/canary)\n`id`; 'q' \"dq\""}, "changed": true, "msg": "Block inserted", "after": "one\ntwo\nthree\n# BEGIN ANSIBLE MANAGED BLOCK\n$(touch /tmp/canary)\n`id`; 'q' \"dq\"\n# END ANSIBLE MANAGED BLOCK\n"},
  {"name": "CRLF file keeps its lines; block in LF", "before": "a\r\nb\r\n", "params": {"block": "blk"}, "changed": true, "msg": "Block inserted", "after": "a\r\nb\r\n# BEGIN ANSIBLE MANAGED BLOCK\nblk\n# END ANSIBLE MANAGED BLOCK\n"},
  {"name": "empty file gets the block", "before": "", "params": {"block": "blk"}, "changed": true, "msg": "Block inserted", "after": "# BEGIN ANSIBLE MANAGED BLOCK\nblk\n# END ANSIBLE MANAGED BLOCK\n"},
  {"name": "empty block on a missing file with create makes an empty file", "before": null, "params": {"block": "", "create": true}, "changed": true, "msg": "File created", "after": ""},
  {"name": "last marker without newline is not found: a second block is added", "before": "x\n# BEGIN ANSIBLE MANAGED BLOCK\na\n# END ANSIBLE MANAGED BLOCK", "params": {"block": "a"}, "changed": true, "msg": "Block inserted", "after": "x\n# BEGIN ANSIBLE MANAGED BLOCK\na\n# END ANSIBLE MANAGED BLOCK\n# BEGIN ANSIBLE MANAGED BLOCK\na\n# END ANSIBLE MANAGED BLOCK\n"},
];

describeRecordedCases('blockinfile: the same blocks and answers as Ansible, on a real host', blockinfile, CASES, files, () => host);

const HOSTILE_DIR = `it's "q" $(touch canary) \`touch canary\`; touch canary | x\nżółw -n`;

/** No command hidden in a value ran: no canary anywhere a shell could have made it. */
async function assertNoCanary(dir: string): Promise<void> {
  assert.equal(await inHost('for d in / /root /tmp "$1"; do [ -e "$d/canary" ] && echo "$d/canary"; done; true', [dir]), '');
}

describe('blockinfile: values, backup, validate, attributes', () => {
  test('hostile path, block and marker are data, never shell', async () => {
    const { dir, path } = await fresh('top\n', { dirName: HOSTILE_DIR });
    const block = `$(touch canary)\n\`touch canary\`; 'q' "dq" \\ -n\nżółw`;
    const params = { path, block, marker: "# {mark} $(touch canary) 'm'", backup: true, mode: '0600', insertbefore: '^top' };
    const first = await runModule(host, blockinfile, params);
    assert.equal(first.changed, true);
    assert.equal(await content(path), `# BEGIN $(touch canary) 'm'\n${block}\n# END $(touch canary) 'm'\ntop\n`);
    assert.equal(await content(first.result.backup_file as string), 'top\n');
    assert.equal(await inHost('stat -c %a -- "$1"', [path]), '600\n');
    assert.equal((await runModule(host, blockinfile, params)).changed, false);
    await assertNoCanary(dir);
  });

  test('validate refuses: file untouched, no temp file left; backup only when something changed', async () => {
    const { dir, path } = await fresh('a\n');
    await assert.rejects(runModule(host, blockinfile, { path, block: 'x', validate: 'grep -q ^needle %s', backup: true }), /failed to validate/);
    assert.equal(await content(path), 'a\n');
    assert.equal(await inHost('ls -A "$1"', [dir]), 'f.conf\n');
    const ok = await runModule(host, blockinfile, { path, block: 'needle', validate: 'grep -q ^needle %s', backup: true });
    assert.equal(await content(ok.result.backup_file as string), 'a\n');
    const again = await runModule(host, blockinfile, { path, block: 'needle', validate: 'grep -q ^needle %s', backup: true });
    assert.equal(again.changed, false);
    assert.equal(again.result.backup_file, undefined);
  });

  test('create makes missing parent directories; mode and owner on the new file', async () => {
    const { path } = await fresh(null, { subdir: true });
    const result = await runModule(host, blockinfile, { path, block: 'a', create: true, mode: '0640', group: 'nogroup' });
    assert.equal(result.result.msg, 'File created');
    assert.equal(await inHost('stat -c "%a %G" -- "$1"', [path]), '640 nogroup\n');
    assert.equal((await runModule(host, blockinfile, { path, block: 'a', create: true, mode: '0640', group: 'nogroup' })).changed, false);
  });

  test('aliases: content for block, dest for path; a directory is refused', async () => {
    const { dir, path } = await fresh('');
    assert.equal((await runModule(host, blockinfile, { dest: path, content: 'c' })).changed, true);
    assert.equal(await content(path), '# BEGIN ANSIBLE MANAGED BLOCK\nc\n# END ANSIBLE MANAGED BLOCK\n');
    await assert.rejects(runModule(host, blockinfile, { path: dir, block: 'x' }), { message: `Path ${dir} is a directory !` });
  });
});
