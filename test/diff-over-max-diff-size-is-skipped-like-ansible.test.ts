// --diff skips a side over Ansible's max_diff_size (104448 bytes, env
// ANSIBLE_MAX_DIFF_SIZE, 0 = no limit) with Ansible's own message, and a diff
// under the limit is cheap even when every line changed (Myers is capped; past
// the cap the changed middle is shown as one replacement hunk).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { structuredPatch } from 'diff';
import { renderDiff } from '../runner/report/diff.js';
import { runDrover } from './support/cli.js';

const lines = (n: number, word: string) => Array.from({ length: n }, (_, i) => `line ${i} ${word} with some text to 33\n`).join('');

/** Apply a rendered diff with the real `patch` tool and return the result. */
function applyWithPatch(dir: string, before: string, rendered: string): string {
  const file = join(dir, 'target');
  writeFileSync(file, before);
  const r = spawnSync('patch', ['-s', file], { input: rendered.replace(/^(---|\+\+\+) (before|after): /gm, '$1 ') });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  return readFileSync(file, 'utf8');
}

describe('diff size limit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-diff-size-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a changed 10,000-line (330 KB) file is skipped with the message Ansible prints', { timeout: 60_000 }, () => {
    const out = renderDiff({ label: '/etc/big', before: lines(10_000, 'before'), after: lines(10_000, 'after') });
    assert.equal(out, 'diff skipped: destination file size is greater than 104448\ndiff skipped: source file size is greater than 104448\n');
  });

  test('one side over the limit skips the whole diff, naming that side', () => {
    assert.equal(renderDiff({ label: 'f', before: '', after: lines(4000, 'x') }), 'diff skipped: source file size is greater than 104448\n');
    assert.equal(renderDiff({ label: 'f', before: lines(4000, 'x'), after: 'a\n' }, { maxSize: 0 }).split('\n').length, 4000 + 5);
    assert.equal(renderDiff({ label: 'f', before: 'a\n', after: 'abcdef\n' }, { maxSize: 5 }), 'diff skipped: source file size is greater than 5\n');
  });

  test('a 100 KB file with every line changed still diffs, and the diff applies with patch', { timeout: 60_000 }, () => {
    const before = `head\n${lines(2700, 'before')}tail\n`;
    const after = `head\n${lines(2700, 'after')}tail`;
    assert.ok(Buffer.byteLength(before) < 104_448 && Buffer.byteLength(before) > 95_000);
    const out = renderDiff({ label: 'f', before, after });
    assert.match(out, /^--- before: f\n\+\+\+ after: f\n@@ -1,2702 \+1,2702 @@\n head\n-line 0 before/);
    assert.match(out, /\n\+tail\n\\ No newline at end of file\n$/);
    assert.equal(applyWithPatch(dir, before, out), after);
  });

  test('a few changes in a big file give the minimal hunks, as before', () => {
    const before = lines(2700, 'same');
    const after = before.replace('line 10 same', 'line 10 new').replace('line 2600 same', 'line 2600 new');
    const out = renderDiff({ label: 'f', before, after });
    assert.equal(out.match(/^@@/gm)?.length, 2);
    assert.equal(applyWithPatch(dir, before, out), after);
  });

  test('past the edit cap the replacement hunk is what jsdiff gives for a block with no common lines', () => {
    const cases: Array<[string, string]> = [
      ['a\nb\nc\nd\ne\nf\ng\n', 'a\nb\nc\nX\nY\ne\nf\ng\n'],
      ['', 'x\ny\n'],
      ['x\ny\n', ''],
      ['a\nb', 'a\nc'],
      ['1\n2\n3\n4\n5\n6\n7\n8\n9\n', '1\n2\n3\n4\n5\n6\n7\n8\n9\nextra\n'],
    ];
    for (const [before, after] of cases) {
      const expected = renderDiff({ label: 'f', before, after });
      const capped = renderDiff({ label: 'f', before, after }, { maxEditLength: 0 });
      assert.equal(capped, expected, JSON.stringify([before, after]));
      assert.ok(structuredPatch('', '', before, after).hunks.length > 0);
    }
  });

  test('ANSIBLE_MAX_DIFF_SIZE sets the limit for drover run --diff; a bad value is refused', async () => {
    const dest = join(dir, 'dest.txt');
    writeFileSync(dest, 'old\n');
    writeFileSync(join(dir, 'hosts.ini'), 'local ansible_connection=local\n');
    writeFileSync(join(dir, 'site.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: {content: "${'n'.repeat(200)}\\n", dest: ${dest}}\n`);
    const args = ['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), '--diff', '--check', '--output', 'plain'];
    const small = await runDrover(args, { env: { ANSIBLE_MAX_DIFF_SIZE: '100' } });
    assert.equal(small.code, 0, small.stdout + small.stderr);
    assert.match(small.stdout, /^diff skipped: source file size is greater than 100$/m);
    const unlimited = await runDrover(args, { env: { ANSIBLE_MAX_DIFF_SIZE: '0' } });
    assert.match(unlimited.stdout, /^\+n{200}$/m);
    const bad = await runDrover(args, { env: { ANSIBLE_MAX_DIFF_SIZE: '10k' } });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /ANSIBLE_MAX_DIFF_SIZE.*10k.*whole number of bytes/);
  });
});
