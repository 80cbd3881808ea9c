// slurp: read a file on the host and return its bytes base64-encoded, as
// Ansible's slurp does (roles decode it with b64decode). It only reads.
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import { sh } from '../runner/quote.js';
import { expandUser } from './support/path-info.js';

export default defineModule({
  name: 'slurp',
  summary: 'Read a file from the host, returned base64-encoded in content.',
  changedWhen: 'never: it only reads.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['src'],
    properties: {
      src: { type: 'string', minLength: 1, description: 'The file to read (alias path).' },
    },
  },
  paramAliases: { path: 'src' },
  async plan(host, params) {
    const source = await expandUser(host, params.src);
    // Exit 3: missing, 4: a directory; Ansible's own messages for both.
    const read = await host.run(sh`p=${source}; if [ ! -e "$p" ]; then exit 3; elif [ -d "$p" ]; then exit 4; fi; base64 -w0 < "$p"`);
    if (read.rc === 3) throw new ModuleFailure(`file not found: ${source}`);
    if (read.rc === 4) throw new ModuleFailure(`source is a directory and must be a file: ${source}`);
    if (read.rc !== 0) throw new ModuleFailure(`unable to slurp file: ${read.stderr.trim()}`);
    return { changes: [], result: { content: read.stdout.trim(), encoding: 'base64', source } };
  },
});
