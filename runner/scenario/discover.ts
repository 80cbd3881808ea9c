// Where scenarios live and what they test:
//   roles/NAME/tests/SCENARIO/scenario.yml      tests the role NAME
//   playbooks/tests/SCENARIO/scenario.yml       tests playbooks/SCENARIO.yml
// `drover test roles/NAME` picks the role's `default` scenario (or
// --scenario), `drover test playbooks/site.yml` the scenario named after the
// playbook, `drover test DIR` a scenario directory itself, and
// `drover test --all` every scenario under roles/ and playbooks/.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { displayPath } from '../playbook/yaml-source.js';

export const DEFAULT_SCENARIO = 'default';

/** What a scenario's default converge applies. */
export type Subject = { kind: 'role'; dir: string } | { kind: 'playbook'; file: string } | { kind: 'none' };

export interface ScenarioRef {
  /** Absolute scenario directory (holds scenario.yml). */
  dir: string;
  /** Its path as shown to the user. */
  label: string;
  subject: Subject;
}

const isDir = (path: string) => existsSync(path) && statSync(path).isDirectory();
const hasScenario = (dir: string) => existsSync(join(dir, 'scenario.yml'));

/** The scenario(s) one command line asks for. */
export function resolveScenarios(target: string | undefined, options: { scenario?: string; all?: boolean; cwd?: string }): ScenarioRef[] {
  const cwd = options.cwd ?? process.cwd();
  if (options.all) return allScenarios(resolve(cwd, target ?? '.'));
  if (target === undefined) throw new InputError([{ message: 'name a role, a playbook or a scenario directory (drover test roles/NAME), or pass --all' }]);
  const path = resolve(cwd, target);
  if (!existsSync(path)) throw new InputError([{ message: `${target}: no such role, playbook or scenario` }]);
  if (isDir(path) && hasScenario(path)) {
    if (options.scenario) throw new InputError([{ message: `${target} is a scenario directory already; --scenario picks one of a role's or playbook's scenarios` }]);
    return [scenarioAt(path)];
  }
  const dir = isDir(path) ? join(path, 'tests', options.scenario ?? DEFAULT_SCENARIO) : join(dirname(path), 'tests', options.scenario ?? basename(path, extname(path)));
  if (!hasScenario(dir)) throw new InputError([{ message: `no scenario at ${displayPath(dir)} (expected ${displayPath(join(dir, 'scenario.yml'))})${available(dirname(dir))}` }]);
  return [scenarioAt(dir)];
}

/** Every scenario under ROOT/roles/NAME/tests/ and ROOT/playbooks/tests/, in path order. */
export function allScenarios(root: string): ScenarioRef[] {
  const testDirs = [...subdirs(join(root, 'roles')).map((role) => join(role, 'tests')), join(root, 'playbooks', 'tests')];
  const found = testDirs.flatMap((tests) => subdirs(tests).filter(hasScenario)).map(scenarioAt);
  if (found.length === 0) throw new InputError([{ message: `no scenarios under ${displayPath(join(root, 'roles'))}/*/tests/ or ${displayPath(join(root, 'playbooks', 'tests'))}/` }]);
  return found;
}

/** A scenario directory `X/tests/NAME`: a playbook scenario when X/NAME.yml exists, else a role scenario of X. */
export function scenarioAt(dir: string): ScenarioRef {
  const owner = dirname(dirname(dir));
  const name = basename(dir);
  let subject: Subject = { kind: 'none' };
  if (basename(dirname(dir)) === 'tests') {
    const playbook = ['.yml', '.yaml'].map((ext) => join(owner, name + ext)).find((file) => existsSync(file));
    if (playbook) subject = { kind: 'playbook', file: playbook };
    else if (isDir(join(owner, 'tasks'))) subject = { kind: 'role', dir: owner };
  }
  return { dir, label: displayPath(dir), subject };
}

function subdirs(dir: string): string[] {
  if (!isDir(dir)) return [];
  return readdirSync(dir)
    .filter((entry) => !entry.startsWith('.'))
    .sort()
    .map((entry) => join(dir, entry))
    .filter(isDir);
}

function available(testsDir: string): string {
  const names = subdirs(testsDir).filter(hasScenario).map((d) => basename(d));
  return names.length > 0 ? `; scenarios there: ${names.join(', ')}` : '';
}
