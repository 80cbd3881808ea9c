// Errors of the condition language: (expression) -> exact message, with the
// column and a caret under the expression text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateExpression, Scope } from '../runner/template/index.js';

const scope = new Scope([{ source: 'test', vars: { port: 80, name: 'web01' } }]);

function checkErrors(cases: [expression: string, message: string][]): void {
  for (const [expression, message] of cases) {
    it(expression, () => assert.throws(() => evaluateExpression(expression, scope), (e: Error) => (assert.equal(e.message, message), true)));
  }
}

describe('type errors point at the operator', () => {
  checkErrors([
    ["'port ' + port", `cannot apply '+' to a string and a number (use ~ to join values as text) at column 1\n    'port ' + port\n    ^`],
    ['port / 0', `division by zero at column 1\n    port / 0\n    ^`],
    ["port < 'a'", `cannot compare a number with a string at column 1\n    port < 'a'\n    ^`],
    ['-name', `unary '-' needs a number, got a string at column 1\n    -name\n    ^`],
    ["1 in 'abc'", `'in <string>' needs a string on the left, got a number at column 1\n    1 in 'abc'\n    ^`],
    ['{[1]: 2}', `a dict key must be a string or number, got a list at column 1\n    {[1]: 2}\n    ^`],
    ["'a' * 10000000", `repetition would make 10000000 items, more than allowed at column 1\n    'a' * 10000000\n    ^`],
  ]);
});

describe('parse errors show the column and a caret', () => {
  checkErrors([
    ['port ==', 'unexpected end of expression at column 8\n    port ==\n           ^'],
    ['port = 1', "unexpected '=' at column 6\n    port = 1\n         ^"],
    ['(port', "expected ')', got end of expression at column 6\n    (port\n         ^"],
    ["'open", 'unterminated string at column 1\n    \'open\n    ^'],
    ['port $ 1', 'unexpected character "$" at column 6\n    port $ 1\n         ^'],
    ['', 'empty expression at column 1\n    \n    ^'],
    ['a and', 'unexpected end of expression at column 6\n    a and\n         ^'],
    ['and a', "unexpected 'and' at column 1\n    and a\n    ^"],
    ['x |', 'expected a filter name, got end of expression at column 4\n    x |\n       ^'],
    ['x is', 'expected a test name, got end of expression at column 5\n    x is\n        ^'],
    ['x.', "expected an attribute name after '.', got end of expression at column 3\n    x.\n      ^"],
    ['f(a=1, 2)', 'a positional argument cannot follow a keyword argument at column 8\n    f(a=1, 2)\n           ^'],
    ['a\nand (b', "expected ')', got end of expression at line 2 column 7\n    and (b\n          ^"],
    ['('.repeat(150) + '1' + ')'.repeat(150), `expression nested more than 100 levels deep at column 102\n    ${'('.repeat(150)}1${')'.repeat(150)}\n    ${' '.repeat(101)}^`],
  ]);
});
