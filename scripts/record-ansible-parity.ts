// Record what ansible-core does with a playbook of test/fixtures/legacy-syntax
// (run twice on localhost, files only under a fresh temp dir passed as
// `-e root=DIR`) into expected-NAME.json: each task's status and message per
// run, and the files it left. test/legacy-playbook-syntax-matches-ansible.test.ts
// runs drover on the same playbook and compares; no Ansible at test time.
// Run: node --import tsx scripts/record-ansible-parity.ts kv   (needs ansible-playbook)
//      node --import tsx scripts/record-ansible-parity.ts roles includes   (test/fixtures/includes/roles.yml)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { treeOf } from '../test/support/parity.js';

const FIXTURES = `test/fixtures/${process.argv[3] ?? 'legacy-syntax'}`;

// A stdout callback: one line per task (and per loop item), in order.
const CALLBACK = `
import json, os
from ansible.plugins.callback import CallbackBase

class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'parity'

    def __init__(self):
        super().__init__()
        self.tasks = []

    def _record(self, result, status):
        r = result._result
        var = result._task.args.get('var') if result._task.action in ('debug', 'ansible.builtin.debug') else None
        entry = {'name': result._task.name, 'status': status, 'host': result._host.get_name()}
        if 'msg' in r and status != 'failed' and result._task.action in ('debug', 'ansible.builtin.debug'):
            entry['msg'] = r['msg']
        if var:
            entry['var'] = r.get(var)
        if status == 'failed':
            entry['error'] = str(r.get('msg', ''))
        self.tasks.append(entry)

    def _task(self, result, status):
        # A loop's own summary is left out: its items were recorded one by one (an empty loop has none).
        if not result._result.get('results') or result._task.loop is None:
            self._record(result, status)

    def v2_runner_on_ok(self, result):
        self._task(result, 'changed' if result._result.get('changed') else 'ok')

    def v2_runner_on_skipped(self, result):
        self._task(result, 'skipped')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._task(result, 'failed')

    def v2_runner_item_on_ok(self, result):
        self._record(result, 'changed' if result._result.get('changed') else 'ok')

    def v2_runner_item_on_skipped(self, result):
        self._record(result, 'skipped')

    def v2_runner_item_on_failed(self, result):
        self._record(result, 'failed')

    def v2_playbook_on_stats(self, stats):
        with open(os.environ['PARITY_OUT'], 'w') as f:
            json.dump(self.tasks, f)
`;

function runAnsible(playbook: string, root: string, work: string): unknown {
  const out = join(work, 'out.json');
  try {
    execFileSync('ansible-playbook', ['-i', join(FIXTURES, 'hosts.yml'), join(FIXTURES, playbook), '-e', `root=${root}`], {
      env: { ...process.env, LOOKUP_TEST: 'from-env', ANSIBLE_CALLBACK_PLUGINS: work, ANSIBLE_STDOUT_CALLBACK: 'parity', ANSIBLE_NOCOLOR: '1', PARITY_OUT: out, ANSIBLE_RETRY_FILES_ENABLED: '0' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } catch {
    // A failing task makes ansible-playbook exit non-zero; its results are still recorded.
  }
  return perHost(JSON.parse(readFileSync(out, 'utf8')) as { host: string }[]);
}

/** One host: the outcomes in order (no host field); more: outcomes per host, each in its order (hosts interleave differently). */
function perHost(entries: { host: string }[]): unknown {
  const hosts = [...new Set(entries.map((e) => e.host))];
  const strip = (list: { host: string }[]) => list.map(({ host: _host, ...rest }) => rest);
  if (hosts.length <= 1) return strip(entries);
  return Object.fromEntries(hosts.sort().map((h) => [h, strip(entries.filter((e) => e.host === h))]));
}

const name = process.argv[2];
if (!name) throw new Error('usage: record-ansible-parity.ts NAME [DIR] (test/fixtures/DIR/NAME.yml, DIR legacy-syntax by default)');
const work = mkdtempSync(join(tmpdir(), 'ansible-parity-'));
const root = join(work, 'root');
try {
  writeFileSync(join(work, 'parity.py'), CALLBACK);
  execFileSync('mkdir', [root]);
  const first = runAnsible(`${name}.yml`, root, work);
  const second = runAnsible(`${name}.yml`, root, work);
  const expected = { recordedWith: execFileSync('ansible', ['--version']).toString().split('\n')[0], first, second, tree: treeOf(root) };
  writeFileSync(join(FIXTURES, `expected-${name}.json`), `${JSON.stringify(expected, null, 2)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
