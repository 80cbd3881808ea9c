// `*items` and `**mapping` in calls, filters and tests follow Jinja's
// parse_call_args (values recorded from Jinja 3 as Debian's ansible-core uses
// it: python3 -c "jinja2.Environment().from_string(T).render(...)"); `!unsafe`
// text renders to itself however it is reached; now(fmt=) formats the current time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseYaml } from '../runner/playbook/yaml-source.js';
import { renderValue, Scope } from '../runner/template/index.js';

const scope = new Scope([{ source: 'test', vars: { d: { x: 1 }, p: ['a'], phrases: ['Hello', 'World'], word: 'hi' } }]);
const render = (text: string): unknown => renderValue(text, scope);

describe('star arguments as Jinja reads them', () => {
  const rendered: [string, unknown][] = [
    ["{{ dict(y=2, **d) }}", { y: 2, x: 1 }],
    ["{{ [1, 2, 3] | join(*['-']) }}", '1-2-3'],
    ["{{ '%s-%s' | format(*phrases) }}", 'Hello-World'],
    ["{{ lookup('list', wantlist=True, *phrases) }}", ['Hello', 'World']],
    ["{{ q('list', *phrases) }}", ['Hello', 'World']],
    ["{{ 'a' is in(*[['a']]) }}", true],
  ];
  for (const [text, expected] of rendered) it(text, () => assert.deepEqual(render(text), expected));

  const refused: [string, RegExp][] = [
    ['{{ dict(**d, y=2) }}', /invalid syntax for function call expression/],
    ['{{ dict(*p, 1) }}', /invalid syntax for function call expression/],
    ['{{ dict(*p, *p) }}', /invalid syntax for function call expression/],
    ['{{ dict(x=2, **d) }}', /got multiple values for keyword argument 'x'/],
    ['{{ dict(**p) }}', /argument after \*\* must be a mapping, not list/],
    ["{{ '%s' | format(*5) }}", /argument after \* must be an iterable, not number/],
  ];
  for (const [text, message] of refused) it(`refuses ${text}`, () => assert.throws(() => render(text), message));
});

describe('!unsafe text is never templated', () => {
  const vars = parseYaml("plain: !unsafe 'raw {{ word }}'\nend: !unsafe '{% endraw %}{{ word }}'\nlist: !unsafe ['{{ word }}', {k: '{# c #}'}]\nnumber: !unsafe 12\n", 'unsafe.yml') as Record<string, unknown>;
  const unsafe = new Scope([{ source: 'test', vars: { word: 'hi' } }, { source: 'unsafe.yml', vars }]);
  it('as a value and through another variable', () => {
    assert.equal(unsafe.resolve('plain'), 'raw {{ word }}');
    assert.equal(renderValue('{{ plain }}!', unsafe), 'raw {{ word }}!');
  });
  it('even with an endraw tag inside', () => assert.equal(unsafe.resolve('end'), '{% endraw %}{{ word }}'));
  it('at any depth of a tagged list, and a number is read as its text', () => {
    assert.deepEqual(unsafe.resolve('list'), ['{{ word }}', { k: '{# c #}' }]);
    assert.equal(unsafe.resolve('number'), '12');
  });
});

describe('now(fmt=)', () => {
  it('formats the current time, %s and %f included', () => {
    const [seconds, micro] = String(render("{{ now(fmt='%s.%f') }}")).split('.');
    assert.ok(Math.abs(Number(seconds) - Date.now() / 1000) < 5, seconds);
    assert.match(micro!, /^\d{6}$/);
    assert.equal(render("{{ now(fmt='%Y') }}"), String(new Date().getFullYear()));
  });
  it('without a format is refused: Ansible returns a datetime object', () => assert.throws(() => render('{{ now() }}'), /give the format/));
});
