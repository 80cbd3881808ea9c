// `make demo`: our users' two main workflows end to end on disposable local
// hosts, each playbook against its example environment through its scenario
// (playbooks/tests/NAME): test doubles prepared, `--check --diff` on the
// fresh host (what would change; nothing does), the real run, a second run
// with 0 changed, verify, destroy. The playbooks' own output is shown, each
// run ending with Ansible's PLAY RECAP. Each workflow's real run is recorded
// like any `drover run` and written as an HTML report (drover report).
import { join } from 'node:path';
import { defaultRegistry } from '../modules/registry.js';
import { writeReport } from './commands/report.js';
import { defaultRunLogDir, RunLogReporter } from './report/run-log.js';
import type { Reporter } from './engine/events.js';
import { projectRoot } from './paths.js';
import { createReporter } from './report/index.js';
import { scenarioAt } from './scenario/discover.js';
import { PlainScenarioReporter } from './scenario/report-plain.js';
import { runScenario } from './scenario/sequence.js';
import type { ScenarioEvent, StepName } from './scenario/types.js';

const WORKFLOWS = [
  { playbook: 'openchami', command: 'drover run playbooks/openchami.yml ENV=openchami-demo' },
  { playbook: 'hub', command: 'drover run playbooks/hub.yml ENV=hub-dev GROUP=hub' },
];
/** The steps whose playbook output the demo shows, and how each is introduced. */
const SHOWN: Partial<Record<StepName, string>> = {
  check: '--check --diff: what would change on the fresh host (nothing is changed)',
  converge: 'apply',
  idempotence: 'apply again: changed=0 everywhere',
};

async function main(): Promise<number> {
  const root = projectRoot();
  process.chdir(root);
  // The example environments' vault (hub-dev's DNS credentials) opens with the identity committed for them.
  process.env.DROVER_AGE_IDENTITY_FILE ??= join(root, 'inventories/example-environments.age-identity.txt');
  const color = Boolean(process.stdout.isTTY);
  const reports: string[] = [];
  for (const { playbook, command } of WORKFLOWS) {
    const log = new RunLogReporter(defaultRunLogDir());
    process.stdout.write(`\n##### ${command}   (on a disposable host standing in for the environment's)\n`);
    const steps = new PlainScenarioReporter({ stream: process.stdout, color });
    let engine: Reporter | undefined;
    const onEvent = (event: ScenarioEvent) => {
      if (event.type === 'step.engine' && event.step === 'converge') log.handle(event.event);
      if (event.type === 'step.engine' && SHOWN[event.step]) {
        if (event.event.type === 'run.start') {
          process.stdout.write(`\n=== ${SHOWN[event.step]}\n`);
          engine = createReporter({ format: 'plain', stream: process.stdout, diff: event.step === 'check', color });
        }
        engine?.handle(event.event);
        return;
      }
      steps.handle(event);
    };
    const result = await runScenario(scenarioAt(join(root, 'playbooks', 'tests', playbook)), { onEvent, diff: true, registry: defaultRegistry });
    await engine?.close();
    await steps.close();
    await log.close();
    if (log.file !== undefined) {
      const page = join(defaultRunLogDir(), '..', 'reports', `demo-${playbook}.html`);
      writeReport(log.file, page);
      reports.push(page);
    }
    if (result.exitCode !== 0) return result.exitCode;
  }
  process.stdout.write('\nDemo done: both workflows planned, applied, re-applied with 0 changed, verified, and their hosts destroyed.\n');
  for (const page of reports) process.stdout.write(`Report of the apply run (open in a browser): ${page}\n`);
  return 0;
}

process.exitCode = await main();
