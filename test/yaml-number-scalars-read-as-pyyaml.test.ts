// Plain scalars that look like numbers mean what PyYAML (so Ansible) makes of
// them: `1e3`, `-.5`, `.` and `08` stay text, `0_` is 0, `0:0` is text. The
// table is PyYAML 6's output, recorded from
//   python3 -c 'import yaml; print(repr(yaml.safe_load("k: " + SCALAR)["k"]))'
// and checked both where playbooks and vars files are read and where
// inventories and the from_yaml filter read YAML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import YAML from 'yaml';
import { parseYaml } from '../runner/playbook/yaml-source.js';
import { YAML_OPTIONS } from '../runner/inventory/yamlschema.js';

const PYYAML: [string, string | number][] = [
  ['.', '.'], // str
  ['1e3', '1e3'], // str
  ['1.0e3', '1.0e3'], // str
  ['1.0e+3', 1000], // float
  ['1.0E-3', 0.001], // float
  ['-.5', '-.5'], // str
  ['+.5', '+.5'], // str
  ['.5', 0.5], // float
  ['1.', 1], // float
  ['-1.', -1], // float
  ['1_0.5', 10.5], // float
  ['0.', 0], // float
  ['+1', 1], // int
  ['-0', 0], // int
  ['0', 0], // int
  ['00', 0], // int
  ['0_', 0], // int
  ['017', 15], // int
  ['0o17', '0o17'], // str
  ['08', '08'], // str
  ['0x1F', 31], // int
  ['-0x1f', -31], // int
  ['0b101', 5], // int
  ['0b', '0b'], // str
  ['1_000', 1000], // int
  ['190:20:30', 685230], // int
  ['190:20:30.15', 685230.15], // float
  ['1:60', '1:60'], // str
  ['.inf', Infinity], // float
  ['-.inf', -Infinity], // float
  ['+.inf', Infinity], // float
  ['.Inf', Infinity], // float
  ['1__', 1], // int
  ['_1', '_1'], // str
  ['0x', '0x'], // str
  ['0xg', '0xg'], // str
  ['1.2.3', '1.2.3'], // str
  ['1e', '1e'], // str
  ['12e3', '12e3'], // str
  ['1.5e10', '1.5e10'], // str
  ['3.', 3], // float
  ['nUll', 'nUll'], // str
  ['1:2', 62], // int
  ['-1:20', -80], // int
  ['12:30', 750], // int
  ['1_2:3', 723], // int
  ['0:0', '0:0'], // str
  ['1_000.5', 1000.5], // float
  ['0x_1F', 31], // int
  ['0b_1', 1], // int
  ['-0b1', -1], // int
  ['+0x1', 1], // int
  ['1:00:00', 3600], // int
  ['1_0:3.5', 603.5], // float
  ['0.5e+3', 500], // float
  ['.5e-3', 0.0005], // float
  ['0017', 15], // int
  ['0019', '0019'], // str
  ['-019', '-019'], // str
  ['0b12', '0b12'], // str
  ['0x1.5', '0x1.5'], // str
  ['1.5_', 1.5], // float
  ['+0.', 0], // float
  ['-0.0', -0], // float
  ['1:2:3.5e+1', '1:2:3.5e+1'], // str
  ['0.1:2', '0.1:2'], // str
  ['0b1:2', '0b1:2'], // str
  ['1e+3', '1e+3'], // str
  ['1.e+3', 1000], // float
  ['.nan', NaN], // float
  ['.NaN', NaN], // float
  ['-.nan', '-.nan'], // str
];

for (const [scalar, expected] of PYYAML) {
  test(`plain scalar ${scalar} reads as PyYAML reads it (${typeof expected === 'string' ? 'text' : expected})`, () => {
    const fromPlaybook = (parseYaml(`k: ${scalar}\n`, 'vars.yml') as { k: unknown }).k;
    const fromInventory = (YAML.parse(`k: ${scalar}\n`, YAML_OPTIONS) as { k: unknown }).k;
    assert.ok(Object.is(fromPlaybook, expected), `playbook YAML read ${scalar} as ${String(fromPlaybook)} (${typeof fromPlaybook})`);
    assert.ok(Object.is(fromInventory, expected), `inventory YAML read ${scalar} as ${String(fromInventory)} (${typeof fromInventory})`);
  });
}

test('a quoted or tagged number-like scalar is left as written', () => {
  const value = parseYaml("a: '1e3'\nb: \"08\"\nc: !!str 12\n", 'vars.yml') as Record<string, unknown>;
  assert.deepEqual(value, { a: '1e3', b: '08', c: '12' });
});
