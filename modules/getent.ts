// getent: look entries up in a name service database (passwd, group, hosts,
// services...) with the host's getent, a port of Ansible's getent.py. The
// answer becomes the host variable getent_<database> ({key: [fields...]}),
// returned to the engine through the facts path set_fact uses.
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import { sh } from '../runner/quote.js';

const COLON_DATABASES = new Set(['passwd', 'shadow', 'group', 'gshadow']);
// getent's exit codes, in Ansible's words.
const FAILURES: Record<number, string> = {
  1: 'Missing arguments, or database unknown.',
  2: 'One or more supplied key could not be found in the database.',
  3: 'Enumeration not supported on this database.',
};

/** Python's str.split(sep): None splits on runs of whitespace. */
function pySplit(line: string, sep: string | undefined): string[] {
  if (sep === undefined) return line.trim() === '' ? [] : line.trim().split(/\s+/);
  return line.split(sep);
}

/** One key per record; a key seen again collects its records in a list, as Ansible does. */
function parse(out: string, sep: string | undefined): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  const seen = new Map<string, number>();
  for (const line of out.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1)) {
    const [key = '', ...fields] = pySplit(line, sep);
    const count = seen.get(key) ?? 0;
    if (count === 0) tree[key] = fields;
    else {
      if (count === 1) tree[key] = [tree[key]];
      (tree[key] as unknown[]).push(fields);
    }
    seen.set(key, count + 1);
  }
  return tree;
}

export default defineModule({
  name: 'getent',
  summary: 'Look up entries in a name service database (passwd, group, hosts, ...) into the getent_<database> variable.',
  changedWhen: 'never: it only reads.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['database'],
    properties: {
      database: { type: 'string', pattern: '^[A-Za-z0-9_]+$', description: 'The database: passwd, group, hosts, services, shadow... (getent_<database> is the variable set).' },
      key: { type: 'string', description: 'The key to look up; without it the whole database is listed.' },
      service: { type: 'string', description: 'Use this NSS service (getent -s), e.g. files.' },
      split: { type: 'string', description: "The field separator; default ':' for passwd, shadow, group and gshadow, else whitespace." },
      fail_key: { type: 'boolean', default: true, description: 'Fail when the key is missing; false sets it to null instead.' },
    },
  },
  async plan(host, params) {
    const words = [params.database, ...(params.key !== undefined ? [params.key] : []), ...(params.service !== undefined ? ['-s', params.service] : [])];
    const out = await host.run(sh`getent ${words}`);
    const sep = params.split ?? (COLON_DATABASES.has(params.database) ? ':' : undefined);
    const name = `getent_${params.database}`;
    if (out.rc === 0) {
      const facts = { [name]: parse(out.stdout, sep) };
      return { changes: [], facts, result: { ansible_facts: facts } };
    }
    if (out.rc === 2 && !params.fail_key) {
      const facts = { [name]: { [params.key ?? 'null']: null } };
      return { changes: [], facts, result: { ansible_facts: facts, msg: FAILURES[2] } };
    }
    if (out.rc === 127) throw new ModuleFailure('Failed to find required executable "getent" on the host');
    throw new ModuleFailure(FAILURES[out.rc] ?? 'Unexpected failure!');
  },
});
