// What the task runner needs from the run and the play, gathered in one place
// so the per-host flow reads as named steps.
import type { ModuleRegistry } from '../module-api.js';
import type { Play, Keywords, ModuleTask, RoleContext, RoleFiles } from '../playbook/types.js';
import type { LoadedRole } from '../playbook/roles.js';
import type { SourceLocation } from '../errors.js';
import type { EngineEvent } from './events.js';
import type { TagSelection } from './tags.js';
import type { HostState } from './state.js';
import type { HostHandle } from '../host/handle.js';
import type { Scope, VarLayer } from './templating.js';
import type { TaskNode } from '../playbook/types.js';
import type { TaskGate } from './task-gate.js';
import type { Lockstep, Position } from './lockstep.js';
import type { FactCacheSettings } from './fact-cache.js';
import type { TaskThrottle } from './throttle.js';

export interface RunSettings {
  check: boolean;
  diff: boolean;
  tags: TagSelection;
  extraVars: Record<string, unknown>;
  forks: number;
  /** -v count: ansible_verbosity. */
  verbosity: number;
  /**
   * -b, --become-user, --become-method, -K (or ansible.cfg, ANSIBLE_BECOME*): the defaults of
   * the become keywords; keywords and then ansible_become* variables win over them, as in Ansible.
   */
  become?: BecomeDefaults;
  /** --force-handlers, ANSIBLE_FORCE_HANDLERS or ansible.cfg: a play's force_handlers default. */
  forceHandlers?: boolean;
  /** ANSIBLE_ANY_ERRORS_FATAL or ansible.cfg: the any_errors_fatal default of every play. */
  anyErrorsFatal?: boolean;
  /** ANSIBLE_STRATEGY or ansible.cfg: the strategy of a play that names none. */
  strategy?: string;
  /** fact_caching (ANSIBLE_CACHE_PLUGIN...): where host facts are kept; memory (this run only) when unset. */
  factCache?: FactCacheSettings;
  /** ANSIBLE_INJECT_FACT_VARS / inject_facts_as_vars: false keeps facts under ansible_facts only. Default true. */
  injectFactsAsVars?: boolean;
}

export interface BecomeDefaults {
  become?: boolean;
  user?: string;
  method?: 'sudo' | 'su';
  /** -K's answer: a host's ansible_become_password wins over it. */
  password?: string;
}

export interface PlayRuntime {
  play: Play;
  settings: RunSettings;
  registry: ModuleRegistry;
  emit(event: EngineEvent): void;
  /** Results of run_once tasks, shared by every host of the play. */
  runOnce: Map<TaskNode, Promise<RunOnceResult>>;
  /** Slots of tasks with a throttle, shared by every host of the play. */
  throttle: TaskThrottle;
  /** meta end_play was reached by some host, or the run was interrupted. */
  ended: boolean;
  /** The run was interrupted (SIGINT): notified handlers stay pending instead of running. */
  interrupted?: boolean;
  /** any_errors_fatal or max_fail_percentage ended the play: no later batch or play runs, and the run exits 2. */
  brokePlay?: boolean;
  /** The play's strategy (play-strategy.ts): linear, or free / host_pinned, whose hosts never wait for each other. */
  strategy: Strategy;
  /** The batch running now. */
  batch?: BatchRun;
  /** Hosts of this play, in inventory order. */
  hosts: string[];
  /** --start-at-task and --step. */
  gate: TaskGate;
  /** Load an include_tasks file (cached per path), validated when first reached. */
  loadInclude(path: string, role: RoleContext | undefined): Promise<TaskNode[]>;
  /** Load a role for include_role (cached per name and *_from files), validated when first reached. */
  loadRole(name: string, from: RoleFiles, at: SourceLocation): Promise<LoadedRole[]>;
  /** The play's roles whose defaults and vars every task sees: roles:, import_role, and include_role with public: true. */
  roles: RoleContext[];
  /** The play's handlers: its own and its roles', then those of each include_role as it runs. */
  handlers: ModuleTask[];
  /** New host facts (gathered, or set_fact cacheable; Ansible's names) merged over the host's, and kept by the fact cache. */
  keepHostFacts(state: HostState, facts: Record<string, unknown>): void;
  /** The magic variables a task on `host` (in serial batch `batch`) sees, built once per play. */
  magic(host: string, batch: readonly string[]): Record<string, unknown>;
  /** Handlers ran on `host`: these names and listen topics are no longer pending (pending-handlers.ts). */
  handlersRan(host: string, names: string[]): void;
}

export type Strategy = 'linear' | 'free' | 'host_pinned';

export interface BatchRun {
  /** Set when the play runs in lock-step (play-strategy.ts). */
  lockstep?: Lockstep;
  /** The batch's hosts that started it. */
  states: HostState[];
}

export interface RunOnceResult {
  result: Record<string, unknown>;
  failed: boolean;
}

/** One host in one play: its state, its variables and its way to the target. */
export interface HostRuntime {
  state: HostState;
  /** Variables in precedence order, plus the task's own layers on top; `role` (the task's own) adds its defaults and vars where roles' go. */
  scope(taskLayers: VarLayer[], role?: RoleContext): Scope;
  /** Roles (by identity: directory, *_from files, parameters) that ran on this host in this play: allow_duplicates: false skips them. */
  rolesRun: Set<string>;
  /** A handle for a task's login user, become, environment and timeout, on this host or a delegate. */
  handle(options: { become?: boolean; becomeUser?: string; becomeMethod?: BecomeDefaults['method']; remoteUser?: string; /** The connection keyword: one of Ansible's plugin names drover runs (CONNECTION_PLUGINS). */ connection?: string; environment?: Record<string, string>; timeoutMs?: number; asyncDeadline?: { at: number; seconds: number }; delegateTo?: string }): Promise<HostHandle>;
}

/** Keywords and variables a task inherits from its play, role, blocks and includes. */
export interface Inherited {
  keywords: Keywords;
  tags: string[];
  layers: VarLayer[];
  /** Inside a block with a rescue section: a failure here will be rescued. */
  rescuable?: boolean;
  /** Running a notified handler (not gated by --start-at-task or --step). */
  handler?: boolean;
  /** Where the node being run sits in the play (lock-step order). */
  position?: Position;
  /** Inside a rescue or always section (nearest block): any_errors_fatal does not stop the host there. */
  recovering?: boolean;
}
