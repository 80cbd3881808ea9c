// --diff rendering. The expected texts are what Ansible's _get_diff
// (difflib.unified_diff, n=3) prints for the same before/after; they were
// checked against Python's difflib, which agrees byte for byte whenever the
// change itself is unambiguous (for repeated lines the two algorithms may
// pick different but equally valid alignments).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderDiff, renderDiffs } from '../runner/report/diff.js';

const lines = (...xs: string[]): string => xs.map((x) => x + '\n').join('');
const ten = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`);

test('one changed line in the middle: 3 lines of context either side', () => {
  const after = ten.map((l) => (l === 'line 5' ? 'line five' : l));
  assert.equal(
    renderDiff({ label: '/etc/motd', before: lines(...ten), after: lines(...after) }),
    `--- before: /etc/motd
+++ after: /etc/motd
@@ -2,7 +2,7 @@
 line 2
 line 3
 line 4
-line 5
+line five
 line 6
 line 7
 line 8
`,
  );
});

test('changes far apart make separate hunks; near ones share a hunk', () => {
  const far = ten.map((l) => (l === 'line 1' || l === 'line 10' ? l.toUpperCase() : l));
  assert.equal(
    renderDiff({ label: 'f', before: lines(...ten), after: lines(...far) }),
    `--- before: f
+++ after: f
@@ -1,4 +1,4 @@
-line 1
+LINE 1
 line 2
 line 3
 line 4
@@ -7,4 +7,4 @@
 line 7
 line 8
 line 9
-line 10
+LINE 10
`,
  );
  const near = ten.map((l) => (l === 'line 3' || l === 'line 8' ? l.toUpperCase() : l));
  assert.match(renderDiff({ label: 'f', before: lines(...ten), after: lines(...near) }), /^@@ -1,10 \+1,10 @@$/m);
});

test('a missing final newline is marked, on either side', () => {
  assert.equal(
    renderDiff({ label: 'f', before: 'a\nb', after: 'a\nc\n' }),
    '--- before: f\n+++ after: f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n',
  );
  assert.equal(
    renderDiff({ label: 'f', before: 'a\n', after: 'a' }),
    '--- before: f\n+++ after: f\n@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n',
  );
});

test('creating and emptying a file: difflib ranges (-0,0 and +0,0)', () => {
  assert.equal(
    renderDiff({ label: 'new', before: '', after: 'x\ny\n' }),
    '--- before: new\n+++ after: new\n@@ -0,0 +1,2 @@\n+x\n+y\n',
  );
  assert.equal(
    renderDiff({ label: 'gone', before: 'x\ny\n', after: '' }),
    '--- before: gone\n+++ after: gone\n@@ -1,2 +0,0 @@\n-x\n-y\n',
  );
});

test('identical before and after render nothing', () => {
  assert.equal(renderDiff({ label: 'f', before: 'same\n', after: 'same\n' }), '');
  assert.equal(renderDiff({ label: 'f', before: '', after: '' }), '');
  assert.equal(renderDiffs([{ label: 'a', before: 'x', after: 'x' }, { label: 'b', before: '', after: 'y\n' }]), '--- before: b\n+++ after: b\n@@ -0,0 +1 @@\n+y\n');
});

test('colour only when asked: + green, - red, @@ cyan, context plain', () => {
  const entry = { label: 'f', before: 'a\nb\n', after: 'a\nc\n' };
  assert.ok(!renderDiff(entry).includes('\x1b'));
  assert.equal(
    renderDiff(entry, { color: true }),
    '\x1b[0;31m--- before: f\x1b[0m\n\x1b[0;32m+++ after: f\x1b[0m\n\x1b[0;36m@@ -1,2 +1,2 @@\x1b[0m\n a\n\x1b[0;31m-b\x1b[0m\n\x1b[0;32m+c\x1b[0m\n',
  );
});

test('context is adjustable', () => {
  const after = ten.map((l) => (l === 'line 5' ? 'line five' : l));
  assert.equal(
    renderDiff({ label: 'f', before: lines(...ten), after: lines(...after) }, { context: 0 }),
    '--- before: f\n+++ after: f\n@@ -5 +5 @@\n-line 5\n+line five\n',
  );
});
