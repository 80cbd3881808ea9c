// The `version` test's comparisons, as Ansible's version_compare: Python's
// LooseVersion by default, StrictVersion with strict=true, SemanticVersion
// with version_type='semver'. A comparison Python cannot make (a number
// against a word in LooseVersion) is an error, as in Ansible.
import { TemplateError } from './errors.js';

type Part = number | string;

function cmp(a: Part, b: Part): number {
  if (typeof a !== typeof b) throw new TemplateError(`version comparison failed: cannot compare ${JSON.stringify(a)} with ${JSON.stringify(b)}`);
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareLists(a: Part[], b: Part[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = cmp(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

/** distutils LooseVersion: runs of digits, runs of letters and other characters, dots dropped. */
function loose(v: string): Part[] {
  return v
    .split(/(\d+|[a-z]+|\.)/)
    .filter((p) => p !== '' && p !== '.')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function strict(v: string): [number[], [string, number] | null] {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:([ab])(\d+))?$/.exec(v);
  if (m === null) throw new TemplateError(`version comparison failed: invalid version number '${v}' for strict comparison`);
  return [[Number(m[1]), Number(m[2]), Number(m[3] ?? 0)], m[4] === undefined ? null : [m[4], Number(m[5])]];
}

function compareStrict(a: string, b: string): number {
  const [[va, pa], [vb, pb]] = [strict(a), strict(b)];
  const c = compareLists(va, vb);
  if (c !== 0) return c;
  if (pa === null || pb === null) return pa === pb ? 0 : pa === null ? 1 : -1;
  return compareLists(pa, pb);
}

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$/;

function compareSemver(a: string, b: string): number {
  const parse = (v: string): [number[], Part[]] => {
    const m = SEMVER.exec(v);
    if (m === null) throw new TemplateError(`version comparison failed: invalid semantic version '${v}'`);
    const pre = m[4] === undefined ? [] : m[4].split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    return [[Number(m[1]), Number(m[2]), Number(m[3])], pre];
  };
  const [[va, pa], [vb, pb]] = [parse(a), parse(b)];
  const c = compareLists(va, vb);
  if (c !== 0) return c;
  if (pa.length === 0 || pb.length === 0) return pa.length === pb.length ? 0 : pa.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const [x, y] = [pa[i]!, pb[i]!];
    // A numeric identifier ranks below an alphanumeric one.
    if (typeof x !== typeof y) return typeof x === 'number' ? -1 : 1;
    const d = cmp(x, y);
    if (d !== 0) return d;
  }
  return Math.sign(pa.length - pb.length);
}

export const VERSION_TYPES = ['loose', 'strict', 'semver', 'semantic'] as const;

export function compareVersions(a: string, b: string, type: string): number {
  if (type === 'strict') return compareStrict(a, b);
  if (type === 'semver' || type === 'semantic') return compareSemver(a, b);
  if (type === 'loose') return compareLists(loose(a), loose(b));
  throw new TemplateError(`test 'version': version_type '${type}' is not supported; use one of ${VERSION_TYPES.join(', ')}`);
}
