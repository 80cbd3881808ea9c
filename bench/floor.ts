// The floor a task's cost is compared with: one `true` exec over drover's own
// already-open SSH connection (runner/connection), i.e. one channel open +
// exec + exit status round trip with nothing else around it.
import { performance } from 'node:perf_hooks';
import { openConnection } from '../runner/connection/open.js';
import type { HostGround } from '../runner/testground/driver.js';
import { runCommand } from '../runner/testground/run-command.js';
import { median } from './stats.js';

const WARM_UP = 5;

export async function execRoundTripMs(ground: HostGround, hostName: string, samples = 50): Promise<number> {
  const connection = openConnection(ground.target(hostName));
  try {
    await connection.connect();
    const times: number[] = [];
    for (let i = 0; i < WARM_UP + samples; i++) {
      const started = performance.now();
      const r = await connection.exec('true');
      if (r.rc !== 0) throw new Error(`\`true\` exited ${r.rc} on ${hostName}: ${r.stderr}`);
      if (i >= WARM_UP) times.push(performance.now() - started);
    }
    return median(times);
  } finally {
    await connection.close();
  }
}

/** A tool's fixed cost before any host is contacted: the median wall time of a command that only starts it. */
export async function startupMs(argv: readonly string[], samples = 3): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const r = await runCommand(argv);
    if (r.rc !== 0) throw new Error(`${argv.join(' ')} exited ${r.rc}: ${r.stderr.trim()}`);
    times.push(performance.now() - started);
  }
  return median(times);
}
