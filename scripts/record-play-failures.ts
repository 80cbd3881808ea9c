// Record what ansible-core does with the playbooks of test/fixtures/play-failures
// (cases.json: playbook, extra arguments, environment; or an ad-hoc command, of
// which only the exit code is kept) into expected.json: the
// task results in the order Ansible reported them (host, task, status), the
// recap's stats per host and the exit code. test/play-failures-match-ansible.test.ts
// runs drover on the same cases and compares; no Ansible at test time.
// Run: node --import tsx scripts/record-play-failures.ts   (needs ansible-playbook)
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FIXTURES = 'test/fixtures/play-failures';

// A stdout callback: each result (handlers too) in order, and the recap's numbers.
const CALLBACK = `
import json, os
from ansible.plugins.callback import CallbackBase

class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'play_failures'

    def __init__(self):
        super().__init__()
        self.results = []

    def _record(self, result, status):
        self.results.append([result._host.get_name(), result._task.get_name(), status])

    def v2_runner_on_ok(self, result):
        self._record(result, 'changed' if result._result.get('changed') else 'ok')

    def v2_runner_on_skipped(self, result):
        self._record(result, 'skipped')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')

    def v2_runner_on_unreachable(self, result):
        self._record(result, 'unreachable')

    def v2_playbook_on_stats(self, stats):
        recap = {h: stats.summarize(h) for h in sorted(stats.processed)}
        with open(os.environ['PLAY_FAILURES_OUT'], 'w') as f:
            json.dump({'results': self.results, 'recap': recap}, f)
`;

interface Case {
  name: string;
  playbook?: string;
  /** An ad-hoc command instead (`ansible -i hosts.yml ARGS`): only its exit code is recorded. */
  adhoc?: string[];
  args?: string[];
  env?: Record<string, string>;
}

const cases = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as Case[];
const work = mkdtempSync(join(tmpdir(), 'play-failures-'));
try {
  writeFileSync(join(work, 'play_failures.py'), CALLBACK);
  const recorded: Record<string, unknown> = { recordedWith: execFileSync('ansible', ['--version']).toString().split('\n')[0] };
  for (const c of cases) {
    if (c.adhoc) {
      const run = spawnSync('ansible', ['-i', join(FIXTURES, 'hosts.yml'), ...c.adhoc], { env: { ...process.env, ...c.env, ANSIBLE_HOST_KEY_CHECKING: '0' }, encoding: 'utf8' });
      recorded[c.name] = { exitCode: run.status };
      continue;
    }
    const out = join(work, `${c.name}.json`);
    const run = spawnSync('ansible-playbook', ['-i', join(FIXTURES, 'hosts.yml'), join(FIXTURES, c.playbook!), ...(c.args ?? [])], {
      env: { ...process.env, ...c.env, ANSIBLE_CALLBACK_PLUGINS: work, ANSIBLE_STDOUT_CALLBACK: 'play_failures', ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0', ANSIBLE_HOST_KEY_CHECKING: '0', PLAY_FAILURES_OUT: out },
      encoding: 'utf8',
    });
    const { results, recap } = JSON.parse(readFileSync(out, 'utf8')) as { results: unknown; recap: Record<string, Record<string, number>> };
    recorded[c.name] = { exitCode: run.status, results, recap };
  }
  writeFileSync(join(FIXTURES, 'expected.json'), `${JSON.stringify(recorded, null, 1)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
