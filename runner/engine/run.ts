// The library entry point: load, validate, then run every play over its
// hosts, reporting through events. Never writes to stdout, never exits.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { ModuleRegistry } from '../module-api.js';
import { openConnection } from '../connection/open.js';
import type { ConnectionTarget } from '../connection/types.js';
import { loadInventory, selectHosts, type Inventory } from '../inventory/index.js';
import { loadPlaybook, loadPlaybookContent } from '../playbook/load.js';
import type { Playbook } from '../playbook/types.js';
import { ConnectionPool, type ConnectionFactory } from './connections.js';
import type { EngineEvent, HostStats } from './events.js';
import { SecretMasker } from './mask.js';
import { onVaultSecret } from '../vault/secrets.js';
import { runPlay } from './play.js';
import { TaskThrottle } from './throttle.js';
import { answerVarsPrompt, refuseUnanswerable, type AskVar } from './vars-prompt.js';
import { includeLoader, roleIncluder } from './include-loader.js';
import { MagicVariables } from './magic-variables.js';
import { FactCache } from './fact-cache.js';
import { byCodePoint } from '../inventory/varsfiles.js';
import { PendingHandlers } from './pending-handlers.js';
import type { PlayRuntime, RunSettings } from './runtime.js';
import { newHostState, type HostState } from './state.js';
import { TaskGate, type GateOptions } from './task-gate.js';
import { playHostPattern } from './play-hosts.js';
import { freeStrategyWarnings, playStrategy } from './play-strategy.js';

export const EXIT = { ok: 0, internal: 250, failed: 2, planStale: 3, unreachable: 4, invalidInput: 5, interrupted: 130 } as const;

export interface RunOptions extends Partial<RunSettings> {
  playbook: string;
  /** The playbook itself, built in memory (drover exec's one-task play); `playbook` then only names it. */
  playbookContent?: unknown;
  /** Inventory sources (files or directories). */
  inventory: string[];
  limit?: string;
  /** The modules tasks may name: the CLI hands in modules/registry.ts's list. */
  registry: ModuleRegistry;
  connect?: ConnectionFactory;
  knownHostsFile?: string;
  acceptNewHostKeys?: boolean;
  /** Connection flags of the command line (-u, --private-key, -T, --ssh-common-args ...): a host's variables win over them. */
  connection?: Partial<ConnectionTarget>;
  onEvent(event: EngineEvent): void;
  /** --start-at-task / --step. */
  gate?: GateOptions;
  /** Aborting stops new tasks from starting; running ones finish. */
  signal?: AbortSignal;
  /** Run the handlers an earlier failed or interrupted run left pending (runner/engine/pending-handlers.ts). */
  flushPendingHandlers?: boolean;
  /** --flush-cache: the inventory's hosts are removed from the fact cache before the run. */
  flushCache?: boolean;
  /** retry_files_enabled: the failed and unreachable hosts are written to saveDir (default: the playbook's directory)/PLAYBOOK.retry. */
  retryFiles?: { saveDir?: string };
  /** Run only these of the selected hosts (a slice of a larger run); the plays' host lists, for magic variables, stay whole. */
  onlyHosts?: readonly string[];
  /** Called once per host when it has nothing more to do in this run (its last play ended, or it failed or became unreachable). */
  onHostDone?(host: string, outcome: HostOutcome): void | Promise<void>;
  /** Answers a play's vars_prompt at the terminal; absent when there is none (then only defaults and -e answer). */
  askVar?: AskVar;
}

/** How a host ended its run: what a recap and an exit code are computed from. */
export interface HostOutcome {
  stats: HostStats;
  failed: boolean;
  unreachable: boolean;
  droverBug: boolean;
}

export interface RunSummary {
  exitCode: number;
  /** any_errors_fatal or max_fail_percentage ended a play (ad-hoc commands exit 8 for it, as Ansible's RUN_FAILED_BREAK_PLAY). */
  brokePlay: boolean;
  stats: Record<string, HostStats>;
  connectionsOpened: Record<string, number>;
}

/** Load inventory and playbook; all input problems surface here as one InputError. */
export async function loadRun(options: Pick<RunOptions, 'playbook' | 'playbookContent' | 'inventory' | 'registry' | 'extraVars'>): Promise<{ playbook: Playbook; inventory: Inventory }> {
  const load = { registry: options.registry, extraVars: options.extraVars };
  const playbook =
    options.playbookContent === undefined ? await loadPlaybook(options.playbook, load) : await loadPlaybookContent(options.playbookContent, options.playbook, load);
  const inventory = await loadInventory(options.inventory, { playbookDirs: [playbook.plays[0]?.baseDir ?? '.'] });
  return { playbook, inventory };
}

export async function runPlaybook(options: RunOptions): Promise<RunSummary> {
  const started = Date.now();
  const { registry } = options;
  const { playbook, inventory } = await loadRun(options);
  const settings: RunSettings = {
    check: options.check ?? false,
    diff: options.diff ?? false,
    tags: options.tags ?? { only: [], skip: [] },
    extraVars: options.extraVars ?? {},
    forks: options.forks ?? 50,
    verbosity: options.verbosity ?? 0,
    become: options.become,
    forceHandlers: options.forceHandlers,
    anyErrorsFatal: options.anyErrorsFatal,
    strategy: options.strategy,
    injectFactsAsVars: options.injectFactsAsVars ?? true,
    factCache: options.factCache,
  };
  refuseUnanswerable(playbook.plays, settings.extraVars, options.askVar);
  const factCache = new FactCache(settings.factCache);
  if (options.flushCache) factCache.flush(inventory.hostNamesInOrder());
  const masker = new SecretMasker();
  // Vault values found while loading, and later (vars_files are read per host), are masked too.
  const stopMasking = onVaultSecret((value) => masker.add(value));
  // Every event leaves the engine through here: known secret values are masked in all of them.
  const pending = await PendingHandlers.load(options.playbook, options.inventory, { flush: options.flushPendingHandlers ?? false });
  // Check mode runs no handler for real, so it neither records nor clears any.
  const journal = settings.check ? undefined : pending;
  let playIndex = 0;
  let brokePlay = false;
  const only = options.onlyHosts === undefined ? undefined : new Set(options.onlyHosts);
  const ours = (hosts: readonly string[]) => (only === undefined ? [...hosts] : hosts.filter((h) => only.has(h)));
  const reported = new Set<string>();
  const hostDone = async (host: string) => {
    const state = states.get(host);
    if (!options.onHostDone || !state || reported.has(host)) return;
    reported.add(host);
    await options.onHostDone(host, { stats: { ...state.stats }, failed: state.failed, unreachable: state.unreachable, droverBug: state.droverBug === true });
  };
  const emit = (event: EngineEvent) => {
    // Recorded as it happens: a run killed later still leaves the handler pending (pending-handlers.ts).
    if (event.type === 'handler.notified') journal?.notified(event.host, playIndex, event.handler);
    options.onEvent(masker.value(event));
  };
  // At most --forks connections open at once (connections.ts).
  const pool = new ConnectionPool(options.connect ?? openConnection, settings.forks);
  const states = new Map<string, HostState>();
  const defaults: Partial<ConnectionTarget> = { ...options.connection, knownHostsFile: options.knownHostsFile, acceptNewHostKeys: options.acceptNewHostKeys };
  for (const warning of inventory.warnings) emit({ type: 'warning', message: warning });
  emit({ type: 'run.start', playbook: options.playbook, plays: playbook.plays.length, check: settings.check, diff: settings.diff, forks: settings.forks });
  const loadInclude = includeLoader(registry);
  const magic = new MagicVariables({ inventory, settings, inventorySources: options.inventory, limit: options.limit, playbookDir: playbook.plays[0]?.baseDir ?? resolve('.'), states, cachedFacts: (host) => factCache.load(host) });
  const gate = new TaskGate(options.gate ?? {});
  if (!options.flushPendingHandlers) {
    for (const [host, names] of Object.entries(pending.recorded())) {
      emit({ type: 'warning', message: `${host}: handlers pending from an earlier run that failed or was interrupted: ${names.join(', ')} (run them with --flush-pending-handlers)` });
    }
  }
  try {
    const selections = playbook.plays.map((play) => selectHosts(inventory, playHostPattern(play, settings.extraVars), { limit: options.limit }));
    for (const [index, written] of playbook.plays.entries()) {
      if (options.signal?.aborted) break;
      // Asked before the play's banner, as Ansible does; the answers are play variables.
      const answers = await answerVarsPrompt(written, settings.extraVars, options.askVar, emit);
      const play = Object.keys(answers).length === 0 ? written : { ...written, vars: { ...written.vars, ...answers } };
      playIndex = index;
      const selection = selections[playIndex]!;
      const hosts = ours(selection.hosts);
      const later = new Set(selections.slice(playIndex + 1).flatMap((s) => ours(s.hosts)));
      for (const warning of selection.warnings) emit({ type: 'warning', message: warning });
      for (const host of hosts) if (!states.has(host)) states.set(host, { ...newHostState(host), facts: factCache.load(host) });
      const playMagic = magic.play({ play, hosts: selection.hosts });
      // Rendered as the play starts, after vars_prompt, as Ansible's post_validate does.
      const strategy = playStrategy(play, settings);
      if (strategy !== 'linear') for (const message of freeStrategyWarnings(play)) emit({ type: 'warning', message });
      const rt: PlayRuntime = { play, settings, strategy, registry, emit, runOnce: new Map(), throttle: new TaskThrottle(), ended: false, hosts, loadInclude, gate, magic: playMagic,
        loadRole: roleIncluder(registry, play), roles: [...play.roles], handlers: [...play.handlers],
        handlersRan: (host, names) => journal?.ran(host, index, names),
        keepHostFacts: (state, facts) => {
          state.facts = { ...state.facts, ...facts };
          factCache.save(state.name, state.facts);
        } };
      const interrupt = () => {
        rt.ended = true;
        rt.interrupted = true;
      };
      options.signal?.addEventListener('abort', interrupt, { once: true });
      pending.seed(playIndex, hosts, states);
      let outcome;
      try {
        outcome = await runPlay({ rt, inventory, pool, states, connectionDefaults: defaults, inLaterPlay: (host) => later.has(host), hostDone });
      } finally {
        // One listener per play would pile up on a signal shared by many runs (drover test).
        options.signal?.removeEventListener('abort', interrupt);
      }
      pending.collect(hosts, states);
      // As Ansible's PlaybookExecutor: a play that any_errors_fatal, max_fail_percentage or a wholly failed batch ended is the last.
      // A slice of a larger run (--redis) sees only its own hosts: whether the whole batch failed is not its to say.
      brokePlay = outcome.brokePlay;
      if (outcome.brokePlay || (outcome.batchFailed && only === undefined)) break;
    }
    // Hosts that failed before a later play they were in never reached its end.
    if (!options.signal?.aborted) for (const host of states.keys()) await hostDone(host);
  } finally {
    stopMasking();
    await pool.closeAll();
    await journal?.save();
  }
  // As Ansible's recap: only hosts something was counted for (a host of a batch that never ran is not listed).
  const stats = Object.fromEntries([...states].filter(([, s]) => Object.values(s.stats).some((n) => n !== 0)).map(([name, s]) => [name, s.stats]));
  const exitCode = exitCodeOf([...states.values()], options.signal?.aborted ?? false, brokePlay);
  const retryFile = options.retryFiles === undefined ? undefined : writeRetryFile(options.playbook, options.retryFiles.saveDir, [...states.values()], emit);
  emit({ type: 'run.end', stats, exitCode, durationMs: Date.now() - started, ...(retryFile === undefined ? {} : { retryFile }) });
  return { exitCode, brokePlay, stats, connectionsOpened: pool.connectionsOpened() };
}

function exitCodeOf(states: HostState[], interrupted: boolean, brokePlay: boolean): number {
  return exitCodeFor(states.map((s) => ({ stats: s.stats, failed: s.failed, unreachable: s.unreachable, droverBug: s.droverBug === true })), interrupted, brokePlay);
}

/**
 * A bug of drover's outranks everything: the run's result cannot be trusted.
 * Then Ansible's order (StrategyBase.run): a play ended by any_errors_fatal
 * or max_fail_percentage exits 2; else an unreachable host 4, before a failed
 * one 2. A host counts as failed while it is (meta clear_host_errors clears
 * it; the recap still counts the failure).
 */
export function exitCodeFor(outcomes: readonly HostOutcome[], interrupted: boolean, brokePlay = false): number {
  if (outcomes.some((s) => s.droverBug)) return EXIT.internal;
  if (interrupted) return EXIT.interrupted;
  if (brokePlay) return EXIT.failed;
  if (outcomes.some((s) => s.unreachable)) return EXIT.unreachable;
  if (outcomes.some((s) => s.failed)) return EXIT.failed;
  return EXIT.ok;
}

/** Ansible's _generate_retry_inventory: the failed and unreachable hosts, sorted, one a line; undefined when none failed or it could not be written (a warning says why). */
function writeRetryFile(playbook: string, saveDir: string | undefined, states: HostState[], emit: (event: EngineEvent) => void): string | undefined {
  const hosts = states.filter((s) => s.failed || s.unreachable).map((s) => s.name).sort(byCodePoint);
  if (hosts.length === 0) return undefined;
  const file = join(saveDir ?? dirname(resolve(playbook)), `${basename(playbook, extname(playbook))}.retry`);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, hosts.map((h) => `${h}\n`).join(''));
    return file;
  } catch (error) {
    emit({ type: 'warning', message: `Could not create retry file '${file}'.\n\t${(error as Error).message}` });
    return undefined;
  }
}
