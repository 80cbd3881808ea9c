// What command and shell share: the creates/removes guard (read-only, so it
// lives in plan), running the command with stdin and chdir, and the result in
// Ansible's shape (rc, stdout, stderr, *_lines, start/end/delta, msg).
import { ModuleFailure, type ApplyResult, type Plan } from '../../runner/module-api.js';
import type { Host } from '../../runner/host/types.js';
import { sh, type Command } from '../../runner/quote.js';

export const commandRunSchemaProperties = {
  chdir: { type: 'string', minLength: 1, description: 'Change into this directory before running the command (and before testing creates/removes).' },
  creates: { type: 'string', minLength: 1, description: 'A path or glob pattern; when it matches, the command is not run.' },
  removes: { type: 'string', minLength: 1, description: 'A path or glob pattern; when it matches nothing, the command is not run.' },
  stdin: { type: 'string', description: "Text fed to the command's standard input." },
  stdin_add_newline: { type: 'boolean', default: true, description: 'Append a newline to stdin.' },
  strip_empty_ends: { type: 'boolean', default: true, description: 'Strip trailing newlines (CR and LF) from stdout and stderr.' },
} as const;

export interface CommandRunParams {
  chdir?: string;
  creates?: string;
  removes?: string;
  stdin?: string;
  stdin_add_newline?: boolean;
  strip_empty_ends?: boolean;
}

/** What plan hands apply: the command built once, and the `cmd` value the result reports. */
export interface CommandRunState {
  command: Command;
  /** What --check and the change list show: the user's words, without drover's wrapping. */
  display: string;
  cmd: string | readonly string[];
}

/**
 * Which of creates/removes stops the command. The pattern is expanded by the
 * remote shell's globbing only: IFS is empty so the value stays one word, and
 * globbing never runs code. Ansible expands a leading ~ too (type 'path').
 */
function guardCommand(params: CommandRunParams): Command {
  return sh`IFS=''
matches() {
  p=$1
  case $p in '~') p=$HOME ;; '~/'*) p=$HOME/\${p#'~/'} ;; esac
  for f in $p; do if [ -e "$f" ] || [ -L "$f" ]; then return 0; fi; done
  return 1
}
if [ -n ${params.creates ?? ''} ] && matches ${params.creates ?? ''}; then echo creates; exit 0; fi
if [ -n ${params.removes ?? ''} ] && ! matches ${params.removes ?? ''}; then echo removes; exit 0; fi
echo run`;
}

/** Plan a command run: skipped (ok) when creates matches or removes does not, else one "would run" change. */
export async function planCommandRun(host: Host, params: CommandRunParams, state: CommandRunState): Promise<Plan<CommandRunState>> {
  const base = { cmd: state.cmd, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [], start: null, end: null, delta: null };
  // Ansible's command in check mode: rc 0 and this message; without creates/removes it cannot tell, so the task is skipped.
  const guarded = params.creates !== undefined || params.removes !== undefined;
  const wouldRun: Plan<CommandRunState> = {
    changes: [`would run: ${state.display}`],
    state,
    result: { ...base, rc: null, msg: '' },
    inCheckMode: { result: { rc: 0, msg: 'Command would have run if not in check mode' }, skipped: !guarded },
  };
  if (!guarded && params.chdir === undefined) return wouldRun;
  // Run where the command would run: a relative creates= is relative to chdir, as in Ansible.
  const guard = await host.run(guardCommand(params), params.chdir !== undefined ? { cwd: params.chdir } : {});
  if (guard.rc !== 0) {
    throw new ModuleFailure(`Unable to change directory before execution: ${guard.stderr.trim() || params.chdir}`, { ...base, rc: guard.rc, stderr: guard.stderr });
  }
  const verdict = guard.stdout.trim();
  if (verdict === 'creates') return notRun(base, `since '${params.creates}' exists`, `skipped, since ${params.creates} exists`);
  if (verdict === 'removes') return notRun(base, `since '${params.removes}' does not exist`, `skipped, since ${params.removes} does not exist`);
  return wouldRun;
}

/** creates/removes stopped the command: Ansible says "Did not run" (check mode: "Would not run"), and puts a note in stdout. */
function notRun(base: Record<string, unknown>, why: string, stdout: string): Plan<CommandRunState> {
  const result = { ...base, rc: 0, stdout, stdout_lines: [stdout], msg: `Did not run command ${why}` };
  return { changes: [], result, inCheckMode: { result: { msg: `Would not run command ${why}` } } };
}

/** Run the planned command; rc != 0 fails the task with the whole result attached. */
export async function applyCommandRun(host: Host, params: CommandRunParams, plan: Plan<CommandRunState>): Promise<ApplyResult> {
  const { command, cmd } = plan.state as CommandRunState;
  // Without stdin the command reads /dev/null, never the connection's own channel (and never waits on it).
  const hasStdin = params.stdin !== undefined && params.stdin !== '';
  const stdin = hasStdin ? params.stdin! + (params.stdin_add_newline === false ? '' : '\n') : undefined;
  const script = hasStdin ? command : sh`${command} </dev/null`;
  const options = { ...(params.chdir !== undefined ? { cwd: params.chdir } : {}), ...(stdin !== undefined ? { stdin } : {}) };
  const start = new Date();
  const out = await host.run(script, options);
  const end = new Date();
  const strip = (text: string) => (params.strip_empty_ends === false ? text : text.replace(/[\r\n]+$/, ''));
  const stdout = strip(out.stdout);
  const stderr = strip(out.stderr);
  const result = {
    cmd,
    rc: out.rc,
    stdout,
    stderr,
    stdout_lines: splitLines(stdout),
    stderr_lines: splitLines(stderr),
    start: pythonTime(start),
    end: pythonTime(end),
    delta: pythonDelta(end.getTime() - start.getTime()),
    msg: out.rc === 0 ? '' : 'non-zero return code',
  };
  // A command that ran changed something as far as Ansible knows, whatever its rc: it registers changed: true.
  if (out.rc !== 0) throw new ModuleFailure(`non-zero return code (${out.rc})${stderr ? `: ${stderr.split('\n')[0]}` : ''}`, { changed: true, ...result });
  return { result, changed: true };
}

/** Python's str.splitlines for the usual line ends. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  return text.replace(/\r?\n$|\r$/, '').split(/\r\n|\r|\n/);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** str(datetime.now()) as Ansible prints it: '2024-05-01 12:00:00.123000' (controller clock). */
export function pythonTime(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}000`;
}

/** str(timedelta): '0:00:01.250000'. */
export function pythonDelta(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  return `${h}:${pad(m)}:${pad(s)}.${pad(total % 1000, 3)}000`;
}
