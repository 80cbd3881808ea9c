// The free-form command line is split exactly like Python's shlex.split,
// which is what Ansible's command module does. Expected values were produced
// by Python 3.11's shlex.split on the same inputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shlexSplit } from '../modules/support/shlex.js';

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
  ["it's", /no closing quotation/],
  ['a\\', /lone backslash/],
];

for (const [input, expected] of CASES) {
  test(`shlex split ${JSON.stringify(input)}`, () => {
    if (expected instanceof RegExp) assert.throws(() => shlexSplit(input), expected);
    else assert.deepEqual(shlexSplit(input), expected);
  });
}
