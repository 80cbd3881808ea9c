// scenario.yml: which driver, which hosts in which groups with which
// variables, extra keywords for the generated converge play, and for a
// playbook scenario the ENV inventory it runs against (its groups and
// group_vars, the created hosts standing in for its hosts). One JSON
// Schema validates it (all problems at once, with file:line:col) and
// documents it (docs/testing.md mirrors the descriptions).
import AjvModule, { type ErrorObject } from 'ajv';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError, type Problem } from '../errors.js';
import { displayPath, keyLocationOf, locationOf, readYamlFile } from '../playbook/yaml-source.js';
import { DEFAULT_DRIVER, type DriverRegistry } from './drivers.js';

// ajv ships CommonJS; its default export is the class under ESM interop.
const Ajv = AjvModule.default ?? AjvModule;

const vars = { type: 'object', description: 'Variables, as in an inventory.' } as const;

export const scenarioSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    driver: { type: 'string', description: `Which kind of disposable host: '${DEFAULT_DRIVER}' (default: network namespace + private root + sshd, starts in well under a second) or 'qemu' (a VM with its own kernel).` },
    hosts: {
      type: 'array',
      minItems: 1,
      description: "The scenario's hosts (default: one host named 'instance'). All hosts of a scenario reach each other by name and address.",
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$', description: 'Inventory name and hostname of the host (a valid lower-case hostname).' },
          groups: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' }, description: 'Inventory groups the host belongs to (besides all).' },
          vars: { ...vars, description: 'Host variables.' },
        },
      },
    },
    group_vars: { type: 'object', additionalProperties: vars, description: "Variables per group ('all' included), as in an inventory's group_vars/." },
    play: { type: 'object', description: 'Keywords added to the generated converge play (vars, become, gather_facts, ...); ignored when the scenario has its own converge.yml.' },
    inventory: {
      type: 'string',
      minLength: 1,
      description: "An inventory (file or directory, relative to the scenario directory) to run against, e.g. '../../../inventories/hub-dev': its groups, group_vars and host_vars apply; each scenario host of the same name stands in for its host (the connection is the disposable host's).",
    },
    extra_vars: { ...vars, description: 'Extra variables for every playbook of the scenario (highest precedence, like -e): point a production setting at a test double.' },
    check: { type: 'boolean', default: true, description: 'Run the check step: converge in check mode on the fresh hosts first; it must pass, and the real converge must then change exactly what it planned.' },
  },
} as const;

export interface ScenarioHost {
  name: string;
  groups: string[];
  vars: Record<string, unknown>;
}

export interface ScenarioDefinition {
  driver: string;
  hosts: ScenarioHost[];
  groupVars: Record<string, Record<string, unknown>>;
  play: Record<string, unknown>;
  /** Absolute path of the inventory the scenario hosts stand in for. */
  inventory?: string;
  extraVars: Record<string, unknown>;
  check: boolean;
}

interface RawDefinition {
  driver?: string;
  hosts?: Array<{ name: string; groups?: string[]; vars?: Record<string, unknown> }>;
  group_vars?: Record<string, Record<string, unknown>>;
  play?: Record<string, unknown>;
  inventory?: string;
  extra_vars?: Record<string, unknown>;
  check?: boolean;
}

// Compiled on first use: `drover run` and `--help` never read a scenario.
let compiled: ReturnType<typeof compileSchema> | undefined;
const compileSchema = () => new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(scenarioSchema);

/** Reads and checks `DIR/scenario.yml`; every problem in one InputError. */
export async function loadDefinition(dir: string, drivers: DriverRegistry): Promise<ScenarioDefinition> {
  const file = join(dir, 'scenario.yml');
  const raw = ((await readYamlFile(file)) ?? {}) as RawDefinition;
  const validate = (compiled ??= compileSchema());
  if (!validate(raw)) throw new InputError((validate.errors ?? []).map((e) => schemaProblem(e, raw, file)));
  const problems: Problem[] = [];
  const driver = raw.driver ?? DEFAULT_DRIVER;
  if (!drivers.has(driver)) {
    problems.push({ message: `unknown driver '${driver}' (known: ${[...drivers.keys()].join(', ')})`, location: keyLocationOf(raw, 'driver') });
  }
  const hosts = (raw.hosts ?? [{ name: 'instance' }]).map((h) => ({ name: h.name, groups: h.groups ?? [], vars: h.vars ?? {} }));
  const seen = new Set<string>();
  for (const [i, h] of hosts.entries()) {
    if (seen.has(h.name)) problems.push({ message: `host '${h.name}' is listed twice`, location: locationOf(raw.hosts?.[i]) });
    seen.add(h.name);
  }
  const inventory = raw.inventory === undefined ? undefined : resolve(dir, raw.inventory);
  if (inventory !== undefined && !existsSync(inventory)) problems.push({ message: `inventory '${raw.inventory}' not found (paths are relative to the scenario directory)`, location: keyLocationOf(raw, 'inventory') });
  if (problems.length > 0) throw new InputError(problems);
  return { driver, hosts, groupVars: raw.group_vars ?? {}, play: raw.play ?? {}, inventory, extraVars: raw.extra_vars ?? {}, check: raw.check ?? true };
}

/** An ajv error as a sentence at the YAML position of the offending value. */
function schemaProblem(error: ErrorObject, raw: unknown, file: string): Problem {
  const path = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let parent: unknown = raw;
  for (const key of path.slice(0, -1)) parent = (parent as Record<string, unknown> | undefined)?.[key];
  const last = path[path.length - 1];
  const location = (last !== undefined ? keyLocationOf(parent, last) : locationOf(raw)) ?? { file: displayPath(file), line: 1, column: 1 };
  const where = path.length > 0 ? path.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') : 'scenario.yml';
  const extra = error.keyword === 'additionalProperties' ? ` '${(error.params as { additionalProperty: string }).additionalProperty}'` : '';
  return { message: `${where} ${error.message ?? 'is invalid'}${extra}`, location };
}
