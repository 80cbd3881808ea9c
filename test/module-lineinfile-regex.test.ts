// The Python-regex translation lineinfile and blockinfile use, checked against
// Python itself: every expectation below was recorded with CPython's `re` on
// bytes (as Ansible matches), so offsets are byte offsets and groups are byte
// strings. No host needed: this is the pure part.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compilePython, expandTemplate, toBytes } from '../modules/support/python-regex.js';

interface MatchCase {
  pattern: string;
  subject: string;
  /** [start, end, groups] in bytes, or null for no match. */
  match?: [number, number, (string | null)[]] | null;
  template?: string;
  expanded?: string;
  error?: string;
}

// Recorded with CPython 3.11 re (bytes patterns and subjects).
const CASES: MatchCase[] = [
  {"pattern": "^a=1$", "subject": "a=1\n", "match": [0, 3, []]},
  {"pattern": "^a=1$", "subject": "a=1\r\n", "match": null},
  {"pattern": "^key=.*$", "subject": "key=1\r\n", "match": [0, 6, []]},
  {"pattern": "a.c", "subject": "a\nc", "match": null},
  {"pattern": "(?s)a.c", "subject": "a\nc", "match": [0, 3, []]},
  {"pattern": "(?i)^HELLO", "subject": "hello world\n", "match": [0, 5, []]},
  {"pattern": "(?P<k>\\w+)=(?P<v>.*)$", "subject": "name=value\n", "match": [0, 10, ["name", "value"]]},
  {"pattern": "(?P<q>['\"]).*(?P=q)", "subject": "say \"hi\" now", "match": [4, 8, ["\""]]},
  {"pattern": "\\Aab", "subject": "ab\n", "match": [0, 2, []]},
  {"pattern": "ab\\Z", "subject": "ab\n", "match": null},
  {"pattern": "ab\\Z", "subject": "xab", "match": [1, 3, []]},
  {"pattern": "[]a]+", "subject": "x]a]y", "match": [1, 4, []]},
  {"pattern": "[^]a]+", "subject": "]]bc", "match": [2, 4, []]},
  {"pattern": "x(?#comment)y", "subject": "xy", "match": [0, 2, []]},
  {"pattern": "(?m)^b$", "subject": "a\nb\nc\n", "match": [2, 3, []]},
  {"pattern": "^b$", "subject": "a\nb\nc\n", "match": null},
  {"pattern": "(?m)c$", "subject": "a\nb\nc\n", "match": [4, 5, []]},
  {"pattern": "\\d+", "subject": "abc 123", "match": [4, 7, []]},
  {"pattern": "\\bword\\b", "subject": "a word here", "match": [2, 6, []]},
  {"pattern": "żółw", "subject": "to żółw!", "match": [3, 10, []]},
  {"pattern": "^.$", "subject": "é", "match": null},
  {"pattern": "^..$", "subject": "é", "match": [0, 2, []]},
  {"pattern": "a{2,3}", "subject": "caaaat", "match": [1, 4, []]},
  {"pattern": "(a)|(b)", "subject": "b", "match": [0, 1, [null, "b"]]},
  {"pattern": "\\$\\(", "subject": "x $( y", "match": [2, 4, []]},
  {"pattern": "x\\n", "subject": "x\n", "match": [0, 2, []]},
  {"pattern": "^(\\w+)=(.*)$", "subject": "key=value", "template": "\\2=\\1", "expanded": "value=key"},
  {"pattern": "^(?P<k>\\w+)=(.*)$", "subject": "key=value", "template": "\\g<k>: \\g<2> \\g<0>", "expanded": "key: value key=value"},
  {"pattern": "(a)(b)?", "subject": "a", "template": "[\\1|\\2]", "expanded": "[a|]"},
  {"pattern": "(x)", "subject": "x", "template": "tab\\there\\nnl \\\\ back \\& amp", "expanded": "tab\there\nnl \\ back \\& amp"},
  {"pattern": "(x)", "subject": "x", "template": "\\10", "error": "invalid group reference 10 at position 1"},
  {"pattern": "(x)", "subject": "x", "template": "\\0", "expanded": "\u0000"},
  {"pattern": "(x)", "subject": "x", "template": "\\q", "error": "bad escape \\q at position 0"},
  {"pattern": "((x)(x)(x)(x)(x)(x)(x)(x)(x)(x)(x))", "subject": "xxxxxxxxxxx", "template": "\\11", "expanded": "x"},
];

describe('Python regexes behave as in Python', () => {
  for (const c of CASES.filter((c) => c.template === undefined)) {
    test(`${JSON.stringify(c.pattern)} on ${JSON.stringify(c.subject)}`, () => {
      const m = compilePython(toBytes(c.pattern), 'regexp').regex.exec(toBytes(c.subject));
      assert.deepEqual(m && [m.index, m.index + m[0].length, m.slice(1).map((g) => g ?? null)], c.match);
    });
  }
});

describe('backrefs templates expand as match.expand does', () => {
  for (const c of CASES.filter((c) => c.template !== undefined)) {
    test(`${JSON.stringify(c.template)}`, () => {
      const m = compilePython(toBytes(c.pattern), 'regexp').regex.exec(toBytes(c.subject))!;
      if (c.error) assert.throws(() => expandTemplate(toBytes(c.template!), m), /invalid group reference|bad escape/);
      else assert.equal(expandTemplate(toBytes(c.template!), m), c.expanded);
    });
  }

  test('flags Python allows but JavaScript cannot express are refused with a clear message', () => {
    assert.throws(() => compilePython('(?x) a b', 'regexp'), /verbose flag/);
    assert.throws(() => compilePython('(?i:a)b', 'regexp'), /scoped flags/);
    assert.throws(() => compilePython('(', 'regexp'), /not a valid regular expression/);
  });
});
