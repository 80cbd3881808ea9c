// One play over its hosts: hosts run independently, at most `forks` at a
// time, in `serial` batches when asked; in lock-step when the play's meaning
// depends on it (play-strategy.ts). Per host: facts, then pre_tasks, tasks
// and post_tasks, each followed by a handler flush.
import { resolve } from 'node:path';
import type { Inventory } from '../inventory/index.js';
import { connectionTarget } from '../inventory/index.js';
import { becomeOverrides, CONNECTION_VAR_NAMES, transportOf } from '../inventory/connection.js';
import { addVaultSecret } from '../vault/secrets.js';
import type { ConnectionTarget } from '../connection/types.js';
import { ConnectionError } from '../connection/types.js';
import { HostHandle } from '../host/handle.js';
import type { Play, RoleContext } from '../playbook/types.js';
import { readYamlFile, displayPath } from '../playbook/yaml-source.js';
import { formatLocation, InputError, type Problem } from '../errors.js';
import type { ConnectionPool } from './connections.js';
import { LazyConnection } from './lazy-connection.js';
import { gatheredFacts } from './fact-cache.js';
import { flushHandlers } from './handlers.js';
import { droverBugOf, reportDroverBug, rethrowUnlessTaskFailure } from './drover-bug.js';
import type { TaskRef } from './events.js';
import type { HostRuntime, Inherited, PlayRuntime } from './runtime.js';
import type { HostState } from './state.js';
import { runTasks, failHost, stopped } from './task-runner.js';
import { condition, createScope, render, type VarLayer } from './templating.js';
import { hostLayers } from './variables.js';
import { evaluateKeywords, keywordFailure } from './task-keywords.js';
import { Lockstep } from './lockstep.js';
import { BatchFailures } from './batch-failures.js';
import { needsLockstep } from './play-strategy.js';
import { waitForTurn } from './turns.js';

/** How a task logs in, from its keywords: below the host's own connection variables. */
interface Login {
  remoteUser?: string;
  connection?: ConnectionTarget['transport'];
}

export interface PlayInputs {
  rt: PlayRuntime;
  inventory: Inventory;
  pool: ConnectionPool;
  states: Map<string, HostState>;
  connectionDefaults: Partial<ConnectionTarget>;
  /** Whether the host is in a later play of the run (else its connection closes when it is done here). */
  inLaterPlay(host: string): boolean;
  /** Told when a host ends its last play (runner/engine/run.ts's onHostDone). */
  hostDone?(host: string): Promise<void>;
}

/** What a play's run tells the run: a failure that ends it (no later play runs). */
export interface PlayOutcome {
  /** any_errors_fatal or max_fail_percentage ended it: the run exits 2. */
  brokePlay: boolean;
  /** Every host of a batch failed or became unreachable: Ansible ends the play and the playbook. */
  batchFailed: boolean;
}

export async function runPlay(inputs: PlayInputs): Promise<PlayOutcome> {
  const { rt, states } = inputs;
  rt.emit({ type: 'play.start', play: rt.play.name, hosts: rt.hosts });
  const lockstep = rt.strategy === 'linear' && needsLockstep(rt.play, rt.settings.anyErrorsFatal ?? false);
  let batchFailed = false;
  for (const batch of batches(rt.hosts, rt.play.serial)) {
    if (rt.ended) break;
    const live = batch.filter((h) => !states.get(h)!.failed && !states.get(h)!.unreachable);
    const batchStates = live.map((h) => states.get(h)!);
    // In lock-step every host of the batch walks at once; the lock-step runs a task on at most forks of them at a time.
    const limit = lockstep ? live.length : rt.settings.forks;
    rt.batch = { states: batchStates };
    if (lockstep) {
      const failures = new BatchFailures(live, batch.length, states, rt.play.maxFailPercentage);
      const isStopped = (h: string) => {
        const s = states.get(h)!;
        return rt.ended || s.failed || s.unreachable || s.endedPlay;
      };
      const step = new Lockstep(live, live, (round, waiting) => {
        failures.afterRound(round, waiting);
        if (failures.breakPlay) rt.brokePlay = true;
        if (failures.aborted) rt.ended = true;
      }, isStopped, rt.settings.forks);
      rt.batch.lockstep = step;
    }
    try {
      await inParallel(live, limit, (host) => runHost(host, batch, inputs));
    } finally {
      rt.batch = undefined;
    }
    // As PlaybookExecutor: a batch whose every host failed or became unreachable in it ends the run.
    const failedHere = live.filter((h) => states.get(h)!.failed || states.get(h)!.unreachable).length;
    if (failedHere === batch.length && batch.length > 0) batchFailed = true;
    if (rt.brokePlay || batchFailed) break;
  }
  rt.emit({ type: 'play.end', play: rt.play.name });
  return { brokePlay: rt.brokePlay === true, batchFailed };
}

async function runHost(name: string, batch: readonly string[], inputs: PlayInputs): Promise<void> {
  inputs.pool.hostStarted(name);
  try {
    await runHostTasks(name, batch, inputs);
  } finally {
    inputs.rt.batch?.lockstep?.leave(name);
    inputs.pool.hostDone(name, { last: !inputs.inLaterPlay(name) });
  }
  if (!inputs.inLaterPlay(name) && !inputs.rt.interrupted) await inputs.hostDone?.(name);
}

async function runHostTasks(name: string, batch: readonly string[], inputs: PlayInputs): Promise<void> {
  const { rt } = inputs;
  const host = await hostRuntime(name, batch, inputs);
  host.state.endedPlay = false;
  // An import_playbook's when stands in front of every task's own conditions (not the handlers').
  const importedWhen = rt.play.importedWhen?.tasks;
  const base: Inherited = { keywords: importedWhen ? { ...rt.play.keywords, when: importedWhen } : rt.play.keywords, tags: rt.play.keywords.tags ?? [], layers: [] };
  try {
    if (rt.play.gatherFacts) {
      await waitForTurn(rt, host, FACTS_TURN, {}, { position: [-1] });
      if (stopped(rt, host) || !(await gatherFacts(host, rt))) return;
    }
    const force = rt.play.forceHandlers ?? rt.settings.forceHandlers ?? false;
    for (const [index, section] of [rt.play.preTasks, rt.play.tasks, rt.play.postTasks].entries()) {
      if (stopped(rt, host)) break;
      await runTasks(section, { ...base, position: [2 * index] }, { rt, host });
      // A host that meta end_host or end_play ended runs no handler either, as in Ansible; one that failed only with force_handlers.
      if ((!host.state.failed || force) && !host.state.unreachable && !host.state.endedPlay && !rt.ended) await flushHandlers(rt, host, [2 * index + 1], { force });
    }
  } catch (error) {
    if (!(error instanceof ConnectionError)) return reportDroverBug(droverBugOf(error, playRef(rt)), host.state, rt.emit);
    host.state.unreachable = true;
    host.state.stats.unreachable += 1;
    rt.emit({ type: 'host.task.result', host: name, task: { play: rt.play.name, name: 'connection lost', location: '' }, status: 'unreachable', planOnly: false, changes: [], diff: [], message: error.message, durationMs: 0 });
  }
}

/** Gathering Facts' place in lock-step order: before every task. */
const FACTS_TURN = {};

/** Where a bug outside any task happened: the play itself. */
function playRef(rt: PlayRuntime): TaskRef {
  const at = rt.play.location;
  return { play: rt.play.name, name: 'running the play', location: `${at.file}:${at.line}:${at.column}` };
}

async function gatherFacts(host: HostRuntime, rt: PlayRuntime): Promise<boolean> {
  const task = { play: rt.play.name, name: 'Gathering Facts', location: `${rt.play.location.file}:${rt.play.location.line}:${rt.play.location.column}` };
  const started = Date.now();
  rt.emit({ type: 'host.task.start', host: host.state.name, task });
  try {
    const when = rt.play.importedWhen?.gathering;
    if (when && !condition(when, host.scope([]), (message) => rt.emit({ type: 'warning', message }))) {
      host.state.stats.skipped += 1;
      rt.emit({ type: 'host.task.result', host: host.state.name, task, status: 'skipped', planOnly: false, changes: [], diff: [], durationMs: Date.now() - started });
      return true;
    }
    const handle = await host.handle({ become: false, ...playLogin(host, rt) });
    rt.keepHostFacts(host.state, gatheredFacts({ ...(await handle.facts()) }));
    host.state.stats.ok += 1;
    rt.emit({ type: 'host.task.result', host: host.state.name, task, status: 'ok', planOnly: false, changes: [], diff: [], durationMs: Date.now() - started });
    return true;
  } catch (error) {
    if (error instanceof ConnectionError) {
      host.state.unreachable = true;
      host.state.stats.unreachable += 1;
      rt.emit({ type: 'host.task.result', host: host.state.name, task, status: 'unreachable', planOnly: false, changes: [], diff: [], message: error.message, durationMs: Date.now() - started });
      return false;
    }
    rethrowUnlessTaskFailure(error, task);
    failHost({ rt, host }, task, (error as Error).message);
    return false;
  }
}

/** The play's remote_user and connection rendered for the host: Gathering Facts logs in as the play's tasks do. */
function playLogin(host: HostRuntime, rt: PlayRuntime): { remoteUser?: string; connection?: string } {
  const { remote_user, connection } = rt.play.keywords;
  const evaluated = evaluateKeywords({ stage: 'item', keywords: { remote_user, connection }, scope: host.scope([]) });
  if (!evaluated.ok) throw new Error(keywordFailure(evaluated.problems, formatLocation(rt.play.location)));
  return { remoteUser: evaluated.values.remoteUser, connection: evaluated.values.connection };
}

async function hostRuntime(name: string, batch: readonly string[], inputs: PlayInputs): Promise<HostRuntime> {
  const { rt, inventory, states } = inputs;
  const state = states.get(name)!;
  const magic = rt.magic(name, batch);
  const inventoryLayers = inventory.hostVarLayers(name);
  const layersOf = (varsFiles: VarLayer[], own?: RoleContext) =>
    hostLayers({ play: rt.play, roles: own && !rt.roles.includes(own) ? [...rt.roles, own] : rt.roles, inventoryLayers, varsFiles, state, extraVars: rt.settings.extraVars, magic, injectFactsAsVars: rt.settings.injectFactsAsVars });
  const beforeVarsFiles = layersOf([]);
  const varsFiles = await loadVarsFiles(rt.play, createScope([...beforeVarsFiles.base, ...beforeVarsFiles.top]));
  // Layers are put together per task: the facts layer changes once facts are gathered.
  const scope = (taskLayers: VarLayer[], own?: RoleContext) => {
    const layers = layersOf(varsFiles, own);
    return createScope([...layers.base, ...taskLayers, ...layers.top]);
  };
  const plainScope = scope([]);
  // Connection and become variables of a host (this one, or a delegate), from the one table of their names.
  const varsOf = (host: string) => (host === name ? plainScope : createScope([...inventory.hostVarLayers(host), { source: 'extra vars', vars: rt.settings.extraVars }]));
  const connectionVarsOf = (host: string): Record<string, unknown> => {
    const vars = varsOf(host);
    return Object.fromEntries(CONNECTION_VARS.map((k) => [k, lookupOrUndefined(vars, k)]).filter(([, v]) => v !== undefined));
  };
  // The remote_user and connection keywords stand where -u and -c do, below the host's ansible_user and
  // ansible_connection: in Ansible the connection variables override the play context's keywords
  // (PlayContext.set_task_and_variable_override).
  const target = (host: string, login: Login): ConnectionTarget =>
    connectionTarget(host, connectionVarsOf(host), {
      ...inputs.connectionDefaults,
      ...(login.remoteUser === undefined ? {} : { user: login.remoteUser }),
      ...(login.connection === undefined ? {} : { transport: login.connection }),
    });
  // One connection object per target, login user and transport for the play, so what is cached per connection (facts) is reused.
  const connections = new Map<string, LazyConnection>();
  const connectionTo = (host: string, login: Login): LazyConnection => {
    const key = `${host}\u0000${login.remoteUser ?? ''}\u0000${login.connection ?? ''}`;
    let connection = connections.get(key);
    if (!connection) {
      connection = new LazyConnection(target(host, login), inputs.pool);
      connections.set(key, connection);
    }
    return connection;
  };
  return {
    state,
    scope,
    rolesRun: new Set(),
    async handle(options) {
      const on = options.delegateTo ?? name;
      const connection = connectionTo(on, { remoteUser: options.remoteUser, connection: options.connection === undefined ? undefined : transportOf(options.connection) });
      const t = connection.target;
      // ansible_become* variables win over the become keywords, which win over -b/--become-user/-K, as in Ansible.
      const vars = becomeOverrides(connectionVarsOf(on), on);
      const cli = rt.settings.become ?? {};
      const password = vars.password ?? cli.password;
      // Never printed by drover; masked anyway in case a task echoes it.
      if (password !== undefined) addVaultSecret(password);
      return new HostHandle(on, connection, {
        loginUser: t.user,
        become: {
          become: vars.become ?? options.become ?? cli.become ?? false,
          user: vars.user ?? options.becomeUser ?? cli.user,
          method: vars.method ?? options.becomeMethod ?? cli.method,
          password,
        },
        environment: options.environment,
        timeoutMs: options.timeoutMs,
        asyncDeadline: options.asyncDeadline,
        pythonInterpreter: pythonInterpreterOf(varsOf(on)),
      });
    },
  };
}

const CONNECTION_VARS = Object.values(CONNECTION_VAR_NAMES).flat();

function pythonInterpreterOf(scope: ReturnType<typeof createScope>): string | undefined {
  const value = lookupOrUndefined(scope, 'ansible_python_interpreter');
  // auto, auto_silent, auto_legacy...: discovered, as when unset.
  return typeof value === 'string' && value !== '' && !value.startsWith('auto') ? value : undefined;
}

function lookupOrUndefined(scope: ReturnType<typeof createScope>, name: string): unknown {
  try {
    return scope.lookup(name);
  } catch {
    return undefined;
  }
}

async function loadVarsFiles(play: Play, scope: ReturnType<typeof createScope>): Promise<VarLayer[]> {
  const layers: VarLayer[] = [];
  for (const entry of play.varsFiles) {
    const path = resolve(play.baseDir, String(render(entry, scope)));
    const vars = await readYamlFile(path);
    if (vars !== null && (typeof vars !== 'object' || Array.isArray(vars))) {
      throw new InputError([{ message: `vars file ${displayPath(path)} must be a mapping of variables` }]);
    }
    layers.push({ source: `vars_files ${displayPath(path)}`, vars: (vars ?? {}) as Record<string, unknown> });
  }
  return layers;
}

/** The play's `serial` batches, in order. */
export function batches(hosts: string[], serial: (number | string)[] | undefined): string[][] {
  if (!serial?.length) return [hosts];
  const out: string[][] = [];
  let index = 0;
  let step = 0;
  while (index < hosts.length) {
    const spec = serial[Math.min(step++, serial.length - 1)]!;
    const size = typeof spec === 'string' && spec.endsWith('%') ? Math.max(1, Math.floor((hosts.length * parseFloat(spec)) / 100)) : Math.max(1, Number(spec));
    out.push(hosts.slice(index, index + size));
    index += size;
  }
  return out;
}

/** Run `work` for every item, at most `limit` at once. */
export async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
