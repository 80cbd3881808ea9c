// The rooms of drover's code and the one-way arrows between them (docs/architecture.md),
// checked against the real imports: `node --import tsx scripts/import-directions.ts`
// lists every import that points a forbidden way and every import cycle (exit 1 if any);
// test/imports-point-one-way.test.ts runs the same check on every test run.
// Imports are resolved by TypeScript itself (the project's tsconfig), so `import type`,
// `export ... from` and `import()` all count: a type import is an arrow too.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/** A room: the files (path prefixes from the project root) that share one job. First match wins. */
export const ROOMS: readonly { room: string; paths: readonly string[] }[] = [
  { room: 'cli', paths: ['runner/cli.ts', 'runner/cli-args.ts', 'runner/commands/', 'runner/demo.ts'] },
  { room: 'scenario', paths: ['runner/scenario/'] },
  { room: 'testground', paths: ['runner/testground/'] },
  { room: 'scale', paths: ['runner/scale/'] },
  { room: 'plan', paths: ['runner/plan/'] },
  { room: 'galaxy', paths: ['runner/galaxy/'] },
  { room: 'compat', paths: ['runner/compat/'] },
  { room: 'docs', paths: ['runner/docs/'] },
  { room: 'report', paths: ['runner/report/'] },
  { room: 'engine', paths: ['runner/engine/'] },
  { room: 'registry', paths: ['modules/registry.ts'] },
  { room: 'modules', paths: ['modules/'] },
  { room: 'language', paths: ['runner/playbook/', 'runner/validate/', 'runner/template/', 'runner/inventory/'] },
  { room: 'module-api', paths: ['runner/module-api.ts'] },
  { room: 'host', paths: ['runner/host/'] },
  { room: 'connection', paths: ['runner/connection/'] },
  { room: 'vault', paths: ['runner/vault/'] },
  { room: 'config', paths: ['runner/config/', 'runner/paths.ts'] },
  { room: 'base', paths: ['runner/errors.ts', 'runner/quote.ts', 'runner/shlex.ts', 'runner/schema.ts', 'runner/input-size.ts'] },
];

/**
 * What each room may import besides itself. Only the CLI imports the module list
 * (modules/registry.ts) and hands it to the engine; modules see the module API, the
 * host handle and the template language, never the engine, a connection or a reporter.
 */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  cli: ['scenario', 'scale', 'plan', 'galaxy', 'compat', 'docs', 'report', 'engine', 'registry', 'language', 'connection', 'vault', 'config', 'base'],
  scenario: ['testground', 'report', 'engine', 'language', 'module-api', 'base'],
  testground: ['connection', 'base'],
  scale: ['engine', 'language', 'module-api', 'connection', 'vault', 'base'],
  plan: ['report', 'engine', 'module-api', 'base'],
  galaxy: ['language', 'base'],
  compat: ['language', 'module-api', 'config', 'base'],
  docs: ['language', 'module-api', 'base'],
  report: ['engine', 'language', 'module-api', 'base'],
  engine: ['language', 'module-api', 'host', 'connection', 'vault', 'base'],
  registry: ['modules', 'module-api'],
  modules: ['language', 'module-api', 'host', 'base'],
  language: ['module-api', 'connection', 'vault', 'config', 'base'],
  'module-api': ['host', 'base'],
  host: ['connection', 'base'],
  connection: ['base'],
  vault: ['base'],
  config: ['base'],
  base: [],
};

export function roomOf(file: string): string | undefined {
  return ROOMS.find(({ paths }) => paths.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p)))?.room;
}

/** file -> the project files it imports, paths relative to the project root. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

export function projectImports(root: string): ImportGraph {
  const config = ts.getParsedCommandLineOfConfigFile(`${root}/tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  if (!config) throw new Error('cannot read tsconfig.json');
  const graph = new Map<string, string[]>();
  for (const path of config.fileNames) {
    const file = relative(root, path);
    if (!file.startsWith('runner/') && !file.startsWith('modules/')) continue;
    const imported = ts.preProcessFile(readFileSync(path, 'utf8'), true, true).importedFiles.flatMap(({ fileName }) => {
      const resolved = ts.resolveModuleName(fileName, path, config.options, ts.sys).resolvedModule;
      return resolved && !resolved.isExternalLibraryImport ? [relative(root, resolved.resolvedFileName)] : [];
    });
    graph.set(file, [...new Set(imported)]);
  }
  return graph;
}

export interface Violation {
  from: string;
  to: string;
  why: string;
}

/** Imports that leave their room by an arrow ALLOWED does not have, or from/to a file in no room. */
export function violations(graph: ImportGraph): Violation[] {
  const found: Violation[] = [];
  for (const [from, targets] of graph) {
    const fromRoom = roomOf(from);
    for (const to of targets) {
      const toRoom = roomOf(to);
      if (fromRoom === undefined || toRoom === undefined) found.push({ from, to, why: `${fromRoom === undefined ? from : to} is in no room: add it to ROOMS` });
      else if (fromRoom !== toRoom && !ALLOWED[fromRoom]?.includes(toRoom)) found.push({ from, to, why: `${fromRoom} may not import ${toRoom}` });
    }
  }
  return found;
}

/** Every import cycle, as its files (strongly connected components of more than one file, or a file importing itself). */
export function cycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, index.get(next)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)?.includes(file)) found.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

/** The allowed arrows themselves must be one-way, or the picture of rooms would have a circle in it. */
export function roomCycles(): string[][] {
  const graph = new Map(Object.entries(ALLOWED));
  return cycles(graph);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const graph = projectImports(process.cwd());
  const wrong = violations(graph);
  const circles = [...cycles(graph), ...roomCycles()];
  for (const v of wrong) console.log(`${v.from} -> ${v.to}: ${v.why}`);
  for (const c of circles) console.log(`cycle: ${c.join(' ')}`);
  console.log(`${graph.size} files, ${wrong.length} imports pointing the wrong way, ${circles.length} cycles`);
  process.exitCode = wrong.length + circles.length > 0 ? 1 : 0;
}
