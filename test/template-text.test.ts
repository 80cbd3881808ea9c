// renderText: whole template files (the template module): Handlebars blocks,
// Jinja-style filters inside them, and errors that say NAME:LINE:COLUMN.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderText, Scope } from '../runner/template/index.js';

const scope = new Scope([
  {
    source: 'test',
    vars: {
      domain: 'example.org',
      servers: [
        { name: 'web01', ip: '10.0.0.1', roles: ['http'] },
        { name: 'db01', ip: '10.0.0.2', roles: [] },
      ],
      limits: { nofile: 1024, nproc: 64 },
      empty: [],
      admin: { name: 'alice', email: 'a@example.org' },
      debug: 'no',
      level: 2,
      motd: 'Welcome <admin> & "friends"',
      url: 'https://{{ domain }}/',
    },
  },
]);

const cases: [name: string, template: string, expected: string][] = [
  ['no mustaches', 'plain {text}\n', 'plain {text}\n'],
  ['no HTML escaping', '{{ motd }}\n{{{ motd }}}\n', 'Welcome <admin> & "friends"\nWelcome <admin> & "friends"\n'],
  ['lazy variables', 'url={{ url }}\n', 'url=https://example.org/\n'],
  [
    'each over a list, standalone lines removed',
    '{{#each servers}}\n{{ name }} {{ ip }}{{#if @first}} (first){{/if}}{{#if @last}} (last){{/if}}\n{{/each}}\n',
    'web01 10.0.0.1 (first)\ndb01 10.0.0.2 (last)\n',
  ],
  ['each with @index and Jinja filters on the item', '{{#each servers}}{{@index}}:{{ name | upper }};{{/each}}', '0:WEB01;1:DB01;'],
  ['each over a dict with @key', '{{#each limits}}{{@key}}={{this}} {{/each}}', 'nofile=1024 nproc=64 '],
  ['block params', '{{#each servers as |s i|}}{{i}}={{ s.name }}.{{ domain }} {{/each}}', '0=web01.example.org 1=db01.example.org '],
  ['block params of a dict', '{{#each limits as |v k|}}{{ k ~ ":" ~ v }} {{/each}}', 'nofile:1024 nproc:64 '],
  ['this with filters', "{{#each servers}}{{#each roles}}{{ this | upper }}{{else}}none{{/each}} {{/each}}", 'HTTP none '],
  ['outer context with ../', '{{#each servers}}{{#each roles}}{{../name}}:{{this}}{{/each}}{{/each}}', 'web01:http'],
  ['play variables inside blocks', '{{#each servers}}{{ name }}.{{ domain }} {{/each}}', 'web01.example.org db01.example.org '],
  ['@root', '{{#each servers}}{{@root.domain}} {{/each}}', 'example.org example.org '],
  ['else on an empty list', '{{#each empty}}x{{else}}nothing{{/each}}', 'nothing'],
  ['with', '{{#with admin}}{{ name }} <{{ email }}>{{/with}}', 'alice <a@example.org>'],
  ['with as', '{{#with admin as |a|}}{{ a.name | upper }}{{/with}}', 'ALICE'],
  ['with on a falsy value', '{{#with empty}}x{{else}}none{{/with}}', 'none'],
  // One truthiness everywhere, Python's (as Jinja's): non-empty text is true, even 'off'.
  ['if uses Python truthiness', '{{#if debug}}debug on{{else}}debug off{{/if}}', 'debug on'],
  ['unless', '{{#unless debug}}quiet{{/unless}}', ''],
  ['else if chains', '{{#if (eq level 1)}}one{{else if (eq level 2)}}two{{else}}many{{/if}}', 'two'],
  ['if with a defined test', '{{#if (defined nope)}}x{{else}}no nope{{/if}}', 'no nope'],
  ['Jinja-style conditions inside blocks', "{{#each servers}}{{ name if roles else name ~ ' (idle)' }} {{/each}}", 'web01 db01 (idle) '],
  ['comments', '{{! a comment }}{{!-- a {{ long }} comment --}}x', 'x'],
  ['escaped mustache', '\\{{ not a template }} {{ domain }}', '{{ not a template }} example.org'],
  ['whitespace control', 'a   {{~ domain ~}}   b', 'aexample.orgb'],
  ['helpers with hash arguments', '{{to_nice_json limits indent=2}}', '{\n  "nofile": 1024,\n  "nproc": 64\n}'],
  ['Jinja-style to_nice_json', '{{ limits | to_nice_json }}\n', '{\n    "nofile": 1024,\n    "nproc": 64\n}\n'],
  ['multi-line expression', "{{ servers\n   | map(attribute='name')\n   | join(', ') }}", 'web01, db01'],
];

describe('renderText', () => {
  for (const [name, template, expected] of cases) {
    it(name, () => assert.equal(renderText(template, scope, 'test.hbs'), expected));
  }
});

const errors: [name: string, template: string, message: string][] = [
  ['a missing variable, line and column', 'line one\n  {{ nope }}\n', `undefined variable 'nope' in motd.hbs:2:3`],
  ['inside a block', 'a\n{{#each servers}}\n  {{ nmae }}\n{{/each}}\n', `undefined variable 'nmae' in motd.hbs:3:3`],
  ['columns stay right after expressions', "{{ domain | upper }} {{ 'x' }} {{ nope }}", `undefined variable 'nope' in motd.hbs:1:32`],
  ['a missing block value', '\n\n{{#if nope}}x{{/if}}', `undefined variable 'nope' in motd.hbs:3:1`],
  ['a bad filter', 'x\n{{ domain | nope }}', `unknown filter 'nope' at column 11 in motd.hbs:2:1\n     domain | nope \n              ^`],
  ['a parse error', 'x\n{{ domain | }}', `expected a filter name, got end of expression at column 11 in motd.hbs:2:1\n     domain | \n              ^`],
  ['an unclosed block', 'a\n{{#each servers}}\nb\n', `template syntax error: unexpected end of text (is a {{#block}} not closed?) on line 4 in motd.hbs`],
];

describe('renderText errors', () => {
  for (const [name, template, message] of errors) {
    it(name, () => assert.throws(() => renderText(template, scope, 'motd.hbs'), (e: Error) => (assert.equal(e.message, message), true)));
  }
});
