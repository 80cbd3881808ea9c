// Command lines are split exactly like Python's shlex.split (what Ansible's
// command module does); expected values were produced by Python 3.11's
// shlex.split on the same inputs. Errors surface through the command module's
// splitter as task failures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitCommandLine as shlexSplit } from '../modules/support/split-command.js';

const CASES: [input: string, words: string[] | RegExp][] = [
  ['ls -l /tmp', ['ls', '-l', '/tmp']],
  [`printf '%s|' "a b" c\\ d`, ['printf', '%s|', 'a b', 'c d']],
  ['a"b c"d', ['ab cd']],
  ["''", ['']],
  ['a "" b', ['a', '', 'b']],
  ['"a \\" b"', ['a " b']],
  ['"a \\$ b"', ['a \\$ b']],
  ["'a \\' b", ['a \\', 'b']],
  ['x\\\ny', ['x\ny']],
  [' lead  trail ', ['lead', 'trail']],
  ['tab\there', ['tab', 'here']],
  ['"\\\\"', ['\\']],
  ['ü ✓ "ß x"', ['ü', '✓', 'ß x']],
  ['echo $(touch /c) `id` ; | &&', ['echo', '$(touch', '/c)', '`id`', ';', '|', '&&']],
  ['a#b # c', ['a#b', '#', 'c']],
  ["it's", /No closing quotation/],
  ['a\\', /No escaped character/],
];

for (const [input, expected] of CASES) {
  test(`shlex split ${JSON.stringify(input)}`, () => {
    if (expected instanceof RegExp) assert.throws(() => shlexSplit(input), expected);
    else assert.deepEqual(shlexSplit(input), expected);
  });
}
