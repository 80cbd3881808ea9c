// Playbook values are Jinja too, as in Ansible: statements, comments, Python
// formatting and the expression syntax real content uses. Each expected value
// is what ansible-core 2.14's debug module printed for the same text (except
// where drover keeps a single expression's number, docs/templating.md).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderValue, Scope } from '../runner/template/index.js';

const scope = Scope.of([{ source: 'test', vars: { host: 'web01', port: 80, xs: [1, 3], flag: true, d: { a: 1 } } }]);

const cases: [string, unknown][] = [
  ['{% if port == 80 %}web{% else %}other{% endif %}', 'web'],
  ['{% for x in xs %}{{ x }},{% endfor %}', '1,3,'],
  ['{# note #}{{ port }}', 80],
  ['{% set p = port + 1 %}{{ p }}', '81'],
  ["{{ '%s-%d' % (host, port) }}", 'web01-80'],
  // Text that reads as a Python literal becomes its value (Ansible's literal_eval of templated values).
  ["{{ '%s' % xs }}", [1, 3]],
  ['[{{ port }}, "{{ host }}"]', [80, 'web01']],
  ["{{ 'True' }}", true],
  ['[{{ host }}]', '[web01]'],
  ['{{ 3 is in xs }}', true],
  ['{{ 2 is not in xs }}', true],
  ['{{ 1\u00a0+\u00a02 }}', 3],
  ["x{{ 'y' if false }}z", 'xz'],
  ['{{ xs[::-1] }}', [3, 1]],
  ["{{ 'a' 'b' }}", 'ab'],
  ['{{ 2 ** 3 }}', 8],
  ["{{ 'x' ~ none ~ true ~ xs }}", 'xNoneTrue[1, 3]'],
  ['{{ d.items() | list }}', [['a', 1]]],
  ['{{ missing.deeper.still | default("d") }}', 'd'],
  ['{% raw %}{{ literal }}{% endraw %}', '{{ literal }}'],
  ['v={{ d }}', "v={'a': 1}"],
];

describe('Jinja in playbook values', () => {
  for (const [text, expected] of cases) it(JSON.stringify(text), () => assert.deepEqual(renderValue(text, scope), expected));
  it('an include needs a template file', () => assert.throws(() => renderValue("{% include 'x.j2' %}", scope), /need a template file/));
});
