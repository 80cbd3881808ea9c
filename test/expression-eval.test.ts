// The condition language, data first: (expression, variables) -> value or exact error.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { evaluateExpression, Scope, TESTS } from '../runner/template/index.js';

const vars = {
  port: 80,
  name: 'web01',
  empty: '',
  no: 'no',
  nothing: null,
  flag: true,
  list: [1, 2, 3],
  words: ['b', 'a', 'c'],
  user: { name: 'alice', groups: ['wheel', 'adm'], shell: '/bin/bash' },
  result: { changed: true, failed: false, rc: 0, stdout: 'ok\nready' },
  skipped_result: { changed: false, skipped: true },
  failed_result: { failed: true, msg: 'boom' },
  version: '2.14.1',
};

const scope = new Scope([{ source: 'test', vars }]);

type Case = [expression: string, expected: unknown];
type ErrorCase = [expression: string, message: string];

function check(cases: Case[]): void {
  for (const [expression, expected] of cases) {
    it(expression, () => assert.deepEqual(evaluateExpression(expression, scope), expected));
  }
}

function checkErrors(cases: ErrorCase[]): void {
  for (const [expression, message] of cases) {
    it(expression, () => assert.throws(() => evaluateExpression(expression, scope), (e: Error) => (assert.equal(e.message, message), true)));
  }
}

describe('literals', () => {
  check([
    ["'single'", 'single'],
    ['"double"', 'double'],
    ["'it\\'s'", "it's"],
    ["'a\\nb'", 'a\nb'],
    ["'\\d+'", '\\d+'],
    ['42', 42],
    ['1_000', 1000],
    ['3.5', 3.5],
    ['1e3', 1000],
    ['true', true],
    ['True', true],
    ['false', false],
    ['False', false],
    ['none', null],
    ['None', null],
    ['null', null],
    ['[1, "a", [true]]', [1, 'a', [true]]],
    ['[1, 2,]', [1, 2]],
    ['[]', []],
    ["{'a': 1, 'b': [2]}", { a: 1, b: [2] }],
    ['{}', {}],
    ['(1, 2)', [1, 2]],
    ['()', []],
    ["{'__proto__': 1}", JSON.parse('{"__proto__": 1}')],
  ]);
});

describe('names, attributes and items', () => {
  check([
    ['port', 80],
    ['user.name', 'alice'],
    ["user['name']", 'alice'],
    ['user.groups[0]', 'wheel'],
    ['user.groups.1', 'adm'],
    ['user.groups[-1]', 'adm'],
    ['list[1:]', [2, 3]],
    ['list[:2]', [1, 2]],
    ['list[:-1]', [1, 2]],
    ["name[0:3]", 'web'],
    ['name[0]', 'w'],
    ['list.length', 3],
    ["user['gr' ~ 'oups'][1]", 'adm'],
  ]);
});

describe('operators', () => {
  check([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['7 / 2', 3.5],
    ['7 // 2', 3],
    ['-7 // 2', -4],
    ['7 % 3', 1],
    ['-7 % 3', 2],
    ['2 ** 3 ** 2', 512],
    ['-port', -80],
    ['+port', 80],
    ["'a' + 'b'", 'ab'],
    ['[1] + [2]', [1, 2]],
    ["'ab' * 2", 'abab'],
    ['2 * [0]', [0, 0]],
    ["'port ' ~ port", 'port 80'],
    ["'x' ~ nothing ~ flag", 'xNoneTrue'], // Python's str(), as Ansible writes it
    ['1 ~ 2 * 3', '16'],
    ['1 ~ (2 + 3)', '15'],
    ['port == 80', true],
    ['port != 80', false],
    ['port > 10 and port < 100', true],
    ['1 < 2 < 3', true],
    ['3 > 2 > 2', false],
    ['1 <= 1', true],
    ['[1, 2] == [1, 2]', true],
    ["{'a': 1} == {'a': 1}", true],
    ["'1' == 1", false],
    ["'wheel' in user.groups", true],
    ["'root' not in user.groups", true],
    ["'eb' in name", true],
    ["'name' in user", true],
    ['not flag', false],
    // Python's truth, as Jinja's: the text 'no' is true, so `not no` is false (ansible-core 2.14 agrees).
    ['not no', false],
    ['not empty', true],
    ['not not flag', true],
    ['not port == 81', true],
    ['flag and port', 80],
    ['empty or name', 'web01'],
    ['nothing or empty', ''],
    ["'yes' if flag else 'no'", 'yes'],
    ["'yes' if not flag else 'no'", 'no'],
    ["'a' if false else 'b' if true else 'c'", 'b'],
    ["port + 1 if port > 1 else 0", 81],
  ]);
});

describe('short-circuit and undefined', () => {
  check([
    ['missing is defined and missing.y == 1', false],
    ['missing is undefined or missing.y == 1', true],
    ['missing.y.z is defined', false],
    ['user.nope is defined', false],
    ['user.nope is not defined', true],
    ['nothing.x is defined', false],
    ["missing | default('d')", 'd'],
    ['missing.deeper | default(5)', 5],
    ["('x' if false) | default('fallback')", 'fallback'],
    ['flag or missing', true],
    ['false and missing', false],
    ['[] | first | default(0)', 0],
    // Jinja's inline if without else is a plain Undefined even under Ansible: written as nothing.
    ["'x' if false", ''],
  ]);
  checkErrors([
    ['missing', `undefined variable 'missing' in "missing"`],
    ['missing == 1', `undefined variable 'missing' in "missing == 1"`],
    ['user.nope', `'user' has no attribute 'nope' in "user.nope"`],
    ["user['nope'] ~ 'x'", `'user' has no item "nope" in "user['nope'] ~ 'x'"`],
    ['list[10]', `'list' has no item 10 in "list[10]"`],
    ['nothing.x', `'nothing' is none, so it has no attribute 'x' in "nothing.x"`],
    ['missing.y.z', `undefined variable 'missing' in "missing.y.z"`],
    ['true and missing', `undefined variable 'missing' in "true and missing"`],
    ['[missing]', `undefined variable 'missing' in "[missing]"`],
  ]);
});

const testCases: Case[] = [
  ['port is defined', true],
  ['missing is defined', false],
  ['missing is undefined', true],
  ['nothing is none', true],
  ['port is none', false],
  ['name is string', true],
  ['port is string', false],
  ['port is number', true],
  ['3.5 is number', true],
  // Python's bool is an int, so Jinja's number test accepts it.
  ['flag is number', true],
  ['port is integer', true],
  ['3.5 is float', true],
  ['flag is boolean', true],
  ['user is mapping', true],
  ['list is mapping', false],
  ['list is iterable', true],
  ['name is iterable', true],
  ['port is iterable', false],
  ['list is sequence', true],
  ['result is changed', true],
  ['result is not changed', false],
  ['result is failed', false],
  ['failed_result is failed', true],
  ['result is succeeded', true],
  ['result is success', true],
  ['result is successful', true],
  ['failed_result is succeeded', false],
  ['skipped_result is skipped', true],
  ['result is skipped', false],
  ["name is match('web')", true],
  ["name is match('eb')", false],
  ["name is match('WEB', ignorecase=true)", true],
  ["name is search('eb')", true],
  ["name is search('^\\d')", false],
  ["result.stdout is search('^ready', multiline=true)", true],
  ["version is version('2.9', '>=')", true],
  ["version is version('2.14.1', '==')", true],
  ["version is version('2.14.10', 'lt')", true],
  ["version is version_compare('3', '<')", true],
  ["version is version('2.14.1')", true],
  ["'a' is in(['a', 'b'])", true],
  ["user.groups is contains('adm')", true],
  ["['adm'] is subset(user.groups)", true],
  ["user.groups is superset(['adm'])", true],
  ['port is eq(80)', true],
  ['port is equalto(81)', false],
  ['port is ne(81)', true],
  ['port is gt(79)', true],
  ['port is ge(80)', true],
  ['port is lt(80)', false],
  ['port is le(80)', true],
  ['4 is even', true],
  ['3 is odd', true],
  // Python truthiness, as Ansible's truthy test without convert_bool: the text 'no' is true.
  ["{'unreachable': true} is unreachable", true],
  ["{} is reachable", true],
  ["'/etc/hostname' is is_file", true],
  ["'/etc' is is_dir", true],
  ["'/proc/self' is is_link", true],
  ["'/proc/self' is link_exists", true],
  ["'/etc' is is_abs", true],
  ["'/' is is_mount", true],
  ["'/etc/hostname' is is_same_file('/etc/hostname')", true],
  ["[1, 2, 3] | select('==', 2) | list == [2]", true],
  ["[1, 2, 3] | select('!=', 2) | list == [1, 3]", true],
  ["[1, 2, 3] | select('<', 2) | list == [1]", true],
  ["[1, 2, 3] | select('<=', 2) | list == [1, 2]", true],
  ["[1, 2, 3] | select('>', 2) | list == [3]", true],
  ["[1, 2, 3] | select('>=', 2) | list == [2, 3]", true],
  ["no is truthy", true],
  ["no is falsy", false],
  ['port is ansible.builtin.number', true],
];

describe('tests (is ...)', () => {
  check(testCases);
  it('every test has a case in this file', () => {
    // The cases recorded from ansible-core count too (test/filters-match-ansible-2.14.test.ts).
    const recorded = (JSON.parse(readFileSync('test/fixtures/filter-parity/expected.json', 'utf8')) as { cases: { expr: string }[] }).cases;
    const source = [...testCases.map(([e]) => e), ...recorded.map((c) => c.expr)].join('\n');
    const escape = (name: string): string => name.replace(/[<>=!]/g, (c) => `\\${c}`);
    const covered = (name: string): boolean => new RegExp(`is (not )?${escape(name)}\\b|select\\('${escape(name)}'`).test(source);
    assert.deepEqual([...TESTS.keys()].filter((name) => !covered(name)), []);
  });
  checkErrors([
    ['name is changed', `The 'changed' test expects a dictionary (a registered task result), got a string at column 9\n    name is changed\n            ^`],
    // LooseVersion cannot order a word against a number; Ansible fails the same way.
    ["'1.0rc1' is version('1.0.1', '<')", `version comparison failed: cannot compare "rc" with 1 at column 13\n    '1.0rc1' is version('1.0.1', '<')\n                ^`],
    ['missing is string', `undefined variable 'missing' in "missing is string"`],
    ["version is version('1', 'newer')", `test 'version' has no operator "newer"; use one of < lt <= le > gt >= ge == = eq != <> ne at column 12\n    version is version('1', 'newer')\n               ^`],
    ['port is prime', `unknown test 'prime' at column 9\n    port is prime\n            ^`],
  ]);
});

describe('methods', () => {
  check([
    ["name.startswith('web')", true],
    ["name.startswith(('db', 'web'))", true],
    ["name.endswith('02')", false],
    ["'  x '.strip()", 'x'],
    ["'xxaxx'.strip('x')", 'a'],
    ["' x '.lstrip()", 'x '],
    ["' x '.rstrip()", ' x'],
    ["'a b  c'.split()", ['a', 'b', 'c']],
    ["'a,b,c'.split(',', 1)", ['a', 'b,c']],
    ['result.stdout.splitlines()', ['ok', 'ready']],
    ["name.upper()", 'WEB01'],
    ["'ABC'.lower()", 'abc'],
    ["name.replace('web', 'db')", 'db01'],
    ["name.find('01')", 3],
    ["', '.join(user.groups)", 'wheel, adm'],
    ['user.keys()', ['name', 'groups', 'shell']],
    ['result.get("rc")', 0],
    ['result.get("nope", 5)', 5],
    ["{'a': 1}.items()", [['a', 1]]],
    ["{'a': 1}.values()", [1]],
  ]);
  checkErrors([
    // Only methods that read exist: a mutation must not silently do nothing.
    ['list.append(4)', `a list has no method 'append' (list methods: index, count) at column 1\n    list.append(4)\n    ^`],
    ["'{2}'.format(1, 2)", `format: no value for field '{2}' at column 1\n    '{2}'.format(1, 2)\n    ^`],
  ]);
});

describe('functions', () => {
  check([
    ['range(3)', [0, 1, 2]],
    ['range(1, 7, 2)', [1, 3, 5]],
    ['range(3, 0, -1)', [3, 2, 1]],
  ]);
  checkErrors([
    ["lookup('nosuch', 'HOME')", `lookup plugin 'nosuch' is not supported by drover; drover has: dict, env, file, fileglob, first_found, indexed_items, items, lines, list, nested, password, pipe, random_choice, sequence, subelements, template, together, varnames, vars at column 1\n    lookup('nosuch', 'HOME')\n    ^`],
    ['range(10 ** 9)', `range of 1000000000 items is longer than the 100000 allowed at column 1\n    range(10 ** 9)\n    ^`],
  ]);
});
