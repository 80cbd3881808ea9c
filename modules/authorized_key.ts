// authorized_key: add or remove SSH public keys in a user's authorized_keys
// (ansible.posix.authorized_key). The file is rewritten atomically, 0600 and
// owned by the user; with manage_dir its directory is made 0700 and owned by
// the user too.
// The account may be missing when the plan is made: under --check an earlier
// task that creates it has not run. The plan then says what would be written
// (from an empty file, under ~user) and apply looks the account up again,
// failing clearly if it still does not exist.
import { posix } from 'node:path';
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import type { Host } from '../runner/host/types.js';
import { sh } from '../runner/quote.js';
import { parseAccountQuery, accountQueryCommand } from './support/accounts.js';
import { updateAuthorizedKeys } from './support/authorized-keys.js';
import { textDiff } from './support/diff.js';

interface KeyState {
  /** The account did not exist at plan time: apply plans again once it does. */
  deferred?: true;
  path: string;
  dir: string;
  content: string;
  writeFile: boolean;
  fixDir: boolean;
  uid: number;
  gid: number;
}

export default defineModule({
  name: 'authorized_key',
  aliases: ['ansible.posix.authorized_key'],
  summary: "Add or remove SSH public keys in a user's authorized_keys file.",
  changedWhen: 'a key was added, removed or had its options/comment replaced, or the managed directory was created or fixed.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['user', 'key'],
    properties: {
      user: { type: 'string', minLength: 1, description: 'The account whose keys these are; it must exist.' },
      key: { type: 'string', description: 'One or more public key lines (blank lines and # comments ignored).' },
      path: { type: 'string', minLength: 1, description: 'The keys file (default ~user/.ssh/authorized_keys).' },
      manage_dir: { type: 'boolean', default: true, description: "Create the file's directory if needed; make it 0700 and owned by the user." },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the keys should be in the file.' },
      exclusive: { type: 'boolean', default: false, description: 'Remove every other line (keys and comments) from the file.' },
      key_options: { type: 'string', description: 'Options for the keys, e.g. no-port-forwarding,from="10.0.0.0/8" (replace the keys\' own).' },
      comment: { type: 'string', description: "The keys' comment (replaces the keys' own)." },
    },
  },
  async plan(host, params) {
    const user = await lookUp(host, params.user);
    if (!user) {
      const path = params.path ?? `~${params.user}/.ssh/authorized_keys`;
      const { content, changes } = updateAuthorizedKeys('', params);
      const note = `(account ${params.user} does not exist yet: an earlier task must create it)`;
      const state: KeyState = { deferred: true, path, dir: posix.dirname(path), content, writeFile: changes.length > 0, fixDir: false, uid: -1, gid: -1 };
      return {
        changes: changes.map((c) => `${c} in ${path} ${note}`),
        diff: changes.length > 0 ? [textDiff(path, '', content)] : [],
        state,
        result: { user: params.user, keyfile: path, state: params.state, exclusive: params.exclusive, manage_dir: params.manage_dir },
      };
    }
    const path = params.path ?? posix.join(user.home, '.ssh', 'authorized_keys');
    const dir = posix.dirname(path);
    const [dirStat, before] = await Promise.all([host.stat(dir), host.readFile(path)]);
    if (dirStat && dirStat.kind !== 'directory') throw new ModuleFailure(`${dir} is a ${dirStat.kind}, not a directory`);
    const existing = before?.toString('utf8') ?? '';
    const { content, changes } = updateAuthorizedKeys(existing, params);
    const writeFile = changes.length > 0;
    const fixDir = params.manage_dir !== false && (writeFile || dirStat === null) &&
      (dirStat === null || dirStat.mode !== '0700' || dirStat.uid !== user.uid || dirStat.gid !== user.gid);
    // Only when there is something to write, as in Ansible: nothing is created for an absent key.
    const dirChanges = fixDir && writeFile ? [dirStat ? `make ${dir} 0700, owned by ${params.user}` : `create directory ${dir} (0700, owned by ${params.user})`] : [];
    const result = { user: params.user, keyfile: path, state: params.state, exclusive: params.exclusive, manage_dir: params.manage_dir };
    const state: KeyState = { path, dir, content, writeFile, fixDir: dirChanges.length > 0, uid: user.uid, gid: user.gid };
    return {
      changes: [...dirChanges, ...changes.map((c) => `${c} in ${path}`)],
      diff: writeFile ? [textDiff(path, existing, content)] : [],
      state,
      result,
    };
  },
  async apply(host, params, plan, ctx) {
    let s = plan.state as KeyState;
    if (s.deferred) s = (await this.plan(host, params, ctx)).state as KeyState;
    if (s.deferred) throw new ModuleFailure(`Failed to lookup user ${params.user}: getpwnam(): name not found: '${params.user}'`);
    if (s.fixDir) await host.check(sh`mkdir -p -- ${s.dir} && chown ${`${s.uid}:${s.gid}`} -- ${s.dir} && chmod 0700 -- ${s.dir}`);
    else if (s.writeFile) await host.check(sh`mkdir -p -- ${s.dir}`);
    if (s.writeFile) await host.writeFile(s.path, s.content, { mode: '0600', owner: String(s.uid), group: String(s.gid) });
    return {};
  },
});

async function lookUp(host: Host, name: string) {
  return parseAccountQuery((await host.check(accountQueryCommand(name, []))).stdout).user;
}
