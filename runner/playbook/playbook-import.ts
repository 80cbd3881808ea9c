// import_playbook as Ansible 2.14 reads it (playbook/playbook_include.py): the
// file name is templated with the import's vars and the extra vars; the
// import's vars go over each imported play's own (a var named `tags` adds play
// tags, as there); its tags are added to each play's; and its `when` is put in
// front of every task's conditions (pre_tasks, roles, tasks, post_tasks: not
// handlers) and on the play's fact gathering. Other keys Ansible accepts there
// (become, environment...) are ignored by it, so drover refuses them.
import type { Problem } from '../errors.js';
import { conditionProblems } from '../validate/templates.js';
import { ArgsSyntaxError, splitArgs } from './kv-args.js';
import { renderAtLoad } from './load-time-vars.js';
import type { Play } from './types.js';
import { keyLocationOf, locationOf } from './yaml-source.js';

/** The keys of an import_playbook entry (C._ACTION_IMPORT_PLAYBOOK). */
const IMPORT_KEYS = ['import_playbook', 'ansible.builtin.import_playbook', 'ansible.legacy.import_playbook'];
/** What an import_playbook entry may hold besides its key; `name` is a label (Ansible shows it nowhere either). */
const IMPORT_FIELDS = new Set(['name', 'vars', 'when', 'tags']);

export interface PlaybookImport {
  /** The file name, rendered. */
  file: string;
  vars: Record<string, unknown>;
  when: unknown[];
  tags: string[];
}

/** The entry as an import; null when it is a play; 'invalid' when it is an import with problems (pushed). */
export function parsePlaybookImport(entry: unknown, extraVars: Record<string, unknown>, problems: Problem[]): PlaybookImport | null | 'invalid' {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return null;
  const raw = entry as Record<string, unknown>;
  const key = IMPORT_KEYS.find((k) => k in raw);
  if (key === undefined) return null;
  const at = keyLocationOf(raw, key) ?? locationOf(entry);
  const before = problems.length;
  const say = (message: string, location = at) => problems.push({ message: `import_playbook: ${message}`, location });
  for (const field of Object.keys(raw)) {
    if (field === key || IMPORT_FIELDS.has(field)) continue;
    say(`'${field}' is not supported here (Ansible accepts it on import_playbook and ignores it): set it on the imported plays`, keyLocationOf(raw, field));
  }
  const value = raw[key];
  let words: string[] = [];
  if (value === null || value === undefined) say('playbook import parameter is missing');
  else if (typeof value !== 'string') say(`playbook import parameter must be a string indicating a file path, got ${JSON.stringify(value)} instead`);
  else {
    try {
      words = splitArgs(value);
    } catch (error) {
      if (!(error instanceof ArgsSyntaxError)) throw error;
      say(`cannot split '${value}': ${error.message}`);
    }
    if (words.length === 0) say('import_playbook statements must specify the file name to import');
    // Ansible 2.14 reads the first word and drops the rest without a word.
    if (words.length > 1) say(`'${words.slice(1).join(' ')}' after the file name is ignored by Ansible 2.14: give variables with vars:`);
  }
  const vars = raw.vars ?? {};
  if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) say('vars for import_playbook statements must be specified as a dictionary', keyLocationOf(raw, 'vars'));
  const when = raw.when === undefined || raw.when === null ? [] : Array.isArray(raw.when) ? raw.when : [raw.when];
  for (const p of conditionProblems(when, 'when')) say(p.message, keyLocationOf(raw, 'when'));
  const tags = tagList(raw.tags);
  if (tags === null) say('tags must be a list of names or a comma-separated string', keyLocationOf(raw, 'tags'));
  if (problems.length > before) return 'invalid';
  const importVars = vars as Record<string, unknown>;
  let file: string;
  try {
    file = renderAtLoad(words[0]!, { play: importVars, extra: extraVars });
  } catch (error) {
    say(`the file name '${words[0]}' cannot be rendered when the playbook loads (only the import's vars and extra vars are known then): ${(error as Error).message}`);
    return 'invalid';
  }
  return { file, vars: importVars, when, tags: tags! };
}

/** An imported play with its import's vars, tags and conditions on it (the outer import's conditions first). */
export function importedPlay(play: Play, imported: PlaybookImport): Play {
  const { tags: tagsVar, ...vars } = { ...play.vars, ...imported.vars };
  const playTags = [...(play.keywords.tags ?? []), ...(tagsVar === undefined || tagsVar === null ? [] : String(tagsVar).split(','))];
  const tags = [...new Set([...playTags, ...imported.tags])];
  const when = imported.when;
  return {
    ...play,
    vars,
    keywords: { ...play.keywords, ...(tags.length > 0 ? { tags } : {}) },
    importedWhen: when.length === 0 ? play.importedWhen : {
      tasks: [...when, ...(play.importedWhen?.tasks ?? [])],
      // As Ansible's _included_conditional: the outermost import with a when decides fact gathering.
      gathering: when,
    },
  };
}

function tagList(value: unknown): string[] | null {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value.split(',').map((t) => t.trim()).filter(Boolean);
  if (Array.isArray(value) && value.every((t) => typeof t === 'string' || typeof t === 'number')) return value.map(String);
  return null;
}
