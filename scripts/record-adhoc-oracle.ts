// Record what Debian's `ansible` (core 2.14) prints for the ad-hoc commands of
// test/support/adhoc-cases.ts on two fresh namespace hosts, into
// test/fixtures/adhoc/expected.json. Run as root: node --import tsx scripts/record-adhoc-oracle.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADHOC_CASES, adHocGround, normalized, type AdHocOutcome } from '../test/support/adhoc-cases.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-adhoc-oracle-'));
const { ground, inventory } = await adHocGround(dir);
try {
  const emptyConfig = join(dir, 'ansible.cfg');
  writeFileSync(emptyConfig, '');
  const outcomes: AdHocOutcome[] = ADHOC_CASES.map(({ name, args }) => {
    const run = spawnSync('ansible', ['-i', inventory, '-f', '1', ...args], { encoding: 'utf8', env: { ...process.env, ANSIBLE_CONFIG: emptyConfig, ANSIBLE_NOCOLOR: '1' } });
    return { name, code: run.status, stdout: normalized(run.stdout) };
  });
  writeFileSync('test/fixtures/adhoc/expected.json', `${JSON.stringify(outcomes, null, 2)}\n`);
} finally {
  await ground.stop();
  rmSync(dir, { recursive: true, force: true });
}
