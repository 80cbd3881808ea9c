// drover as the harness runs it: the compiled CLI under plain node (not tsx),
// JSON events on stdout so the harness can read the recap and task durations.
import { CLEAN_ENV } from '../runner/testground/run-command.js';
import { timedRun } from './timed-run.js';
import { checkRun, type RunOutcome, type Tool } from './tool.js';

interface JsonEvent {
  type: string;
  host?: string;
  durationMs?: number;
  stats?: Record<string, { changed: number; failed: number; unreachable: number }>;
}

export function droverTool(entry: string): Tool {
  return {
    name: 'drover',
    async run(request) {
      const profile = request.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', request.cpuProfileDir] : [];
      const argv = [process.execPath, ...profile, entry, 'run', request.playbook, '-i', request.inventory, '--known-hosts', request.knownHostsFile, '-f', String(request.hostCount), '--json'];
      const timed = await timedRun(argv, { cwd: request.workDir, env: CLEAN_ENV, logPrefix: request.logPrefix });
      return checkRun('drover', request, { ...timed, ...readEvents(timed.stdout) });
    },
    release: async () => undefined,
  };
}

function readEvents(stdout: string): Pick<RunOutcome, 'changed' | 'hostsOk' | 'taskMs'> {
  const seen = new Set<string>();
  const taskMs: number[] = [];
  let stats: JsonEvent['stats'] = {};
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line) as JsonEvent;
    if (e.type === 'run.end') stats = e.stats ?? {};
    if (e.type !== 'host.task.result' || e.host === undefined || e.durationMs === undefined) continue;
    if (seen.has(e.host)) taskMs.push(e.durationMs);
    else seen.add(e.host);
  }
  const hosts = Object.values(stats ?? {});
  return { changed: hosts.reduce((n, s) => n + s.changed, 0), hostsOk: hosts.filter((s) => s.failed === 0 && s.unreachable === 0).length, taskMs };
}
