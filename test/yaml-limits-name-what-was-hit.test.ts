// Big and hostile YAML is refused quickly, and the error names the limit hit:
// a file over the input size limit (file, size, limit) before it is parsed,
// aliases that expand too far (an alias bomb), a recursive alias, nesting too
// deep. A large plain file is never called an alias bomb.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DEFAULT_MAX_INPUT_FILE_SIZE } from '../runner/input-size.js';
import { parseYaml, readYamlFile } from '../runner/playbook/yaml-source.js';
import { runDrover } from './support/cli.js';

/** Nine levels of nine aliases each: 9^9 values from under 900 bytes. */
function aliasBomb(): string {
  const lines = ['level_0: &level_0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i <= 9; i++) lines.push(`level_${i}: &level_${i} [${Array(9).fill(`*level_${i - 1}`).join(', ')}]`);
  return lines.join('\n') + '\n';
}

const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return assert.fail('no error');
};

describe('YAML limits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-yaml-limits-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a 1 KB alias bomb (9 levels of 9 aliases) is refused quickly, at its outermost alias, as an alias bomb', { timeout: 10_000 }, () => {
    const text = aliasBomb();
    assert.ok(text.length < 1100, String(text.length));
    assert.match(errorOf(() => parseYaml(text, 'bomb.yml')), /^bomb\.yml:6:\d+: YAML aliases expand to more than 100000 values \(an alias bomb/);
  });

  test('aliases that copy a little, many times, are fine', () => {
    const text = `base: &base {a: 1, b: 2, c: 3}\n${Array.from({ length: 5000 }, (_, i) => `h${i}: {<<: *base, n: ${i}}`).join('\n')}\n`;
    const value = parseYaml(text, 'merge.yml') as Record<string, Record<string, number>>;
    assert.deepEqual(value.h4999, { n: 4999, a: 1, b: 2, c: 3 });
  });

  test('a recursive alias and nesting too deep say so', () => {
    assert.match(errorOf(() => parseYaml('a: &x\n  b: *x\n', 'rec.yml')), /^rec\.yml:2:6: YAML alias \*x refers to a value that contains it/);
    const deep = `a: &d ${'['.repeat(600)}x${']'.repeat(600)}\nb: [*d, {c: *d}]\n`;
    assert.doesNotThrow(() => parseYaml(deep, 'ok.yml'));
    const deeper = `a: &d ${'['.repeat(600)}x${']'.repeat(600)}\nb: &e ${'['.repeat(500)}*d${']'.repeat(500)}\n`;
    assert.match(errorOf(() => parseYaml(deeper, 'deep.yml')), /values nested more than 1000 levels deep \(after expanding aliases\)/);
  });

  test('a plain 1.5-million-value file is refused by the size limit before parsing, not called an alias bomb', async () => {
    const file = join(dir, 'plain.yml');
    writeFileSync(file, Array.from({ length: 1_500_000 }, (_, i) => `- ${i}\n`).join(''));
    const message = await readYamlFile(file).then(
      () => assert.fail('accepted'),
      (e: Error) => e.message,
    );
    assert.match(message, new RegExp(`plain\\.yml is 13888890 bytes, over the ${DEFAULT_MAX_INPUT_FILE_SIZE}-byte limit .*DROVER_MAX_INPUT_FILE_SIZE`));
    assert.doesNotMatch(message, /alias/);
  });

  test('a plain 300,000-value file under the limit is accepted', () => {
    const text = Array.from({ length: 300_000 }, (_, i) => `- ${i}\n`).join('');
    assert.equal((parseYaml(text, 'plain.yml') as number[]).length, 300_000);
  });

  test('drover run refuses an oversized group_vars file and playbook with exit 5; DROVER_MAX_INPUT_FILE_SIZE raises the limit', async () => {
    mkdirSync(join(dir, 'inv', 'group_vars'), { recursive: true });
    writeFileSync(join(dir, 'inv', 'hosts.ini'), 'local ansible_connection=local\n');
    writeFileSync(join(dir, 'inv', 'group_vars', 'all.yml'), `pad: "${'x'.repeat(5 * 1024 * 1024)}"\n`);
    writeFileSync(join(dir, 'site.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: {msg: "{{ pad | length }}"}\n');
    const args = ['run', join(dir, 'site.yml'), '-i', join(dir, 'inv', 'hosts.ini'), '--output', 'plain'];
    const refused = await runDrover(args);
    assert.equal(refused.code, 5, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /group_vars\/all\.yml is 5242888 bytes, over the 4194304-byte limit/);
    const raised = await runDrover(args, { env: { DROVER_MAX_INPUT_FILE_SIZE: String(8 * 1024 * 1024) } });
    assert.equal(raised.code, 0, raised.stdout + raised.stderr);
    assert.match(raised.stdout, /5242880/);
    writeFileSync(join(dir, 'site.yml'), `# ${'x'.repeat(100)}\n- hosts: all\n  tasks: []\n`);
    const playbook = await runDrover(args, { env: { DROVER_MAX_INPUT_FILE_SIZE: '50' } });
    assert.equal(playbook.code, 5);
    assert.match(playbook.stderr, /site\.yml is \d+ bytes, over the 50-byte limit/);
  });
});
