// tempfile: create a new temporary file or directory, like Ansible's
// tempfile (Python's mkstemp/mkdtemp: mode 0600/0700, PREFIX + 8 random
// characters + SUFFIX, in path or $TMPDIR or /tmp). As in Ansible, every run
// creates a new one, so it always reports changed.
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import { sh } from '../runner/quote.js';
import { expandUser } from './support/path-info.js';

export default defineModule({
  name: 'tempfile',
  summary: 'Create a temporary file or directory; its path is returned as path.',
  changedWhen: 'always: each run creates a new one (as in Ansible).',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      state: { enum: ['file', 'directory'], default: 'file', description: 'Create a file or a directory.' },
      path: { type: 'string', minLength: 1, description: 'The directory to create it in; default $TMPDIR or /tmp on the host.' },
      prefix: { type: 'string', pattern: '^[^/]*$', default: 'ansible.', description: 'The start of its name.' },
      suffix: { type: 'string', pattern: '^[^/]*$', default: '', description: 'The end of its name.' },
    },
  },
  async plan(_host, params) {
    return { changes: [`create a temporary ${params.state} in ${params.path ?? 'the temp directory'}`] };
  },
  async apply(host, params) {
    const dir = params.path !== undefined ? await expandUser(host, params.path) : undefined;
    const flags = [...(params.state === 'directory' ? ['-d'] : []), dir !== undefined ? `--tmpdir=${dir}` : '--tmpdir', `--suffix=${params.suffix}`];
    // mktemp needs the random part at the end of its template; the suffix goes in --suffix.
    const made = await host.run(sh`mktemp ${flags} -- ${`${params.prefix}XXXXXXXX`}`);
    if (made.rc !== 0) throw new ModuleFailure(made.stderr.trim() || `mktemp exit status ${made.rc}`);
    const path = made.stdout.replace(/\n$/, '');
    const stat = await host.stat(path);
    return {
      changed: true,
      result: { path, state: params.state, ...(stat ? { uid: stat.uid, gid: stat.gid, owner: stat.owner, group: stat.group, mode: stat.mode, size: stat.size } : {}) },
    };
  },
});
