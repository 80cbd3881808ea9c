// The contract between the engine and every module. A module declares its
// parameters as JSON Schema (the single source of the TypeScript type, the
// run-time validation and the docs), reads current state in `plan` without
// changing anything, and makes exactly the planned changes in `apply`.
// The engine alone decides check mode: under --check it calls `plan` only, so
// no module ever reads a check flag.
import { closest } from 'fastest-levenshtein';
import type { Schema, TypeOf } from './schema.js';
import type { Host } from './host/types.js';

export type { Schema, TypeOf };
// Defined with the other failures, so that the host handle can raise it without importing this file.
export { ModuleFailure } from './errors.js';
import type { ModuleFailure } from './errors.js';

/** One before/after pair for --diff; text is shown as a unified diff. */
export interface DiffEntry {
  /** What changes, e.g. a path or 'state of user alice'. */
  label: string;
  before: string;
  after: string;
}

/** What `plan` found. No changes means the host already matches. */
export interface Plan<State = unknown> {
  /** One short human sentence per change ('create directory /opt/x'). */
  changes: string[];
  diff?: DiffEntry[];
  /** What plan read, handed to apply so that apply need not read it again. */
  state?: State;
  /** Data the task returns even without changes (stat result, debug message). */
  result?: Record<string, unknown>;
  /** Variables this task sets on the host (set_fact). */
  facts?: Record<string, unknown>;
  /** Of those, the ones that are host facts too (set_fact cacheable): in ansible_facts and the fact cache. */
  cacheableFacts?: Record<string, unknown>;
  /** Variables at Ansible's include_vars precedence: above task vars, below set_fact and registered results. */
  includedVars?: Record<string, unknown>;
  /** Text the reporters show on the task's line (debug's message). */
  message?: string;
  /** Ansible's `_ansible_verbose_always`: its default callback shows the result even without -v (debug, assert unless quiet). */
  verboseAlways?: boolean;
  /**
   * When check mode stops before apply: what the registered result says instead (command's
   * "Command would have run if not in check mode"), and whether the task then counts as
   * skipped rather than changed (Ansible's command without creates/removes), changed, or failed.
   */
  inCheckMode?: {
    result?: Record<string, unknown>;
    skipped?: boolean;
    /** Whether the task counts as changed in check mode, when that is not "the plan has changes" (get_url's HEAD answer). */
    changed?: boolean;
    /** The task fails in check mode only: what plan read there is all Ansible's check mode reads (get_url's HEAD). */
    failure?: ModuleFailure;
  };
  /** The module skipped itself, with Ansible's skipped_reason (debug above the run's verbosity); apply is not called. */
  skippedReason?: string;
  /** The task is skipped with this registered result, as an Ansible action skips itself (unarchive's creates: its msg); apply is not called. */
  skipped?: Record<string, unknown>;
}

export interface ApplyResult {
  result?: Record<string, unknown>;
  /** Defaults to "the plan had changes"; a module may know better after acting. */
  changed?: boolean;
  facts?: Record<string, unknown>;
}


/** The template module's Jinja options (Jinja's environment settings); unset ones keep Ansible's defaults. */
export interface TemplateSyntaxOptions {
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  /** The line ending every line of the output gets. */
  newline?: string;
  blockStart?: string;
  blockEnd?: string;
  variableStart?: string;
  variableEnd?: string;
  commentStart?: string;
  commentEnd?: string;
}

/** The subdirectory of a role or playbook directory that a controller file is searched in. */
export type LocalFileKind = 'files' | 'templates' | 'vars';

/** Services the engine lends a module for one task on one host. */
export interface ModuleContext {
  /** Evaluate a condition with the task's variables (assert, wait_for). */
  evaluate(expression: string): boolean;
  /** How many -v the run was given (debug's verbosity threshold). */
  verbosity: number;
  /** The task's diff mode (--diff, or its diff keyword): Ansible's copy registers its diff only then. */
  diff: boolean;
  /** Look up a variable by dotted name; undefined when not set (debug var=). */
  lookup(name: string): unknown;
  /**
   * Find and read a file on the controller, searched like Ansible: role dir, then playbook dir.
   * A file that is a vault is decrypted (Ansible's default), unless `decrypt` is false.
   */
  readLocalFile(path: string, kind: LocalFileKind, options?: { decrypt?: boolean }): Promise<{ path: string; content: Buffer }>;
  /** A controller file's bytes decrypted when the file is a vault (a file of a directory copy). */
  decryptLocalFile(path: string, content: Buffer): Promise<Buffer>;
  /** Find a controller directory by the same search (copy with a directory src); null when the path found is not a directory. */
  findLocalDirectory(path: string, kind: LocalFileKind): Promise<string | null>;
  /** Where the task is written: its role's directory (if any) and the directory of its own file. */
  source: { roleDir?: string; taskDir: string };
  /** Read a controller YAML or JSON file of variables as vars_files are read (vaults opened). */
  loadVarsFile(path: string): Promise<unknown>;
  /**
   * Render template text with the task's variables (strict: a missing variable is an error).
   * A file's `{% include %}`/`{% import %}` are searched like Ansible's template module: the role's
   * and playbook's templates/ and directories, then the template's own directory.
   * `templateVars` (the template module's template_path, ansible_managed...) are above every other variable.
   */
  renderTemplate(text: string, sourceName: string, options?: TemplateSyntaxOptions, templateVars?: Record<string, unknown>): string;
  warn(message: string): void;
  /** A warning Ansible gives only in check mode (file's 'failed to look up user'): shown and registered only then. */
  checkModeWarn(message: string): void;
}

export interface ModuleDefinition<S extends Schema = Schema, P = TypeOf<S>, State = unknown> {
  /** The name used in playbooks; Ansible's name where Ansible has the module. */
  name: string;
  /** Other accepted names. `ansible.builtin.NAME` is accepted for every module automatically. */
  aliases?: readonly string[];
  /** One line for `drover doc --list`. */
  summary: string;
  /** What "changed" means for this module (docs). */
  changedWhen: string;
  /** Parameters as JSON Schema; every property carries a description. */
  schema: S;
  /** Ansible-style parameter aliases: { dest: 'path' }. */
  paramAliases?: Readonly<Record<string, string>>;
  /** A plain string as the task value becomes this parameter ("command: ls -l"). */
  freeForm?: string;
  /**
   * A parameter naming a controller template file: when it is literal, the loader parses that file
   * (so `--syntax-check` reports its syntax errors at file:line:col), with the Jinja options `syntax` reads.
   */
  templateFile?: { param: string; syntax?(params: Record<string, unknown>): TemplateSyntaxOptions };
  /**
   * A parameter of conditions (assert's `that`): a list of them reaches the module as written, each
   * templated only when evaluated, as Ansible's assert reads untemplated_args; a text is rendered first.
   */
  conditionsParam?: string;
  /** Runs on the controller only: no connection needed (debug, set_fact, assert, fail). */
  controllerOnly?: boolean;
  /**
   * Runs for the first host of the play only, as Ansible's BYPASS_HOST_LOOP actions (pause): the other
   * hosts get no result at all (nothing registered), unlike run_once, which shares the result.
   */
  bypassHostLoop?: boolean;
  /** Ansible's version of the module returns its before/after as `diff` in the registered result. */
  diffInResult?: boolean;
  /** Read current state and compute the changes. Must not change anything. */
  plan(host: Host, params: P, ctx: ModuleContext): Promise<Plan<State>>;
  /** Make the planned changes. Absent for modules that only read. */
  apply?(host: Host, params: P, plan: Plan<State>, ctx: ModuleContext): Promise<ApplyResult>;
  /**
   * `async` with `poll: 0`: start the planned changes as a job on the host that outlives the
   * task (async_status reads it later), and return what Ansible registers for a started job.
   * Absent: the module cannot be left running on its own, and such a task fails saying so.
   */
  startJob?(host: Host, params: P, plan: Plan<State>, job: AsyncJobRequest): Promise<Record<string, unknown>>;
}

/** A job to start: Ansible's job id, and the seconds after which the host kills it. */
export interface AsyncJobRequest {
  id: string;
  seconds: number;
}

/** Declare a module; the parameter type is inferred from the schema literal. */
export function defineModule<const S extends Schema, State = unknown>(
  definition: ModuleDefinition<S, TypeOf<S>, State>,
): ModuleDefinition<S, TypeOf<S>, State> {
  return definition;
}

/** A module of any schema, as the registry and the engine hold it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = ModuleDefinition<any, any, any>;

/**
 * The modules a run knows, looked up by task key. The engine and the loader are handed one
 * (the CLI gives modules/registry.ts's list; a test may add its own module) and never import the list.
 */
export interface ModuleRegistry {
  all(): readonly AnyModule[];
  /** The module for a task key (`copy`, `ansible.builtin.copy`, an alias), or undefined. */
  find(key: string): AnyModule | undefined;
  /** The nearest known name, for "did you mean" messages. */
  suggest(key: string): string;
  /** Whether a task key could be a module key at all (used to tell modules from keywords). */
  has(key: string): boolean;
}

export function createRegistry(modules: readonly AnyModule[]): ModuleRegistry {
  const byName = new Map<string, AnyModule>();
  for (const module of modules) {
    for (const name of [module.name, ...(module.aliases ?? [])]) {
      if (byName.has(name)) throw new Error(`two modules claim the name '${name}'`);
      byName.set(name, module);
    }
  }
  const strip = (key: string) => key.replace(/^ansible\.(builtin|legacy)\./, '');
  return {
    all: () => modules,
    find: (key) => byName.get(strip(key)),
    suggest: (key) => closest(strip(key), [...byName.keys()]),
    has: (key) => byName.has(strip(key)),
  };
}
