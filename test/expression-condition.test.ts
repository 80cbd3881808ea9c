// evaluateCondition: when / changed_when / failed_when / until / assert that.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateCondition, Scope, type Condition } from '../runner/template/index.js';

const scope = new Scope([
  {
    source: 'test',
    vars: {
      yes_text: 'yes',
      no_text: 'no',
      false_text: 'False',
      true_text: 'true',
      off: 'off',
      zero_text: '0',
      other_text: 'anything',
      empty: '',
      zero: 0,
      one: 1,
      none: null,
      list: [],
      full: [1],
      dict: {},
      os: 'Debian',
      result: { rc: 1, changed: false, failed: true },
      // A variable holding a condition-like template renders lazily.
      is_debian: "{{ os == 'Debian' }}",
      remote_text: "lookup('pipe', 'touch /tmp/never') == ''",
    },
  },
]);

const cases: [Condition, boolean][] = [
  [true, true],
  [false, false],
  ['yes_text', true],
  // Text is read with Python's truth, as ansible-core 2.14 reads `when: var` (checked with ansible-playbook).
  ['no_text', true],
  ['false_text', true],
  ['true_text', true],
  ['off', true],
  ['zero_text', true],
  // With {{ }} the rendered text is evaluated again: 'False' is the literal false, as in Ansible.
  ['{{ false_text }}', false],
  ['{{ true_text }}', true],
  ['other_text', true],
  ['empty', false],
  ['zero', false],
  ['one', true],
  ['none', false],
  ['list', false],
  ['full', true],
  ['dict', false],
  ["os == 'Debian'", true],
  ["{{ os == 'Debian' }}", true],
  ["  {{ os == 'RedHat' }}  ", false],
  ['is_debian', true],
  ['not is_debian', false],
  ["[os == 'Debian', result.rc != 0]", true],
  [["os == 'Debian'", 'result.rc != 0'], true],
  [["os == 'Debian'", 'result.rc == 0'], false],
  [['result is failed', true], true],
  [[], true],
  // A list stops at the first false: the second item would be an error.
  [['false', 'missing.x == 1'], false],
  ["result.rc == 0 or 'fatal' in (result.stderr | default(''))", false],
  ['result is failed and result.rc in [1, 2]', true],
  ["os\n  == 'Debian'", true],
];

describe('evaluateCondition', () => {
  for (const [condition, expected] of cases) {
    it(JSON.stringify(condition), () => assert.equal(evaluateCondition(condition, scope), expected));
  }
});

const errors: [Condition, string][] = [
  ['missing', `undefined variable 'missing' in "missing"`],
  ['{{ missing }}', `undefined variable 'missing' in "{{ missing }}"`],
  // 'yes' rendered, then evaluated: the name yes is not defined (Ansible: "'yes' is undefined").
  ['{{ yes_text }}', `undefined variable 'yes' in "yes"`],
  // Ansible templates a condition with {{ in it, quoted or not, and fails the same way.
  ["'{{' in '{{x'", `template syntax error: missing end of variable tag: no '}}' after this '{{' in "'{{' in '{{x'"`],
  [['true', 'missing'], `undefined variable 'missing' in "missing"`],
  ['os ==', 'unexpected end of expression at column 6\n    os ==\n         ^'],
  ['{{ a }} == {{ b }}', `undefined variable 'a' in "{{ a }} == {{ b }}"`],
  // What a host returned (a registered stdout) is evaluated again, but never runs a lookup on the controller.
  [
    '{{ remote_text }}',
    `lookup() is not allowed here: the text a condition rendered to is evaluated without lookups, as Ansible evaluates unsafe values (the condition "{{ remote_text }}" rendered to "lookup('pipe', 'touch /tmp/never') == ''", which is evaluated again, as Ansible does) at column 1\n    lookup('pipe', 'touch /tmp/never') == ''\n    ^`,
  ],
];

describe('evaluateCondition errors', () => {
  for (const [condition, message] of errors) {
    it(JSON.stringify(condition), () => assert.throws(() => evaluateCondition(condition, scope), (e: Error) => (assert.equal(e.message, message), true)));
  }
  it('a condition of another type', () =>
    assert.throws(
      () => evaluateCondition({ a: 1 } as unknown as Condition, scope),
      (e: Error) => (assert.equal(e.message, 'a condition must be an expression, a boolean or a list of them, got a dict'), true),
    ));
});
