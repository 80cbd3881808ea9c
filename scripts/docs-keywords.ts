// Writes docs/keywords.md from the engine's keyword table: `make docs`.
import { TASK_KEYWORDS, HANDLER_KEYWORDS, UNSUPPORTED_KEYWORDS, type KeywordSpec } from '../runner/playbook/keywords.js';
import { PLAY_KEYS, UNSUPPORTED_PLAY_KEYS } from '../runner/playbook/load.js';
import { BATCH_META_ACTIONS } from '../runner/engine/play-strategy.js';

/** The rendered value's rule, as the per-host check applies it. */
function afterTemplating(spec: KeywordSpec): string {
  const r = spec.rendered;
  if (!r) return '';
  const s = r.schema;
  const type = s.type === 'boolean' ? "boolean (Ansible's: yes/no, on/off, true/false, 1/0, any case)" : s.type === 'integer' ? 'whole number' : s.type === 'array' ? 'list' : s.type === 'object' ? 'mapping' : String(s.type);
  const min = s.minimum !== undefined ? ` >= ${s.minimum}` : s.minLength ? ', not empty' : '';
  const dflt = r.default !== undefined ? `; default ${JSON.stringify(r.default)}` : '';
  return `${type}${min}${dflt}; ${r.at.map((at) => (at === 'host' ? 'once per host' : 'per loop item')).join(', then ')}`;
}

const rows = Object.entries({ ...TASK_KEYWORDS, ...HANDLER_KEYWORDS }).map(([k, v]) => `| \`${k}\` | ${v.description} | ${afterTemplating(v)} |`);
const un = Object.entries({ ...UNSUPPORTED_KEYWORDS, ...UNSUPPORTED_PLAY_KEYS }).map(([k, v]) => `| \`${k}\` | ${v} |`);
const failures = `## When hosts fail: any_errors_fatal, max_fail_percentage, force_handlers

As Ansible 2.14 with its linear strategy (checked against recorded ansible-playbook runs, test/fixtures/play-failures):

- \`any_errors_fatal\` (play, block or task; default \`ANSIBLE_ANY_ERRORS_FATAL\` or ansible.cfg): a host failing or unreachable on such a task (without \`ignore_errors\`) ends the play once the task has finished on every host of the batch; no later batch or play runs and the run exits 2. A failure a rescue handles ends nothing; while some host of the batch is in a rescue or always section, the batch runs on and the play ends after it.
- \`max_fail_percentage\` (play; a number or \`N%\`): after each task, when the hosts that failed in the batch are more than that share of the batch (strictly more; unreachable hosts do not count), every host of the batch is failed, and the play and the run end (exit 2).
- \`force_handlers\` (play; default \`--force-handlers\`, \`ANSIBLE_FORCE_HANDLERS\` or ansible.cfg): a host that fails still runs the handlers it was notified of, at the end of the part of the play (pre_tasks, tasks, post_tasks) it failed in, then stops. A play ended by any_errors_fatal, max_fail_percentage, end_play or end_host runs no handler.
- A serial batch whose every host failed or became unreachable ends the play and the run, with or without these keywords.
- Meta actions ${BATCH_META_ACTIONS.join(', ')} are run once per batch, by the first host at the task, for all its hosts (their \`when\` is evaluated for that host only); \`clear_host_errors\` makes the batch's hosts count as neither failed nor unreachable for the exit code and later plays, but a host that stopped stays stopped; \`end_batch\` ends the batch and the next one runs.

A play with any of these (written in the play as loaded), or whose tasks or vars read other hosts' state (\`hostvars\`, \`ansible_play_hosts\`, \`ansible_play_batch\`, \`play_hosts\`; not looked for in template files), runs in lock-step: every task finishes on all hosts of the batch (at most --forks at a time) before the next starts. Other plays let each host run ahead, which gives the same results. An included file using them in a play that does not run in lock-step fails the include, saying so. Not with \`--redis\`, whose slices run apart.

\`strategy\` (or \`ANSIBLE_STRATEGY\`), rendered when the run starts, is linear (the default), free or host_pinned; under free and host_pinned hosts never wait for each other, any_errors_fatal and max_fail_percentage do nothing (with Ansible's warning) and the batch meta actions act each time a host reaches them; any other strategy is refused.`;
console.log(`# Task keywords\n\nKeywords belong to the engine; module parameters belong to modules (see \`drover doc\`). A keyword on a block, role entry or play applies to every task inside it; \`tags\` and \`vars\` accumulate.\n\nKeywords with a rule under "after templating" are rendered for each host (and loop item), converted as Ansible converts them and checked: a bad value fails that task on that host, naming the keyword and the value. Written without a template, the value is checked when the playbook loads.\n\n| keyword | meaning | after templating |\n|---|---|---|\n${rows.join('\n')}\n\n## Ansible keywords drover refuses (with what to use instead)\n\n| keyword | instead |\n|---|---|\n${un.join('\n')}\n\n${failures}\n\nPlay keys: \`${[...PLAY_KEYS].join(', ')}\`. Meta actions: \`flush_handlers, noop, end_play, end_host, end_batch, clear_host_errors\`.`);
