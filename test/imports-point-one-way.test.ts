// The rooms of docs/architecture.md hold in the code: every import of runner/ and
// modules/ points along an allowed arrow, no file imports itself round a circle,
// and the picture and table in docs/architecture.md say what the checker enforces.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ALLOWED, cycles, projectImports, roomCycles, roomOf, ROOMS, violations } from '../scripts/import-directions.js';
import { projectRoot } from '../runner/paths.js';

const graph = projectImports(projectRoot());
const architecture = readFileSync(join(projectRoot(), 'docs', 'architecture.md'), 'utf8');

test('every file of runner/ and modules/ is in a room, and every import follows an allowed arrow', () => {
  assert.ok(graph.size > 300, `only ${graph.size} files read: the checker lost track of the tree`);
  assert.deepEqual([...graph.keys()].filter((file) => roomOf(file) === undefined), []);
  assert.deepEqual(violations(graph).map((v) => `${v.from} -> ${v.to}: ${v.why}`), []);
});

test('no import cycle, between files or between rooms', () => {
  assert.deepEqual(cycles(graph), []);
  assert.deepEqual(roomCycles(), []);
});

test('only the CLI imports modules/, and only the module list, which it hands to the engine', () => {
  const importers = [...graph].filter(([file, targets]) => file.startsWith('runner/') && targets.some((t) => t.startsWith('modules/')));
  assert.ok(importers.some(([file]) => file === 'runner/cli.ts'), 'runner/cli.ts wires the module list in');
  for (const [file, targets] of importers) {
    assert.equal(roomOf(file), 'cli', file);
    assert.deepEqual(targets.filter((t) => t.startsWith('modules/')), ['modules/registry.ts'], file);
  }
});

test('modules import no engine, connection or reporter file, directly or through a type', () => {
  const forbidden = ['engine', 'connection', 'report', 'cli', 'registry'];
  const modules = [...graph].filter(([file]) => roomOf(file) === 'modules');
  assert.ok(modules.length > 40);
  for (const [file, targets] of modules) {
    assert.deepEqual(targets.filter((t) => forbidden.includes(roomOf(t)!)), [], file);
  }
});

test('the checker sees what it forbids: a module importing the engine, the engine importing the module list, a circle', () => {
  const wrong = new Map([
    ['modules/copy.ts', ['runner/engine/run.ts', 'runner/connection/ssh.ts', 'runner/module-api.ts']],
    ['runner/engine/run.ts', ['modules/registry.ts']],
    ['runner/plan/plan-file.ts', ['runner/cli-args.ts']],
    ['runner/host/handle.ts', ['runner/module-api.ts']],
    ['runner/template/a.ts', ['runner/template/b.ts']],
    ['runner/template/b.ts', ['runner/template/a.ts']],
    ['runner/template/c.ts', ['runner/template/c.ts']],
  ]);
  assert.deepEqual(
    violations(wrong).map((v) => v.why),
    ['modules may not import engine', 'modules may not import connection', 'engine may not import registry', 'plan may not import cli', 'host may not import module-api'],
  );
  assert.deepEqual(cycles(wrong), [['runner/template/a.ts', 'runner/template/b.ts'], ['runner/template/c.ts']]);
});

test('docs/architecture.md draws only allowed arrows and lists every room with exactly its allowed imports', () => {
  const mermaid = /```mermaid\n([\s\S]*?)```/.exec(architecture)?.[1];
  assert.ok(mermaid, 'docs/architecture.md has a mermaid picture');
  const arrows = [...mermaid.matchAll(/^\s*([\w-]+)\s*-->\s*([\w-]+)\s*$/gm)].map(([, from, to]) => [from!, to!] as const);
  assert.ok(arrows.length > 20, `only ${arrows.length} arrows drawn`);
  for (const [from, to] of arrows) assert.ok(ALLOWED[from]?.includes(to), `the picture draws ${from} --> ${to}, which the checker forbids`);
  const rows = new Map(
    [...architecture.matchAll(/^\| `([\w-]+)` \| .*? \| (.*?) \| (.*?) \|$/gm)].map(([, room, paths, imports]) => [
      room!,
      { paths: [...paths!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!), imports: [...imports!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!) },
    ]),
  );
  assert.deepEqual([...rows.keys()], ROOMS.map((r) => r.room), 'the table lists the rooms in the checker\'s order');
  for (const { room, paths } of ROOMS) {
    assert.deepEqual(rows.get(room)?.paths, [...paths], `files of ${room}`);
    assert.deepEqual(rows.get(room)?.imports, [...ALLOWED[room]!], `what ${room} may import`);
  }
});
