// The loaded playbook: plays, and task trees whose keywords are still
// untemplated (templating happens per host, at run time).
import type { SourceLocation } from '../errors.js';
import type { VarPrompt } from './vars-prompt.js';

/** Task keywords drover understands; documented in docs/keywords.md. */
export interface Keywords {
  name?: string;
  when?: unknown;
  loop?: unknown;
  /** Set for `with_NAME`: `loop` holds the terms and the items are what lookup NAME returns for them. */
  loop_with?: string;
  loop_control?: { label?: string; loop_var?: string; index_var?: string; pause?: number; extended?: unknown; extended_allitems?: unknown };
  register?: string;
  notify?: string[];
  tags?: string[];
  become?: unknown;
  become_user?: unknown;
  remote_user?: unknown;
  connection?: unknown;
  module_defaults?: unknown;
  ignore_errors?: unknown;
  changed_when?: unknown;
  failed_when?: unknown;
  retries?: unknown;
  until?: unknown;
  delay?: unknown;
  check_mode?: unknown;
  diff?: unknown;
  no_log?: unknown;
  run_once?: unknown;
  delegate_to?: unknown;
  environment?: unknown;
  vars?: Record<string, unknown>;
  args?: Record<string, unknown>;
  listen?: string[];
  timeout?: unknown;
  any_errors_fatal?: boolean;
}

/** The role a task came from: where its files/ and templates/ live. */
export interface RoleContext {
  name: string;
  dir: string;
  defaults: Record<string, unknown>;
  vars: Record<string, unknown>;
  /** Parameters given where the role was applied (`- role: x` + vars). */
  params: Record<string, unknown>;
}

interface NodeBase {
  keywords: Keywords;
  location: SourceLocation;
  role?: RoleContext;
  /** Directory that relative paths of this task resolve against (its file's dir). */
  baseDir: string;
}

export interface ModuleTask extends NodeBase {
  kind: 'module';
  /** The canonical module name. */
  module: string;
  /** The module key as written (e.g. ansible.builtin.copy), for messages. */
  moduleKey: string;
  /** The value of the module key (string for free-form, mapping, or null). */
  rawParams: unknown;
  /**
   * A handler read through `import_tasks` (or a block) in a handlers section: those statements,
   * outermost first, whose keywords reach it as a block's reach its tasks.
   */
  handlerParents?: readonly { keywords: Keywords; location: SourceLocation }[];
  /**
   * A handler's block, as Ansible groups a handlers section: each run of handlers written one after
   * another (imports read into it) is one, and so is each `block:`. A notified name is looked for
   * in the last block first, and inside a block from its first handler (handler-lookup.ts).
   */
  handlerBlock?: object;
}

export interface BlockTask extends NodeBase {
  kind: 'block';
  block: TaskNode[];
  rescue: TaskNode[];
  always: TaskNode[];
  /** The block stands for an import_tasks or import_role statement, not a `block:` written. */
  imported?: boolean;
}

/**
 * include_tasks (and a dynamic `include`): a file loaded and validated when a
 * host reaches it, after templating its name. Its own keywords (when, tags,
 * loop...) are the include's; its tasks inherit only its vars, then `apply`.
 */
export interface IncludeTask extends NodeBase {
  kind: 'include';
  file: string;
  /** Keywords the included tasks get, as a block around them would give. */
  apply?: Keywords;
}

/** A role's `tasks_from`, `vars_from`, `defaults_from`, `handlers_from` (file names inside the role). */
export interface RoleFiles {
  tasks?: string;
  vars?: string;
  defaults?: string;
  handlers?: string;
}

/** include_role: the role loaded when a host reaches it (its name may be a template). */
export interface IncludeRoleTask extends NodeBase {
  kind: 'include_role';
  name: string;
  from: RoleFiles;
  apply?: Keywords;
  /** The role's defaults and vars stay visible to the rest of the play. */
  public: boolean;
  /** false: a host on which the role already ran does not run it again. */
  allowDuplicates: boolean;
}

export type MetaAction = 'flush_handlers' | 'noop' | 'end_play' | 'end_host' | 'end_batch' | 'clear_host_errors';

export interface MetaTask extends NodeBase {
  kind: 'meta';
  action: MetaAction;
}

export type TaskNode = ModuleTask | BlockTask | IncludeTask | IncludeRoleTask | MetaTask;

export interface Play {
  name: string;
  hosts: string;
  location: SourceLocation;
  baseDir: string;
  vars: Record<string, unknown>;
  /** vars_files as written (may be templates); read per host at play start. */
  varsFiles: string[];
  /** Questions asked when the play starts; each answer is a play variable (unless given with -e). */
  varsPrompt: VarPrompt[];
  gatherFacts: boolean;
  serial?: (number | string)[];
  /** max_fail_percentage: a batch whose failed share is above it ends the play (batch-failures.ts). */
  maxFailPercentage?: number;
  /** strategy as written (may be a template): checked when the run starts (runner/engine/play-strategy.ts). */
  strategy?: unknown;
  /** force_handlers; unset, --force-handlers or ANSIBLE_FORCE_HANDLERS decides. */
  forceHandlers?: boolean;
  /** Keywords every task of the play inherits (become, environment, no_log...). */
  keywords: Keywords;
  preTasks: TaskNode[];
  /** Roles' tasks first, then the play's tasks (Ansible's order). */
  tasks: TaskNode[];
  postTasks: TaskNode[];
  handlers: ModuleTask[];
  roles: RoleContext[];
  /** Where include_role looks for roles, in order. */
  roleSearchPath: string[];
  /** An include_role may add handlers at run time: a notify that none answers yet is checked when it fires. */
  dynamicHandlers: boolean;
  /**
   * The `when` of the import_playbook statements that brought the play in: in front of every
   * task's own conditions (handlers excepted), and the outermost one's on its fact gathering.
   */
  importedWhen?: { tasks: unknown[]; gathering: unknown[] };
}

export interface Playbook {
  path: string;
  plays: Play[];
}
