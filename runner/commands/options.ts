// Options shared by the commands that run a playbook (run, plan) or its result
// (apply), so their flags mean the same everywhere.
import { constants } from 'node:os';
import { Option, type Command } from 'commander';
import { killRunningCommands } from '../connection/running-commands.js';
import type { EngineEvent, Reporter } from '../engine/events.js';
import { createReporter } from '../report/index.js';
import { defaultRunLogDir, RunLogReporter, teeReporter } from '../report/run-log.js';
import { DebugLogReporter, defaultDebugLogFile } from '../report/debug-log.js';
import type { ConnectionTarget } from '../connection/types.js';
import type { BecomeDefaults } from '../engine/runtime.js';
import type { FactCacheSettings } from '../engine/fact-cache.js';
import { InputError } from '../errors.js';
import { transportOf } from '../inventory/connection.js';

function positiveSeconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InputError([{ message: `--timeout must be a number of seconds, got ${JSON.stringify(v)}` }]);
  return n;
}

/** -c's value (or ANSIBLE_TRANSPORT's): a connection plugin drover has. */
export function connectionType(v: string): ConnectionTarget['transport'] {
  const transport = transportOf(v);
  if (transport === undefined) throw new InputError([{ message: `connection '${v}' is not supported: drover connects with ssh (smart and paramiko are ssh too) or local` }]);
  return transport;
}

/** The explicit colour choice for a reporter: --no-color (or nocolor) off, force_color on, else undefined (follow the terminal). */
export function colorChoice(flags: Pick<OutputFlags, 'color' | 'forceColor'>): boolean | undefined {
  return flags.color === false ? false : flags.forceColor === true ? true : undefined;
}

export const collect = (value: string, previous: string[]) => [...previous, value];

export interface TargetFlags {
  inventory: string[];
  limit?: string;
  tags: string[];
  skipTags: string[];
  extraVars: string[];
  forks: number;
}

export interface OutputFlags {
  json?: boolean;
  output: 'auto' | 'plain' | 'listr' | 'json' | 'ansible';
  verbose: number;
  knownHosts?: string;
  acceptNewHostKeys?: boolean;
  color: boolean;
  diff?: boolean;
  /** --log DIR, or false with --no-log; true (the default directory) otherwise. */
  log: string | boolean;
  /** --debug-log FILE: written only when a bug of drover's stops a host. */
  debugLog?: string;
  user?: string;
  privateKey?: string;
  timeout?: number;
  sshCommonArgs?: string;
  sshExtraArgs?: string;
  /** ansible.cfg's ssh_args (no flag: Ansible has none either). */
  sshArgs?: string;
  /** -c: the connection of hosts that set no ansible_connection (local or ssh). */
  connection?: ConnectionTarget['transport'];
  /** ANSIBLE_FORCE_COLOR / force_color: colour even when stdout is no terminal (--no-color still wins). */
  forceColor?: boolean;
  /** ANSIBLE_INJECT_FACT_VARS / inject_facts_as_vars (default true): each fact also as an ansible_* variable. */
  injectFactsAsVars?: boolean;
  /** fact_caching and its connection, prefix and timeout (ansible.cfg, ANSIBLE_CACHE_PLUGIN*). */
  factCache?: FactCacheSettings;
  /** retry_files_enabled (and retry_files_save_path): write PLAYBOOK.retry when hosts failed. */
  retryFiles?: { saveDir?: string };
}

/** The command line's connection flags as connection defaults (a host's variables win over them, as in Ansible). */
export function connectionFlags(flags: OutputFlags): Partial<ConnectionTarget> {
  const c: Partial<ConnectionTarget> = {};
  if (flags.user !== undefined) c.user = flags.user;
  if (flags.privateKey !== undefined) c.privateKeyFile = flags.privateKey;
  if (flags.timeout !== undefined) c.connectTimeoutMs = flags.timeout * 1000;
  if (flags.sshCommonArgs !== undefined) c.sshCommonArgs = flags.sshCommonArgs;
  if (flags.sshExtraArgs !== undefined) c.sshExtraArgs = flags.sshExtraArgs;
  if (flags.sshArgs !== undefined) c.sshArgs = flags.sshArgs;
  if (flags.connection !== undefined) c.transport = flags.connection;
  return c;
}

/**
 * What the engine takes from the flags of every command that runs tasks on hosts
 * (run, exec): check and diff mode, forks, verbosity, host keys, connection and become defaults.
 */
export function hostRunSettings(flags: OutputFlags & { check?: boolean; forks: number }, auth: { become: BecomeDefaults; connectionPassword?: string }) {
  return {
    check: flags.check,
    diff: flags.diff,
    forks: flags.forks,
    verbosity: flags.verbose,
    injectFactsAsVars: flags.injectFactsAsVars,
    factCache: flags.factCache,
    knownHostsFile: flags.knownHosts,
    acceptNewHostKeys: flags.acceptNewHostKeys,
    connection: { ...connectionFlags(flags), ...(auth.connectionPassword === undefined ? {} : { password: auth.connectionPassword }) },
    become: auth.become,
  };
}

/** Which hosts and tasks: inventory, limit, tags, extra vars, forks. */
export function addTargetOptions(command: Command): Command {
  return addHostOptions(command)
    .option('-t, --tags <tags>', 'only tasks with these tags (comma separated)', collect, [])
    .option('--skip-tags <tags>', 'skip tasks with these tags', collect, []);
}

/** Which hosts, with which extra vars, how many at once (drover exec has no tags to choose). */
export function addHostOptions(command: Command): Command {
  return command
    .option('-i, --inventory <path>', 'inventory file or directory (repeatable)', collect, [])
    .option('-l, --limit <pattern>', "further limit hosts, e.g. 'web:&prod:!db01'")
    .option('-e, --extra-vars <vars>', 'KEY=VALUE words, YAML/JSON, or @file (repeatable)', collect, [])
    .option('-f, --forks <n>', 'hosts in parallel', (v) => Number.parseInt(v, 10), 50);
}

/** How results are shown and how hosts are trusted. */
export function addOutputOptions(command: Command): Command {
  return command
    .option('-D, --diff', 'show differences (file diffs, before/after state)')
    .option('--json', 'one JSON event per line')
    .addOption(new Option('--output <format>', "auto, plain, listr, json, or ansible (Ansible's default callback)").choices(['auto', 'plain', 'listr', 'json', 'ansible']).default('auto'))
    .option('-v, --verbose', 'more detail (repeat for more)', (_v, n: number) => n + 1, 0)
    .option('--known-hosts <file>', 'known_hosts file to verify host keys against')
    .option('--accept-new-host-keys', 'add keys of hosts not yet known (a changed key still fails)')
    .option('-c, --connection <type>', "connection of hosts that set no ansible_connection: ssh (default; smart and paramiko are ssh too) or local", connectionType)
    .option('-u, --user <user>', 'connect as this user (a host\'s ansible_user wins, as in Ansible)')
    .option('--private-key <file>', 'SSH private key file (a host\'s ansible_ssh_private_key_file wins)')
    .option('-T, --timeout <seconds>', 'SSH connection timeout in seconds (default 15; ansible_ssh_timeout wins)', (v) => positiveSeconds(v))
    .option('--ssh-common-args <args>', 'ssh options for every host, e.g. "-o ProxyJump=login1" (ansible_ssh_common_args wins)')
    .option('--ssh-extra-args <args>', 'more ssh options, read after the common ones (ansible_ssh_extra_args wins)')
    .option('--no-color', 'no ANSI colours')
    .option('--log <dir>', 'record the run\'s events here for `drover report` (default: $XDG_STATE_HOME/drover/runs)')
    .option('--no-log', 'do not record the run\'s events')
    .option('--debug-log <file>', 'where the stack of a bug of drover\'s goes (default: a new file under $XDG_STATE_HOME/drover/debug)');
}

/** Which task each host runs now, from the events the reporter sees: what the first Ctrl-C says it waits for. */
class RunningTasks {
  private readonly byHost = new Map<string, Extract<EngineEvent, { type: 'run.interrupted' }>['waiting'][number]>();

  watching(reporter: Reporter): Reporter {
    return {
      handle: (event) => {
        if (event.type === 'host.task.start') this.byHost.set(event.host, { host: event.host, task: event.task, item: event.item });
        else if (event.type === 'host.task.result' && event.item === undefined) this.byHost.delete(event.host);
        else if (event.type === 'play.end') this.byHost.clear();
        reporter.handle(event);
      },
      close: () => reporter.close(),
    };
  }

  now() {
    return [...this.byHost.values()];
  }
}

/** How long a stop waits for hosts to confirm their commands were killed. */
const STOP_GRACE_MS = 5_000;

/**
 * Runs `work` with a reporter and Ctrl-C handling: the first Ctrl-C aborts the
 * signal (no new tasks, running ones finish, recap printed) and tells the reporter
 * which tasks it waits for; a second, SIGTERM or SIGHUP stops at once: the
 * commands running on hosts are killed there (their process session, as a
 * timeout does), then drover exits.
 */
export async function withReporter<T>(flags: OutputFlags, work: (reporter: Reporter, signal: AbortSignal) => Promise<T>, ownView?: Reporter): Promise<T> {
  // A command with its own output (drover exec's ad-hoc lines) brings its view; the run log and debug log stay the same.
  const view = ownView ?? createReporter({
    format: flags.json ? 'json' : flags.output,
    stream: process.stdout,
    diff: Boolean(flags.diff),
    verbose: flags.verbose,
    // Unset unless --no-color, ANSIBLE_NOCOLOR or ANSIBLE_FORCE_COLOR: the reporter then follows the TTY, NO_COLOR and FORCE_COLOR.
    color: colorChoice(flags),
  });
  const runLog = flags.log === false ? [] : [new RunLogReporter(typeof flags.log === 'string' ? flags.log : defaultRunLogDir())];
  const reporter = teeReporter([view, ...runLog, new DebugLogReporter(flags.debugLog ?? defaultDebugLogFile())]);
  const abort = new AbortController();
  const running = new RunningTasks();
  // Stop now: end the commands running on hosts (up to STOP_GRACE_MS), then exit 128 + signal number.
  const stopNow = (signal: NodeJS.Signals) => {
    void killRunningCommands(STOP_GRACE_MS).finally(() => process.exit(128 + constants.signals[signal]));
  };
  const onSigint = () => {
    if (abort.signal.aborted) return stopNow('SIGINT');
    abort.abort();
    reporter.handle({ type: 'run.interrupted', waiting: running.now() });
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', stopNow);
  process.on('SIGHUP', stopNow);
  try {
    return await work(running.watching(reporter), abort.signal);
  } finally {
    // Also on errors: a live view left open keeps its timer (and a hidden cursor).
    await reporter.close();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', stopNow);
    process.off('SIGHUP', stopNow);
  }
}
