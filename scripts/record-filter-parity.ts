// Record ansible-core's results for the filter and test cases in
// test/fixtures/filter-parity/cases.yaml into expected.json, which
// test/filters-match-ansible-2.14.test.ts compares drover against (no Ansible
// needed at test time). Run: node --import tsx scripts/record-filter-parity.ts
// Each case is three debug tasks on localhost: the value as JSON (`to_json`),
// its str() rendering inside a longer string, and `type_debug`; a small stdout
// callback collects the messages or errors.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';

const FIXTURES = 'test/fixtures/filter-parity';

const CALLBACK = `
import json, os
from ansible.plugins.callback import CallbackBase

class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'parity'

    def __init__(self):
        super().__init__()
        self.results = {}

    def _record(self, result, ok):
        r = result._result
        self.results[result._task.get_name()] = {'ok': ok, 'msg': r.get('msg')}

    def v2_runner_on_ok(self, result):
        self._record(result, True)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, False)

    def v2_playbook_on_stats(self, stats):
        with open(os.environ['PARITY_OUT'], 'w') as f:
            json.dump(self.results, f)
`;

interface Case {
  e: string;
  v?: Record<string, unknown>;
}

interface Outcome {
  ok: boolean;
  msg: unknown;
}

const source = YAML.parse(readFileSync(join(FIXTURES, 'cases.yaml'), 'utf8')) as { vars: Record<string, unknown>; cases: (string | Case)[] };
const cases: Case[] = source.cases.map((c) => (typeof c === 'string' ? { e: c } : c));

const pieces = {
  json: (e: string) => `{{ (${e}) | to_json }}`,
  str: (e: string) => `S:{{ ${e} }}`,
  type: (e: string) => `{{ (${e}) | type_debug }}`,
};

const tasks = cases.flatMap((c, i) =>
  Object.entries(pieces).map(([kind, wrap]) => ({
    name: `${i} ${kind}`,
    debug: { msg: wrap(c.e) },
    ignore_errors: true,
    ...(c.v === undefined ? {} : { vars: c.v }),
  })),
);

const dir = mkdtempSync(join(tmpdir(), 'filter-parity-'));
try {
  writeFileSync(join(dir, 'parity.py'), CALLBACK);
  // JSON is YAML: no quoting of the expressions to get wrong.
  writeFileSync(join(dir, 'play.yml'), JSON.stringify([{ hosts: 'localhost', gather_facts: false, vars: source.vars, tasks }]));
  const out = join(dir, 'results.json');
  execFileSync('ansible-playbook', ['-i', 'localhost,', '-c', 'local', join(dir, 'play.yml')], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      ANSIBLE_STDOUT_CALLBACK: 'parity',
      ANSIBLE_CALLBACK_PLUGINS: dir,
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_DEPRECATION_WARNINGS: 'false',
      PARITY_OUT: out,
    },
  });
  const results = JSON.parse(readFileSync(out, 'utf8')) as Record<string, Outcome>;
  const version = execFileSync('ansible', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  const expected = cases.map((c, i) => {
    const get = (kind: string): Outcome => results[`${i} ${kind}`] ?? { ok: false, msg: 'no result recorded' };
    const [json, str, type] = [get('json'), get('str'), get('type')];
    if (!json.ok && !str.ok) return { expr: c.e, vars: c.v ?? {}, error: String(str.msg) };
    return {
      expr: c.e,
      vars: c.v ?? {},
      ...(json.ok ? { json: String(json.msg) } : { jsonError: String(json.msg) }),
      ...(str.ok ? { str: String(str.msg).slice(2) } : {}),
      ...(type.ok ? { type: String(type.msg) } : {}),
    };
  });
  writeFileSync(join(FIXTURES, 'expected.json'), `${JSON.stringify({ ansible: version, vars: source.vars, cases: expected }, null, 1)}\n`);
  console.log(`recorded ${expected.length} cases with ${version}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
