// Plain scalars that look like numbers, resolved as PyYAML (and so Ansible)
// resolves them. The yaml package's YAML 1.1 schema is looser: it reads `1e3`,
// `-.5`, `.` and `08` as numbers, where PyYAML keeps them strings. These are
// PyYAML's own implicit resolver patterns (yaml/resolver.py) and constructors
// (yaml/constructor.py, construct_yaml_int / construct_yaml_float).

const PYYAML_INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const PYYAML_FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** What PyYAML makes of a plain scalar written `source` that the yaml package read as a number. */
export function pyyamlNumber(source: string): number | string {
  // + 0 turns -0 into 0: a Python int has no negative zero (-0 and -00 are 0).
  if (PYYAML_INT.test(source)) return pyyamlInt(source) + 0;
  if (PYYAML_FLOAT.test(source)) return pyyamlFloat(source);
  return source;
}

function signed(source: string): { sign: number; digits: string } {
  const text = source.replace(/_/g, '');
  const sign = text.startsWith('-') ? -1 : 1;
  return { sign, digits: /^[-+]/.test(text) ? text.slice(1) : text };
}

function sexagesimal(digits: string, parse: (part: string) => number): number {
  // 1:30:00 is 1*3600 + 30*60 + 0, as PyYAML computes it.
  return digits.split(':').reduce((total, part) => total * 60 + parse(part), 0);
}

function pyyamlInt(source: string): number {
  const { sign, digits } = signed(source);
  if (digits === '0') return 0;
  if (digits.startsWith('0b')) return sign * parseInt(digits.slice(2), 2);
  if (digits.startsWith('0x')) return sign * parseInt(digits.slice(2), 16);
  if (digits.startsWith('0')) return sign * parseInt(digits, 8);
  if (digits.includes(':')) return sign * sexagesimal(digits, (part) => parseInt(part, 10));
  return sign * parseInt(digits, 10);
}

function pyyamlFloat(source: string): number {
  const { sign, digits } = signed(source.toLowerCase());
  if (digits === '.inf') return sign * Infinity;
  if (digits === '.nan') return NaN;
  if (digits.includes(':')) return sign * sexagesimal(digits, Number);
  return sign * Number(digits);
}
