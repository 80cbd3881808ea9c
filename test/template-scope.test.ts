// Variable scopes: precedence by layer, lazy rendering of values that are
// templates, cycles, explain (drover vars HOST VAR), cheap child scopes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CycleError, renderValue, Scope, TemplateError, UndefinedVariableError, type Layer } from '../runner/template/index.js';

const defaults: Layer = { source: 'role defaults', vars: { port: 8080, host: 'localhost', conf: { a: 1, b: 2 }, level: 'low' } };
const inventory: Layer = {
  source: 'group_vars/web.yml',
  vars: {
    host: 'web01',
    url: 'http://{{ host }}:{{ port }}',
    urls: ['{{ url }}/a', { health: '{{ url }}/health', port: '{{ port }}' }],
    conf: { a: 10 },
    site: '{{ url }}/index',
    greeting: 'hello {{ item | default("nobody") }}',
  },
};
const play: Layer = { source: 'play vars', vars: { port: 80, level: 'high' } };
const scope = new Scope([defaults, inventory, play]);

describe('lookup', () => {
  const cases: [string, unknown][] = [
    ['port', 80],
    ['host', 'web01'],
    ['url', 'http://web01:80'],
    ['site', 'http://web01:80/index'],
    ['urls', ['http://web01:80/a', { health: 'http://web01:80/health', port: 80 }]],
    ['urls.1.port', 80],
    ['urls[1].health', 'http://web01:80/health'],
    // A higher layer replaces a whole key: dicts are not merged.
    ['conf', { a: 10 }],
    ['conf.b', undefined],
    ['missing', undefined],
    ['missing.deeper', undefined],
    ['greeting', 'hello nobody'],
    ['urls | length', 2],
  ];
  for (const [name, expected] of cases) {
    it(name, () => assert.deepEqual(scope.lookup(name), expected));
  }
  it('has and names', () => {
    assert.equal(scope.has('url'), true);
    assert.equal(scope.has('nope'), false);
    assert.deepEqual(scope.names(), ['conf', 'greeting', 'host', 'level', 'port', 'site', 'url', 'urls']);
  });
  it('Scope.of is new Scope', () => assert.equal(Scope.of([play]).lookup('port'), 80));
});

describe('child scopes (scope.with)', () => {
  it('a loop item is seen by values rendered through the child', () => {
    const child = scope.with({ source: 'loop item', vars: { item: 'alice', port: 9000 } });
    assert.equal(child.lookup('greeting'), 'hello alice');
    assert.equal(child.lookup('url'), 'http://web01:9000');
    assert.equal(scope.lookup('url'), 'http://web01:80', 'the parent is unchanged');
  });
  it('children of children stack', () => {
    const grandchild = scope.with({ source: 'task vars', vars: { host: 'db' } }).with({ source: 'loop item', vars: { item: 1 } });
    assert.equal(grandchild.lookup('site'), 'http://db:80/index');
    assert.deepEqual(renderValue('{{ item }}-{{ host }}', grandchild), '1-db');
  });
});

describe('verbatim layers and engine objects', () => {
  it('values from hosts are never rendered', () => {
    const facts = scope.with({ source: 'registered result', vars: { out: { stdout: 'x {{ port }}' } }, verbatim: true });
    assert.deepEqual(facts.lookup('out'), { stdout: 'x {{ port }}' });
    assert.equal(renderValue('{{ out.stdout }}', facts), 'x {{ port }}');
  });
  it("own getters (the engine's lazy hostvars) are read", () => {
    const hostvars = {};
    Object.defineProperty(hostvars, 'web02', { enumerable: true, get: () => ({ ansible_host: '10.0.0.2' }) });
    const withHostvars = scope.with({ source: 'magic', vars: { hostvars } });
    assert.equal(renderValue("{{ hostvars['web02'].ansible_host }}", withHostvars), '10.0.0.2');
  });
});

describe('cycles', () => {
  const cyclic = new Scope([{ source: 'vars', vars: { a: '{{ b }}', b: 'x{{ a }}', self: '{{ self }}', c: '{{ a }}', list: ['{{ list }}'] } }]);
  const cases: [string, string][] = [
    ['a', "variable 'a' refers to itself (a -> b -> a)"],
    ['b', "variable 'b' refers to itself (b -> a -> b)"],
    ['self', "variable 'self' refers to itself (self -> self)"],
    ['c', "variable 'a' refers to itself (a -> b -> a)"],
    ['list', "variable 'list' refers to itself (list -> list)"],
  ];
  for (const [name, message] of cases) {
    it(name, () => assert.throws(() => cyclic.lookup(name), (e: Error) => (assert.ok(e instanceof CycleError), assert.equal(e.message, message), true)));
  }
  it('a cycle found while rendering a value', () =>
    assert.throws(() => renderValue('{{ c }}', cyclic), { message: "variable 'a' refers to itself (a -> b -> a)" }));
  it('the scope is usable after a cycle error', () => {
    assert.throws(() => cyclic.lookup('a'), CycleError);
    assert.throws(() => cyclic.lookup('a'), CycleError);
  });
});

describe('errors inside variable values name the variables', () => {
  const broken = new Scope([{ source: 'vars', vars: { url: 'http://{{ host }}:{{ prot }}', site: '{{ url }}/x', host: 'h' } }]);
  it('one level', () =>
    assert.throws(
      () => broken.lookup('url'),
      (e: Error) => (
        assert.ok(e instanceof UndefinedVariableError),
        assert.equal(e.message, `undefined variable 'prot' in "http://{{ host }}:{{ prot }}" (while rendering variable 'url')`),
        true
      ),
    ));
  it('two levels, from a task value', () =>
    assert.throws(
      () => renderValue('{{ site }}', broken),
      (e: Error) => (
        assert.ok(e instanceof TemplateError),
        assert.equal(e.message, `undefined variable 'prot' in "http://{{ host }}:{{ prot }}" (while rendering variable 'url' <- 'site')`),
        true
      ),
    ));
});

describe('a variable whose value uses something undefined is undefined, as in Ansible', () => {
  const broken = new Scope([{ source: 'vars', vars: { url: 'http://{{ nohost }}/', ok: 'fine' } }]);
  const cases: [string, unknown][] = [
    ["{{ url | default('none') }}", 'none'],
    ["{{ url | d('none') }}", 'none'],
    ["{{ 'yes' if url is defined else 'no' }}", 'no'],
    ['{% if url is defined %}yes{% else %}no{% endif %}', 'no'],
    ['{{ ok }}', 'fine'],
  ];
  for (const [template, expected] of cases) {
    it(template, () => assert.equal(renderValue(template, broken), expected));
  }
  it('and using it raises the inner error', () =>
    assert.throws(() => renderValue('x {{ url }}', broken), {
      message: `undefined variable 'nohost' in "http://{{ nohost }}/" (while rendering variable 'url')`,
    }));
  it('through a filter and inside a statement too', () =>
    assert.throws(() => renderValue('{% if true %}{{ url | upper }}{% endif %}', broken), {
      message: `undefined variable 'nohost' in "http://{{ nohost }}/" (while rendering variable 'url')`,
    }));
});

describe('explain', () => {
  it('every defining layer, lowest first, the winner marked', () =>
    assert.deepEqual(scope.explain('port'), [
      { source: 'role defaults', value: 8080, winner: false },
      { source: 'play vars', value: 80, winner: true },
    ]));
  it('values as written', () => assert.deepEqual(scope.explain('url'), [{ source: 'group_vars/web.yml', value: 'http://{{ host }}:{{ port }}', winner: true }]));
  it('child layers come last', () =>
    assert.deepEqual(scope.with({ source: 'loop item', vars: { level: 'item' } }).explain('level'), [
      { source: 'role defaults', value: 'low', winner: false },
      { source: 'play vars', value: 'high', winner: false },
      { source: 'loop item', value: 'item', winner: true },
    ]));
  it('an undefined name', () => assert.deepEqual(scope.explain('nope'), []));
  it('prototype names are never variables', () => {
    assert.deepEqual(scope.explain('constructor'), []);
    assert.equal(scope.lookup('constructor'), undefined);
    assert.equal(scope.lookup('__proto__'), undefined);
    assert.equal(scope.lookup('toString'), undefined);
  });
});
