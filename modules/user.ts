// user: create, change or remove a local account with useradd/usermod/userdel.
// Current state comes from one getent/id query; only the fields the task
// names are compared. The password is an already-hashed value: it is compared
// with the shadow entry and passed to the tools as a secret, never printed.
import { posix } from 'node:path';
import { defineModule, ModuleFailure, type Plan } from '../runner/module-api.js';
import { sh, secret, type Command } from '../runner/quote.js';
import { accountQueryCommand, listParam, parseAccountQuery, type GroupEntry, type UserInfo } from './support/accounts.js';

interface UserState {
  command: Command | null;
  /** Groups that did not exist at plan time (an earlier task may create them; under --check it has not). */
  missingGroups?: string[];
}

const id = { type: ['integer', 'string'], pattern: '^[0-9]+$', minimum: 0 } as const;

export default defineModule({
  name: 'user',
  summary: 'Manage a local user account.',
  changedWhen: 'the account was created or removed, or a named attribute (uid, groups, shell, password...) differed.',
  paramAliases: { createhome: 'create_home' },
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'The account name.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the account should exist.' },
      uid: { ...id, description: 'The user id.' },
      non_unique: { type: 'boolean', default: false, description: 'Allow a uid that another account already has (-o).' },
      group: { type: 'string', description: 'Primary group, by name or gid; it must exist.' },
      groups: { type: ['string', 'array'], items: { type: 'string' }, description: "Supplementary groups (list or 'a,b'); an empty list removes all (unless append)." },
      append: { type: 'boolean', default: false, description: 'Add the groups to the current ones instead of replacing them.' },
      shell: { type: 'string', description: 'Login shell.' },
      home: { type: 'string', description: 'Home directory.' },
      move_home: { type: 'boolean', default: false, description: 'When home changes, move the old contents there (usermod -m).' },
      create_home: { type: 'boolean', default: true, description: 'Create the home directory when creating the account.' },
      skeleton: { type: 'string', description: 'Directory whose files seed a new home (useradd -k).' },
      system: { type: 'boolean', default: false, description: 'Create a system account (only on creation).' },
      comment: { type: 'string', description: 'The GECOS field (full name).' },
      password: { type: 'string', description: 'The already-hashed password (crypt(3) format, e.g. from password_hash).' },
      update_password: { enum: ['always', 'on_create'], default: 'always', description: 'on_create: set the password only when creating the account.' },
      password_lock: { type: 'boolean', description: 'Lock (true) or unlock (false) the password.' },
      remove: { type: 'boolean', default: false, description: 'With absent: also remove the home directory and mail spool (userdel -r).' },
      force: { type: 'boolean', default: false, description: 'With absent: remove even if the user is logged in (userdel -f).' },
    },
  },
  async plan(host, params): Promise<Plan<UserState>> {
    const groupArgs = [...(params.group !== undefined ? [params.group] : []), ...(listParam(params.groups) ?? [])];
    const query = await host.check(accountQueryCommand(params.name, [params.name, ...groupArgs]));
    const { user, groups } = parseAccountQuery(query.stdout);
    const [sameNameGroup, ...found] = groups;
    // A missing group is not an error yet: planned as named, checked again in apply (Ansible's
    // check mode does not look at groups of a user it would create either).
    const lookup = new Map<string, GroupEntry>();
    const missingGroups = [...new Set(groupArgs.filter((_, i) => !found[i]))];
    groupArgs.forEach((arg, i) => lookup.set(arg, found[i] ?? { name: arg, gid: Number.NaN }));
    const result = { name: params.name, state: params.state, ...(params.password !== undefined ? { password: 'NOT_LOGGING_PASSWORD' } : {}) };
    if (params.state === 'absent') {
      if (!user) return { changes: [], result };
      const command = sh`userdel ${params.force ? ['-f'] : []} ${params.remove ? ['-r'] : []} -- ${params.name}`;
      return { changes: [`remove user ${params.name}${params.remove ? ' and its home directory' : ''}`], state: { command } satisfies UserState, result: { ...result, force: params.force, remove: params.remove } };
    }
    const wantedGroups = listParam(params.groups)?.map((g) => lookup.get(g)!.name);
    if (!user) {
      const opts: (string | ReturnType<typeof secret>)[] = [];
      if (params.uid !== undefined) opts.push('-u', String(params.uid), ...(params.non_unique ? ['-o'] : []));
      // A group named like the user already exists: -N, or useradd would try to create it and fail.
      if (params.group !== undefined) opts.push('-g', params.group);
      else if (sameNameGroup) opts.push('-N');
      if (wantedGroups?.length) opts.push('-G', wantedGroups.join(','));
      if (params.comment !== undefined) opts.push('-c', params.comment);
      if (params.home !== undefined) opts.push('-d', params.home);
      if (params.shell !== undefined) opts.push('-s', params.shell);
      if (params.password !== undefined) opts.push('-p', secret(params.password_lock ? `!${params.password}` : params.password));
      if (params.create_home) opts.push('-m', ...(params.skeleton !== undefined ? ['-k', params.skeleton] : []));
      else opts.push('-M');
      if (params.system) opts.push('-r');
      // useradd -m makes only the last path component; Ansible creates the parents first.
      const parent = params.create_home && params.home !== undefined ? sh`mkdir -p -- ${posix.dirname(params.home)} && ` : sh``;
      const command = sh`${parent}useradd ${opts} -- ${params.name}`;
      return { changes: [`create user ${params.name}`], diff: [{ label: `user ${params.name}`, before: '', after: describe(params) }], state: { command, missingGroups } satisfies UserState, result };
    }
    const planned = planChanges(user, params, lookup, wantedGroups, result);
    return planned.state ? { ...planned, state: { ...planned.state, missingGroups } } : planned;
  },
  async apply(host, params, plan) {
    const { command, missingGroups = [] } = plan.state as UserState;
    if (missingGroups.length > 0) {
      const still = parseAccountQuery((await host.check(accountQueryCommand(undefined, missingGroups))).stdout).groups;
      const absent = missingGroups.filter((_, i) => !still[i]);
      if (absent.length > 0) throw new ModuleFailure(`Group ${absent.join(', ')} does not exist`);
    }
    if (command) await host.check(command);
    const after = parseAccountQuery((await host.check(accountQueryCommand(params.name, []))).stdout).user;
    return { result: { ...plan.result, ...(after ? summary(after) : {}) } };
  },
});

type UserParams = {
  name: string; uid?: number | string; non_unique?: boolean; group?: string; append?: boolean; shell?: string; home?: string;
  move_home?: boolean; comment?: string; password?: string; update_password?: string; password_lock?: boolean;
};

/** usermod for exactly the attributes that differ; one change sentence per attribute. */
function planChanges(user: UserInfo, params: UserParams, lookup: Map<string, GroupEntry>, wantedGroups: string[] | undefined, result: Record<string, unknown>): Plan<UserState> {
  const opts: (string | ReturnType<typeof secret>)[] = [];
  const changes: string[] = [];
  const before: string[] = [];
  const after: string[] = [];
  const differs = (field: string, from: string, to: string, ...flags: (string | ReturnType<typeof secret>)[]) => {
    opts.push(...flags);
    changes.push(`${field} of user ${params.name}: ${from} -> ${to}`);
    before.push(`${field}: ${from}\n`);
    after.push(`${field}: ${to}\n`);
  };
  if (params.uid !== undefined && Number(params.uid) !== user.uid) differs('uid', String(user.uid), String(params.uid), '-u', String(params.uid), ...(params.non_unique ? ['-o'] : []));
  if (params.group !== undefined) {
    const g = lookup.get(params.group)!;
    if (g.gid !== user.gid) differs('group', user.group, g.name, '-g', Number.isNaN(g.gid) ? g.name : String(g.gid));
  }
  if (wantedGroups !== undefined) {
    const current = new Set(user.groups);
    // The primary group is never a supplementary one, whatever the list says.
    const wanted = [...new Set(wantedGroups.filter((g) => g !== user.group && lookup.get(g)?.gid !== user.gid))];
    const missing = wanted.filter((g) => !current.has(g));
    const extra = user.groups.filter((g) => !wanted.includes(g));
    if (params.append ? missing.length > 0 : missing.length + extra.length > 0) {
      const target = params.append ? [...user.groups, ...missing] : wanted;
      differs('groups', user.groups.join(',') || '(none)', target.join(',') || '(none)', ...(params.append ? ['-a'] : []), '-G', params.append ? missing.join(',') : wanted.join(','));
    }
  }
  if (params.comment !== undefined && params.comment !== user.comment) differs('comment', user.comment, params.comment, '-c', params.comment);
  if (params.home !== undefined && params.home !== user.home) differs('home', user.home, params.home, '-d', params.home, ...(params.move_home ? ['-m'] : []));
  if (params.shell !== undefined && params.shell !== user.shell) differs('shell', user.shell, params.shell, '-s', params.shell);
  const locked = user.hash.startsWith('!');
  const setPassword = params.update_password === 'always' && params.password !== undefined && user.hash.replace(/^!+/, '') !== params.password.replace(/^!+/, '');
  if (setPassword) {
    // -p with the hash (locked if asked) replaces -L/-U: they cannot be combined.
    const value = params.password_lock ? `!${params.password}` : params.password!;
    differs('password', '(hidden)', '(changed, hidden)', '-p', secret(value));
  } else if (params.password_lock === true && !locked) differs('password lock', 'unlocked', 'locked', '-L');
  else if (params.password_lock === false && locked) differs('password lock', 'locked', 'unlocked', '-U');
  if (opts.length === 0) return { changes: [], result: { ...result, ...summary(user) } };
  const command = sh`usermod ${opts} -- ${params.name}`;
  return { changes, diff: [{ label: `user ${params.name}`, before: before.join(''), after: after.join('') }], state: { command } satisfies UserState, result: { ...result, ...summary(user) } };
}

function summary(user: UserInfo): Record<string, unknown> {
  return { uid: user.uid, group: user.gid, groups: user.groups.join(','), comment: user.comment, home: user.home, shell: user.shell };
}

function describe(params: Record<string, unknown>): string {
  const fields = ['uid', 'group', 'groups', 'comment', 'home', 'shell', 'system'];
  return fields.filter((f) => params[f] !== undefined).map((f) => `${f}: ${Array.isArray(params[f]) ? (params[f] as string[]).join(',') : String(params[f])}\n`).join('') + (params.password !== undefined ? 'password: (hidden)\n' : '');
}
