// renderValue: (template, variables) -> value or exact error text. Playbook
// values are Jinja; the Handlebars helpers are checked in a .hbs template file.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { FILTERS, HELPERS, renderString, renderText, renderValue, Scope, TemplateError, UndefinedVariableError } from '../runner/template/index.js';
import { toText } from '../runner/template/values.js';

const vars = {
  host: 'web01',
  port: 80,
  enabled: true,
  off: false,
  nothing: null,
  zero: 0,
  packages: ['nginx', 'curl'],
  nums: [3, 1, 3, 2],
  user: { name: 'alice', shell: '/bin/bash', groups: ['wheel'] },
  users: [
    { name: 'bob', admin: true },
    { name: 'al', admin: false },
  ],
  conf: { a: 1 },
  path: '/etc/app/app.conf',
  html: '<b>&"\'</b>',
  json: '{"k": [1]}',
  items: [{ key: 'x', value: 1 }],
  b64: 'aGk=',
};
const scope = new Scope([{ source: 'test', vars }]);

function table(cases: [unknown, unknown][]): void {
  for (const [template, expected] of cases) {
    it(JSON.stringify(template), () => assert.deepEqual(renderValue(template, scope), expected));
  }
}

describe('plain values pass through untouched', () => {
  it('same references when nothing is templated', () => {
    const value = { a: ['x', 1, { b: 'no braces' }], c: null };
    assert.equal(renderValue(value, scope), value);
  });
  it('only changed containers are copied', () => {
    const inner = { keep: 'as is' };
    const value = { inner, t: '{{ port }}' };
    const out = renderValue(value, scope) as Record<string, unknown>;
    assert.notEqual(out, value);
    assert.equal(out['inner'], inner);
  });
  table([
    ['no template', 'no template'],
    ['{ single brace }', '{ single brace }'],
    [42, 42],
    [null, null],
    [true, true],
  ]);
});

describe('a single {{ expr }} keeps its type', () => {
  table([
    ['{{ packages }}', ['nginx', 'curl']],
    ['{{ port }}', 80],
    ['{{port}}', 80],
    ['  {{ port }}\n', 80],
    ['{{ enabled }}', true],
    ['{{ off }}', false],
    ['{{ nothing }}', null],
    ['{{ zero }}', 0],
    ['{{ user }}', vars.user],
    ['{{ port + 1 }}', 81],
    ['{{ packages | length }}', 2],
    ["{{ missing | default(['a']) }}", ['a']],
    ['{{ missing | default(5) }}', 5],
    ['{{ port | default(5) }}', 80],
    ['{{ port == 80 }}', true],
    ['{# note #}{{ port }}', 80],
    // Text keeps the whitespace around it.
    ['  {{ host }}\n', '  web01\n'],
    [{ list: '{{ packages }}', n: ['{{ port }}'] }, { list: ['nginx', 'curl'], n: [80] }],
  ]);
});

describe('interpolation in longer strings', () => {
  table([
    ['http://{{ host }}:{{ port }}/', 'http://web01:80/'],
    ['http://{{ host }}:{{ port | default(8080) }}', 'http://web01:80'],
    ["{{ missing | default('x') }}-{{ host | upper }}", 'x-WEB01'],
    // Mixed text writes each value as Python's str(), as Ansible does.
    ['pkgs={{ packages }}', "pkgs=['nginx', 'curl']"],
    ['user={{ user }}', "user={'name': 'alice', 'shell': '/bin/bash', 'groups': ['wheel']}"],
    ['[{{ nothing }}]', []], // '[]' reads as a Python literal, as in Ansible
    ['{{ enabled }}/{{ off }}', 'True/False'],
    ['{{ html }}', '<b>&"\'</b>'],
    ['raw {{ html }} text', 'raw <b>&"\'</b> text'],
    ["{{ {'a': {'b': 1}} }}", { a: { b: 1 } }],
    ["x{{ {'a': {'b': 1}} }}", "x{'a': {'b': 1}}"],
    ["{{ '}}' }}", '}}'],
    ["<{{ 'a' ~ '}}' }}>", '<a}}>'],
    // A backslash is text in Jinja; {% raw %} writes a literal {{.
    ['\\{{ host }} is text', '\\web01 is text'],
    ['{% raw %}{{ host }}{% endraw %} is literal', '{{ host }} is literal'],
    ['{{ "a" if enabled else "b" }}{{ port * 2 }}', 'a160'],
    ['{{ packages | join(",") }} and {{ host | upper }}', 'nginx,curl and WEB01'],
    ['{% if enabled %}on{% else %}off{% endif %}', 'on'],
    ['{% for p in packages %}{{ p }};{% endfor %}', 'nginx;curl;'],
    ['{{- host -}}   !', 'web01!'],
    ['a  {{- host }}', 'aweb01'],
  ]);
});

// Every helper, in Handlebars syntax (the same functions serve as filters).
const helperCases: [string, unknown][] = [
  ["{{default missing 'x'}}", 'x'],
  ["{{default '' 'x' true}}", 'x'],
  ["{{d missing 1}}", 1],
  ["{{defined missing}}", false],
  ["{{defined port}}", true],
  ["{{mandatory port}}", 80],
  ["{{join packages ', '}}", 'nginx, curl'],
  ['{{to_json conf}}', '{"a": 1}'],
  ['{{to_nice_json conf indent=2}}', '{\n  "a": 1\n}'],
  ['{{to_yaml conf}}', '{a: 1}\n'],
  ['{{from_json json}}', { k: [1] }],
  ["{{from_yaml 'a: [1]'}}", { a: [1] }],
  ['{{basename path}}', 'app.conf'],
  ['{{dirname path}}', '/etc/app'],
  ['{{lower "AbC"}}', 'abc'],
  ['{{upper host}}', 'WEB01'],
  ["{{trim '  x '}}", 'x'],
  ["{{replace host 'web' 'db'}}", 'db01'],
  ["{{regex_replace host '\\d+' 'NN'}}", 'webNN'],
  ["{{regex_search host '\\d+'}}", '01'],
  ['{{eq port 80}}', true],
  ['{{ne port 80}}', false],
  ['{{lt port 81}}', true],
  ['{{le port 80}}', true],
  ['{{gt port 81}}', false],
  ['{{ge port 80}}', true],
  ['{{and enabled port}}', 80],
  ['{{and off port}}', false],
  ["{{or nothing 'fallback'}}", 'fallback'],
  ['{{not off}}', true],
  ['{{length packages}}', 2],
  ['{{count packages}}', 2],
  ["{{int '12'}}", 12],
  ["{{float '1.5'}}", 1.5],
  ["{{bool 'yes'}}", true],
  ["{{ternary enabled 'on' 'off'}}", 'on'],
  ['{{round 1.26 1}}', 1.3],
  ['{{string port}}', '80'],
  ['{{first packages}}', 'nginx'],
  ['{{last packages}}', 'curl'],
  ['{{keys conf}}', ['a']],
  ['{{values conf}}', [1]],
  ['{{dict2items conf}}', [{ key: 'a', value: 1 }]],
  ['{{items2dict items}}', { x: 1 }],
  ['{{combine conf user recursive=true}}', { a: 1, ...vars.user }],
  ['{{unique nums}}', [3, 1, 2]],
  ['{{sort nums}}', [1, 2, 3, 3]],
  ['{{sort nums reverse=true}}', [3, 3, 2, 1]],
  ["{{b64encode 'hi'}}", 'aGk='],
  ['{{b64decode b64}}', 'hi'],
  ["{{quote \"it's\"}}", `'it'"'"'s'`],
  ['{{hash host}}', createHash('sha1').update('web01').digest('hex')],
  ["{{hash host 'sha1'}}", createHash('sha1').update('web01').digest('hex')],
  ['{{checksum host}}', createHash('sha1').update('web01').digest('hex')],
  ['{{range 3}}', [0, 1, 2]],
  ["{{lookup user 'name'}}", 'alice'],
  ['{{flatten (range 2)}}', [0, 1]],
  ['{{min nums}}', 1],
  ['{{max nums}}', 3],
  ['{{sum nums}}', 9],
  ["{{list 'ab'}}", ['a', 'b']],
  ["{{map users attribute='name'}}", ['bob', 'al']],
  ["{{map packages 'upper'}}", ['NGINX', 'CURL']],
  ["{{select nums 'gt' 2}}", [3, 3]],
  ["{{reject nums 'gt' 2}}", [1, 2]],
  ["{{selectattr users 'admin'}}", [vars.users[0]]],
  ["{{rejectattr users 'admin'}}", [vars.users[1]]],
  ["{{format '%02d-%s-%5.1f|%-4x|%+d|%%' 7 'a' 2.71 255 3}}", '07-a-  2.7|ff  |+3|%'],
  ["{{extract 'a' conf}}", 1],
  ['{{union nums packages}}', [3, 1, 2, 'nginx', 'curl']],
  ['{{intersect nums (range 3)}}', [1, 2]],
  ['{{difference nums (range 3)}}', [3]],
  ['{{symmetric_difference nums (range 3)}}', [3, 0]],
  ['{{#if (and enabled (gt port 10))}}yes{{/if}}', 'yes'],
  ["{{#each (range 1 4)}}{{this}}{{/each}}", '123'],
];

describe('helpers', () => {
  // Handlebars renders text: a helper's value is written as text (lists and dicts as JSON).
  for (const [template, expected] of helperCases) {
    it(template, () => assert.equal(renderText(template, scope, 'helpers.hbs'), typeof expected === 'string' ? expected : toText(expected)));
  }
  it('every helper has a case in this file', () => {
    const source = helperCases.map(([t]) => t).join('\n');
    // Filters are helpers through the same table; the cases recorded from ansible-core cover them.
    const untested = [...HELPERS.keys()].filter((name) => !FILTERS.has(name) || ['lower', 'upper', 'join', 'default'].includes(name)).filter((name) => !new RegExp(`[{(]${name}\\b`).test(source));
    assert.deepEqual(untested, []);
  });
});

describe('errors in Handlebars templates (.hbs files)', () => {
  const cases: [string, string][] = [
    ['{{#if foo}}x{{/if}}', `undefined variable 'foo' in "{{#if foo}}x{{/if}}"`],
    ['{{#each foo}}x{{/each}}', `undefined variable 'foo' in "{{#each foo}}x{{/each}}"`],
    ['{{ upper foo }}', `undefined variable 'foo' in "{{ upper foo }}"`],
    ['{{ join user.nope "," }}', `'user' has no attribute 'nope' in "{{ join user.nope \\",\\" }}"`],
    ['{{ nohelper port }}', `unknown helper 'nohelper' in "{{ nohelper port }}"`],
    ['{{ jion packages }}', `unknown helper 'jion' (did you mean 'join'?) in "{{ jion packages }}"`],
    ['{{ mandatory foo }}', `Mandatory variable 'foo' not defined in "{{ mandatory foo }}"`],
    ['{{#if port}}', `template syntax error: unexpected end of text (is a {{#block}} not closed?) on line 1 in "{{#if port}}"`],
    ['{{#if port}}{{/each}}', `template syntax error: if doesn't match each - 1:3 in "{{#if port}}{{/each}}"`],
    ['{{#foo port}}{{/foo}}', `unknown block helper '#foo' (drover templates have #if, #unless, #each and #with) in "{{#foo port}}{{/foo}}"`],
    ['{{#if port enabled}}{{/if}}', `{{#if}} takes exactly one value, got 2 in "{{#if port enabled}}{{/if}}"`],
    ['{{#each port}}x{{/each}}', `{{#each}} needs a list or dict, got a number in "{{#each port}}x{{/each}}"`],
    ['{{> partial }}', `partials are not supported in drover templates in "{{> partial }}"`],
    ['{{{{raw}}}}x{{{{/raw}}}}', `raw blocks ({{{{raw}}}}) are not supported; write \\{{ for a literal {{ in "{{{{raw}}}}x{{{{/raw}}}}"`],
    ['{{ @index }}', `undefined data variable '@index' in "{{ @index }}"`],
    ['{{ ../port }}', `'../port' goes above the top of the template in "{{ ../port }}"`],
  ];
  for (const [template, message] of cases) {
    // The same message as before, located in the file instead of the value.
    const detail = message.slice(0, message.lastIndexOf(' in "'));
    it(template, () =>
      assert.throws(
        () => renderText(template, scope, 'case.hbs'),
        (e: Error) => (assert.ok(e instanceof TemplateError, e.constructor.name), assert.ok(e.message.startsWith(`${detail} in case.hbs`), e.message), true),
      ));
  }
});

describe('errors', () => {
  const cases: [string, string][] = [
    ['{{ foo }}', `undefined variable 'foo' in "{{ foo }}"`],
    ['x {{ foo }} y', `undefined variable 'foo' in "x {{ foo }} y"`],
    ['{{ foo.bar }}', `undefined variable 'foo' in "{{ foo.bar }}"`],
    ['{{ user.nope }}', `'user' has no attribute 'nope' in "{{ user.nope }}"`],
    ['{{ user.nope.deeper }}', `'user' has no attribute 'nope' in "{{ user.nope.deeper }}"`],
    ['{{ x | }}', `expected a filter name, got end of expression at column 6 in "{{ x | }}"\n     x | \n         ^`],
    ['a {{ port | nope }}', `unknown filter 'nope' at column 9 in "a {{ port | nope }}"\n     port | nope \n            ^`],
    ["{{ 'a' + 1 }}", `cannot apply '+' to a string and a number (use ~ to join values as text) at column 2 in "{{ 'a' + 1 }}"\n     'a' + 1 \n     ^`],
  ];
  for (const [template, message] of cases) {
    it(template, () =>
      assert.throws(
        () => renderValue(template, scope),
        (e: Error) => (assert.ok(e instanceof TemplateError, e.constructor.name), assert.equal(e.message, message), true),
      ));
  }
  it('undefined variables are UndefinedVariableError with the name', () =>
    assert.throws(() => renderValue({ a: ['{{ foo }}'] }, scope), (e: Error) => e instanceof UndefinedVariableError && e.variable === 'foo'));
  it('long values are shortened in messages', () =>
    assert.throws(() => renderString(`${'x'.repeat(200)}{{ foo }}`, scope), {
      message: `undefined variable 'foo' in "${'x'.repeat(119)}…"`,
    }));
});
