// Async jobs left running on the host (`async: N` with `poll: 0`), where
// Ansible keeps them: ~/.ansible_async/JID is the results file, here with a
// directory JID.d beside it holding the command's output, exit status and
// times, written by a shell that outlives the task. The command is killed
// when Ansible's async_wrapper would kill it (wrapperLimit). async_status reads the
// directory, builds the result (as command's), and writes it to the results
// file as Ansible's wrapper does when the job ends.
import { ModuleFailure, type AsyncJobRequest, type Plan } from '../../runner/module-api.js';
import type { Host } from '../../runner/host/types.js';
import { joinCommands, sh, type Command } from '../../runner/quote.js';
import { pythonDelta, pythonTime, splitLines, type CommandRunParams, type CommandRunState } from './command-run.js';

/** Job ids are file names under the async directory: nothing that could leave it. */
export function checkJobId(jid: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(jid) || jid === '.' || jid === '..') throw new ModuleFailure(`could not find job`, { ansible_job_id: jid, started: 1, finished: 1 });
  return jid;
}

/** What a job recorded at its start: what its result reports besides the output. */
interface JobMeta {
  cmd: string | readonly string[];
  strip_empty_ends: boolean;
  /** Set when the job had nothing to do (creates/removes): its whole result, known at once. */
  result?: Record<string, unknown>;
}

const SETUP = (id: string) => sh`d="$HOME/.ansible_async"; j=${id}; w="$d/$j.d"`;

/** Starts a command or shell job; returns what Ansible registers for it (finished: 0). */
export async function startCommandJob(host: Host, params: CommandRunParams, plan: Plan<CommandRunState>, job: AsyncJobRequest): Promise<Record<string, unknown>> {
  const id = checkJobId(job.id);
  const state = plan.state;
  const started = { started: 1, finished: 0, ansible_job_id: id };
  const meta: JobMeta = state ? { cmd: state.cmd, strip_empty_ends: params.strip_empty_ends !== false } : { cmd: '', strip_empty_ends: true, result: { ...plan.result, changed: false } };
  const hasStdin = params.stdin !== undefined && params.stdin !== '';
  const stdin = hasStdin ? params.stdin! + (params.stdin_add_newline === false ? '' : '\n') : '';
  const steps: Command[] = [
    sh`set -e`,
    SETUP(id),
    sh`umask 077; mkdir -p "$w"`,
    sh`printf '%s' ${JSON.stringify(meta)} > "$w/meta.json"`,
    sh`printf '%s' ${JSON.stringify(started)} > "$d/$j"`,
    sh`cat > "$w/in"`,
  ];
  if (state) {
    const cd = params.chdir !== undefined ? sh`cd -- ${params.chdir} || exit 1; ` : sh``;
    // The job's own shell, in a session of its own: drover ends every process a task's command leaves
    // behind, and a job must outlive its task. No inherited stdio, deaf to the connection's hang-up,
    // killed by timeout after the job's seconds (exit 124 marks that).
    const body = sh`w=$1; trap '' HUP; date +%s%N > "$w/start"; ${cd}timeout ${String(wrapperLimit(job.seconds))} ${state.command} < "$w/in" > "$w/out" 2> "$w/err"; rc=$?; date +%s%N > "$w/end"; echo "$rc" > "$w/rc.tmp"; mv -f "$w/rc.tmp" "$w/rc"`;
    steps.push(sh`setsid -f /bin/sh -c ${body.text} sh "$w" </dev/null >/dev/null 2>&1`);
  }
  steps.push(sh`printf '%s\n' "$d/$j"`);
  const out = await host.run(joinCommands(steps), { stdin });
  if (out.rc !== 0) throw new ModuleFailure(`could not start the async job: ${out.stderr.trim() || `exit status ${out.rc}`}`);
  return { ...started, results_file: out.stdout.trim(), changed: true };
}

/**
 * When Ansible's async_wrapper kills a job: it looks every 5 seconds, so a job outlives its
 * `async` until the next multiple of 5 (a 3-second job with async: 1 finishes in Ansible).
 */
function wrapperLimit(seconds: number): number {
  return Math.max(5, Math.ceil(seconds / 5) * 5);
}

/** A job as async_status sees it: still running, or finished with its result. */
export type JobStatus = { resultsFile: string; finished: false } | { resultsFile: string; finished: true; result: Record<string, unknown> };

const FRAME = '--drover-job-field--';

export async function readJob(host: Host, jid: string): Promise<JobStatus | null> {
  const id = checkJobId(jid);
  const script = sh`${SETUP(id)}
[ -e "$d/$j" ] || exit 3
printf '%s\n' "$d/$j"
for f in meta.json rc start end out err; do printf '%s\n' ${FRAME}; if [ -f "$w/$f" ]; then base64 < "$w/$f"; fi; done`;
  const out = await host.run(script);
  if (out.rc === 3) return null;
  if (out.rc !== 0) throw new ModuleFailure(`could not read job ${id}: ${out.stderr.trim()}`);
  const [head, ...fields] = out.stdout.split(`${FRAME}\n`);
  const [metaText, rcText, startText, endText, stdoutText, stderrText] = fields.map((f) => Buffer.from(f.replace(/\s+/g, ''), 'base64').toString('utf8'));
  const resultsFile = head!.trim();
  const meta = metaText ? (JSON.parse(metaText) as JobMeta) : undefined;
  if (meta?.result) return { resultsFile, finished: true, result: meta.result };
  if (!rcText || !meta) return { resultsFile, finished: false };
  const rc = Number(rcText.trim());
  const strip = (text: string) => (meta.strip_empty_ends ? text.replace(/[\r\n]+$/, '') : text);
  const stdout = strip(stdoutText ?? '');
  const stderr = strip(stderrText ?? '');
  const startMs = nanosToMs(startText);
  const endMs = nanosToMs(endText);
  // What Ansible's wrapper leaves for a job it killed.
  if (rc === 124) return { resultsFile, finished: true, result: { failed: true, msg: 'Timeout exceeded' } };
  const result = {
    cmd: meta.cmd,
    rc,
    stdout,
    stderr,
    stdout_lines: splitLines(stdout),
    stderr_lines: splitLines(stderr),
    start: pythonTime(new Date(startMs)),
    end: pythonTime(new Date(endMs)),
    delta: pythonDelta(endMs - startMs),
    msg: rc === 0 ? '' : 'non-zero return code',
    changed: true,
    ...(rc === 0 ? {} : { failed: true }),
  };
  return { resultsFile, finished: true, result };
}

const nanosToMs = (text: string | undefined) => Math.floor(Number((text ?? '0').trim()) / 1e6);

/** The finished job's result in its results file, as Ansible's wrapper leaves it. */
export async function recordJobResult(host: Host, jid: string, result: Record<string, unknown>): Promise<void> {
  const id = checkJobId(jid);
  const out = await host.run(sh`${SETUP(id)}; printf '%s' ${JSON.stringify(result)} > "$d/$j.tmp" && mv -f "$d/$j.tmp" "$d/$j"`);
  if (out.rc !== 0) throw new ModuleFailure(`could not record the result of job ${id}: ${out.stderr.trim()}`);
}

/** async_status mode=cleanup: the results file and the job's directory removed; returns the results file's path. */
export async function eraseJob(host: Host, jid: string): Promise<string> {
  const id = checkJobId(jid);
  const out = await host.run(sh`${SETUP(id)}; rm -rf -- "$w" "$d/$j"; printf '%s\n' "$d/$j"`);
  if (out.rc !== 0) throw new ModuleFailure(`could not erase job ${id}: ${out.stderr.trim()}`);
  return out.stdout.trim();
}
