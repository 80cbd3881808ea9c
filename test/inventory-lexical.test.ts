// The small readers under the INI format: Python literal values (expected
// values checked against CPython's ast.literal_eval as Ansible converts them),
// shell-like word splitting (checked against shlex.split), host ranges.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePythonValue } from '../runner/inventory/pyliteral.js';
import { shlexSplit } from '../runner/shlex.js';
import { expandHostnameRange, expandHostPattern, parseAddress } from '../runner/inventory/addresses.js';

const LITERALS: Array<[string, unknown]> = [
  ['80', 80], ['-1', -1], ['- 3', -3], ['+5', 5], ['--1', '--1'], ['1.5', 1.5], ['1.', 1], ['.5', 0.5], ['1e3', 1000],
  ['1_000', 1000], ['1__0', '1__0'], ['0x1F', 31], ['0o17', 15], ['0b101', 5], ['00', 0],
  ['0644', '0644'], ['10.0.0.1', '10.0.0.1'], ['12abc', '12abc'], ['1j', '1j'], ['1+2', '1+2'],
  ['True', true], ['False', false], ['None', null], ['true', 'true'], ['yes', 'yes'], ['FALSE', 'FALSE'], ['-True', '-True'],
  ["'a'", 'a'], ['"b"', 'b'], ["'a' 'b'", 'ab'], ['\'a\' "b"', 'ab'], ["b'x'", 'x'], ["r'\\n'", '\\n'], ["u'x'", 'x'], ["f'x'", "f'x'"],
  ["'\\n\\t\\x41\\101\\u00e9'", '\n\tAAé'], ["'\\q'", '\\q'], ["'''tri'''", 'tri'], ['"it\'s"', "it's"], ["'unterminated", "'unterminated"],
  ["[1, 'two', [3]]", [1, 'two', [3]]], ['[1,]', [1]], ['[]', []], ['()', []], ['(1)', 1], ['(1,)', [1]], ['(1, 2)', [1, 2]],
  ['1, 2', [1, 2]], ['1,', [1]], ['{}', {}], ["{'a': 1, 'b': [2]}", { a: 1, b: [2] }], ['{1: 2}', { 1: 2 }], ['{1, 2, 2}', [1, 2]],
  ['set()', []], ["{'a': {'b': None}}", { a: { b: null } }], ['[1, 2', '[1, 2'], ['None None', 'None None'],
  ['8080 # comment', 8080], ['bar # comment', 'bar # comment'], ['', ''], ['...', '...'], ['$HOME', '$HOME'], ['a=b', 'a=b'],
  ['9007199254740993', '9007199254740993'], // beyond exact JS integers: kept as text rather than rounded
];

describe('Python literal values', () => {
  for (const [text, value] of LITERALS) {
    it(`${JSON.stringify(text)} -> ${JSON.stringify(value)}`, () => assert.deepEqual(parsePythonValue(text), value));
  }
});

const WORDS: Array<[string, string[] | string]> = [
  ['web01 ansible_host=10.0.0.1 ansible_port=2222', ['web01', 'ansible_host=10.0.0.1', 'ansible_port=2222']],
  ['h tags=\'["a","b"]\'', ['h', 'tags=["a","b"]']],
  ['h pass=ab#c d=e', ['h', 'pass=ab']],
  ['h x="a b" y=\'c d\'', ['h', 'x=a b', 'y=c d']],
  ['h x="a\\"b" y="a\\\\b" z="a\\nb"', ['h', 'x=a"b', 'y=a\\b', 'z=a\\nb']],
  ['h x=a\\ b', ['h', 'x=a b']],
  ["h x='' '' y", ['h', 'x=', '', 'y']],
  ['h\tx=1', ['h', 'x=1']],
  ['h x="unterminated', 'No closing quotation'],
  ['h x=\\', 'No escaped character'],
];

describe('host line words (shlex)', () => {
  for (const [line, words] of WORDS) {
    it(line, () => {
      if (typeof words === 'string') assert.throws(() => shlexSplit(line, { comments: true }), { message: words });
      else assert.deepEqual(shlexSplit(line, { comments: true }), words);
    });
  }
});

describe('host ranges and addresses', () => {
  const RANGES: Array<[string, string[]]> = [
    ['node[01:03]', ['node01', 'node02', 'node03']],
    ['node[8:10]', ['node8', 'node9', 'node10']],
    ['db-[a:c]', ['db-a', 'db-b', 'db-c']],
    ['node[0:20:5]', ['node0', 'node5', 'node10', 'node15', 'node20']],
    ['node[001:010:4]', ['node001', 'node005', 'node009']],
    ['r[1:2]-[a:b].example.com', ['r1-a.example.com', 'r1-b.example.com', 'r2-a.example.com', 'r2-b.example.com']],
    ['x[:2]', ['x0', 'x1', 'x2']],
    ['x[3:1]', []], // Ansible expands a reversed numeric range to nothing
  ];
  for (const [pattern, hosts] of RANGES) {
    it(`${pattern} -> ${hosts.length} hosts`, () => assert.deepEqual(expandHostnameRange(pattern), hosts));
  }

  it('rejects malformed ranges', () => {
    assert.throws(() => expandHostnameRange('x[1]'), { message: "host range in 'x[1]' must be begin:end or begin:end:step" });
    assert.throws(() => expandHostnameRange('x[01:100]'), { message: "host range in 'x[01:100]' must specify equal-length begin and end formats" });
    assert.throws(() => expandHostnameRange('x[c:a]'), { message: "host range in 'x[c:a]' must have begin <= end" });
  });

  it('splits host:port, [ipv6]:port and leaves bare IPv6 alone', () => {
    assert.deepEqual(expandHostPattern('web[1:2]:2222'), { hosts: ['web1', 'web2'], port: 2222 });
    assert.deepEqual(expandHostPattern('[fe80::1]:22'), { hosts: ['fe80::1'], port: 22 });
    assert.deepEqual(expandHostPattern('fe80::2'), { hosts: ['fe80::2'], port: undefined });
    assert.deepEqual(expandHostPattern('10.0.0.[1:2]'), { hosts: ['10.0.0.1', '10.0.0.2'], port: undefined });
    assert.equal(parseAddress('web*', true), undefined);
    assert.equal(parseAddress('web[1:2]', false), undefined);
  });
});
