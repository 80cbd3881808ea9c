// `make demo`: disposable local hosts, the example playbook three times
// (check, apply, apply again with 0 changed), then everything torn down.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './paths.js';
import { startHosts } from './testground/namespace-hosts.js';
import { runPlaybook } from './engine/run.js';
import { createReporter } from './report/index.js';

const playbook = join(projectRoot(), 'playbooks', 'demo.yml');

async function main(): Promise<number> {
  process.stdout.write('Starting 3 disposable hosts (network namespaces with their own sshd and filesystem)...\n');
  const ground = await startHosts({ count: 3, namePrefix: 'demo' });
  const dir = await mkdtemp(join(tmpdir(), 'drover-demo-'));
  try {
    const inventory = join(dir, 'hosts.ini');
    await writeFile(inventory, ground.inventoryIni('demo'));
    const runs = [
      { title: 'check mode: what would change (nothing is changed)', check: true },
      { title: 'apply', check: false },
      { title: 'apply again: expect changed=0 everywhere', check: false },
    ];
    let last = 0;
    let changedOnLastRun = -1;
    for (const run of runs) {
      process.stdout.write(`\n=== drover run playbooks/demo.yml ${run.check ? '--check ' : ''}--diff  (${run.title})\n`);
      const reporter = createReporter({ format: 'auto', stream: process.stdout, diff: true, verbose: 0, color: Boolean(process.stdout.isTTY) });
      const summary = await runPlaybook({ playbook, inventory: [inventory], check: run.check, diff: true, knownHostsFile: ground.knownHostsFile, onEvent: (e) => reporter.handle(e) });
      await reporter.close();
      last = summary.exitCode;
      if (last !== 0) return last;
      changedOnLastRun = Object.values(summary.stats).reduce((n, s) => n + s.changed, 0);
    }
    if (changedOnLastRun !== 0) {
      process.stderr.write(`demo: the second apply reported ${changedOnLastRun} changes; expected 0\n`);
      return 1;
    }
    process.stdout.write('\nDemo done: check, apply, and an idempotent second apply (0 changed).\n');
    return last;
  } finally {
    await ground.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
