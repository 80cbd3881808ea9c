// Writes docs/keywords.md from the engine's keyword table: `make docs`.
import { TASK_KEYWORDS, HANDLER_KEYWORDS, UNSUPPORTED_KEYWORDS, type KeywordSpec } from '../runner/playbook/keywords.js';
import { PLAY_KEYS } from '../runner/playbook/load.js';

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
const un = Object.entries(UNSUPPORTED_KEYWORDS).map(([k, v]) => `| \`${k}\` | ${v} |`);
console.log(`# Task keywords\n\nKeywords belong to the engine; module parameters belong to modules (see \`drover doc\`). A keyword on a block, role entry or play applies to every task inside it; \`tags\` and \`vars\` accumulate.\n\nKeywords with a rule under "after templating" are rendered for each host (and loop item), converted as Ansible converts them and checked: a bad value fails that task on that host, naming the keyword and the value. Written without a template, the value is checked when the playbook loads.\n\n| keyword | meaning | after templating |\n|---|---|---|\n${rows.join('\n')}\n\n## Ansible keywords drover refuses (with what to use instead)\n\n| keyword | instead |\n|---|---|\n${un.join('\n')}\n\nPlay keys: \`${[...PLAY_KEYS].join(', ')}\`. Meta actions: \`flush_handlers, noop, end_play, end_host, clear_host_errors\`.`);
