// Injection safety: playbook text can read data and call our own filters, and
// nothing else. Attempts to reach prototypes, constructors, functions or the
// process yield an error (or undefined) and execute nothing; random input only
// ever raises TemplateError (ExpressionError is one), never an internal crash.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { evaluateCondition, evaluateExpression, renderText, renderValue, Scope, TemplateError } from '../runner/template/index.js';

const vars = { name: 'web', user: { name: 'alice' }, list: [1, 2], n: 1, s: '{{ name }}' };
const scope = new Scope([{ source: 'test', vars }]);

const exact: [string, string][] = [
  ['constructor', `undefined variable 'constructor' in "constructor"`],
  ['__proto__', `undefined variable '__proto__' in "__proto__"`],
  ['this', `undefined variable 'this' in "this"`],
  ['process', `undefined variable 'process' in "process"`],
  ['globalThis', `undefined variable 'globalThis' in "globalThis"`],
  ['name.constructor', `'name' has no attribute 'constructor' in "name.constructor"`],
  ["user['__proto__']", `'user' has no item "__proto__" in "user['__proto__']"`],
  ['user.prototype', `'user' has no attribute 'prototype' in "user.prototype"`],
  ['list.constructor', `'list' has no attribute 'constructor' in "list.constructor"`],
  ['user.toString', `'user' has no attribute 'toString' in "user.toString"`],
  ["x.constructor('return process')()", "only filters, tests, range() and string/dict methods can be called at column 1\n    x.constructor('return process')()\n    ^"],
  ["name.constructor('return process')", "a string has no method 'constructor' (string methods: see docs/filters.md) at column 1\n    name.constructor('return process')\n    ^"],
  ["name.toString()", "a string has no method 'toString' (string methods: see docs/filters.md) at column 1\n    name.toString()\n    ^"],
  ["user.hasOwnProperty('name')", "a dict has no method 'hasOwnProperty' (dict methods: keys, values, items, copy, get) at column 1\n    user.hasOwnProperty('name')\n    ^"],
  ["require('child_process')", "unknown function 'require' at column 1\n    require('child_process')\n    ^"],
  // Lookups are a closed table too (pipe is Ansible's own, run on the controller; see lookups-files.ts).
  ["lookup('constructor', 'id')", "lookup plugin 'constructor' is not supported by drover; drover has: dict, env, file, fileglob, first_found, indexed_items, items, lines, list, nested, password, pipe, random_choice, sequence, subelements, template, together, varnames, vars at column 1\n    lookup('constructor', 'id')\n    ^"],
  // A filter named by a value is missing in Ansible's words (JinjaPluginIntercept).
  ["name | map('constructor')", "Could not load \"constructor\": 'constructor' at column 8\n    name | map('constructor')\n           ^"],
  ['(name)()', "unknown function 'name' at column 2\n    (name)()\n     ^"],
  ['name[0]()', 'only filters, tests, range() and string/dict methods can be called at column 1\n    name[0]()\n    ^'],
  ['n.__defineGetter__', `'n' has no attribute '__defineGetter__' in "n.__defineGetter__"`],
];

describe('expressions cannot reach JavaScript', () => {
  for (const [expression, message] of exact) {
    it(expression, () => assert.throws(() => evaluateExpression(expression, scope), (e: Error) => (assert.equal(e.message, message), true)));
  }
  it('`is defined` says no to prototype members', () => {
    for (const path of ['user.constructor', 'user.__proto__', 'list.__proto__', "name['constructor']", 'user.valueOf', 'this']) {
      assert.equal(evaluateCondition(`${path} is defined`, scope), false, path);
    }
  });
  it('__proto__ keys are plain data and pollute nothing', () => {
    const value = evaluateExpression("{'__proto__': {'polluted': 1}} | combine({'__proto__': {'x': 2}}, recursive=true)", scope);
    assert.deepEqual(Object.keys(value as object), ['__proto__']);
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.deepEqual(evaluateExpression("[{'key': '__proto__', 'value': 1}] | items2dict", scope), JSON.parse('{"__proto__": 1}'));
  });
  it('a function smuggled into the variables is never returned or called', () => {
    let called = false;
    const evil = new Scope([{ source: 'engine', vars: { f: () => (called = true), o: { g: () => (called = true) } } }]);
    assert.throws(() => evaluateExpression('f()', evil), TemplateError);
    assert.throws(() => evaluateExpression('o.g()', evil), TemplateError);
    assert.equal(evaluateCondition('o.g is defined', evil), false);
    assert.throws(() => renderValue('{{ o.g }}', evil), TemplateError);
    assert.equal(called, false);
  });
});

const templates: string[] = [
  '{{ lookup user "constructor" }}',
  '{{ lookup (lookup user "constructor") "prototype" }}',
  '{{#with user.constructor}}x{{/with}}',
  '{{#each user.__proto__}}x{{/each}}',
  '{{@root.constructor}}',
  '{{#with user}}{{../constructor}}{{/with}}',
  '{{#with user}}{{this.constructor}}{{/with}}',
  '{{#with user}}{{ this.constructor.name }}{{/with}}',
  '{{ user.constructor.constructor "return process" }}',
  '{{> evil}}',
  '{{#*inline "x"}}y{{/inline}}',
  '{{ constructor }}',
  '{{#each list}}{{ constructor }}{{/each}}',
  '{{{{raw}}}}{{x}}{{{{/raw}}}}',
];

describe('templates cannot reach JavaScript', () => {
  for (const template of templates) {
    it(template, () => assert.throws(() => renderValue(template, scope), TemplateError));
  }
});

// Pieces that exercise both grammars, glued at random.
const pieces = [
  '{{', '}}', '{{#if', '{{/if}}', '{{#each', '{{/each}}', '{{else}}', '{{~', '~}}', '{{!', '{{!--', '--}}', '{{{', '}}}', '\\{{',
  'name', 'user', 'list', 'n', 's', 'this', '@index', '../', '.', '[', ']', '(', ')', '{', '}', ',', ':', '|', 'default', 'lower',
  'join', 'is', 'not', 'defined', 'in', 'and', 'or', 'if', 'else', '==', '<', '+', '-', '*', '/', '//', '%', '**', '~', "'", '"',
  "'x'", '1', '0', '-1', '1.5', 'none', 'true', 'constructor', '__proto__', ' ', '\n', 'as |x|', '=', '#', '@', '\\', 'é', '\0',
];
const soup = fc.array(fc.constantFrom(...pieces), { maxLength: 25 }).map((parts) => parts.join(''));
const noise = fc.oneof(soup, fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));

function onlyTemplateErrors(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
  }
}

describe('random input raises only TemplateError', () => {
  it('expressions and conditions', () => {
    fc.assert(
      fc.property(noise, (text) => {
        onlyTemplateErrors(() => evaluateExpression(text, scope));
        onlyTemplateErrors(() => evaluateCondition(text, scope));
      }),
      { numRuns: 3000 },
    );
  });
  it('values and template files', () => {
    fc.assert(
      fc.property(noise, (text) => {
        onlyTemplateErrors(() => renderValue(text, scope));
        onlyTemplateErrors(() => renderValue(`{{ ${text} }}`, scope));
        onlyTemplateErrors(() => renderText(`a\n${text}\nb`, scope, 'fuzz.hbs'));
      }),
      { numRuns: 3000 },
    );
  });
});
