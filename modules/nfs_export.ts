// nfs_export: one exported directory, one line in an exports(5) file (by
// default its own /etc/exports.d/<path>.exports), keyed by the path: other
// lines of the file are kept. Option names are checked against exports(5)
// before anything is written (a typo, or a mount option such as noatime,
// is an error naming it, instead of exportfs refusing the whole table later).
// `exportfs -ra` runs only when something changed: the file, or the kernel's
// export table (read with `exportfs -s`) lacking one of the path's clients.
import { defineModule, ModuleFailure, type Plan } from '../runner/module-api.js';
import { sh } from '../runner/quote.js';
import { applyEdit, describeEdit, joinLines, readConfigFile, splitLines, type ConfigEdit } from './support/config-file.js';
import { unescapeField } from './support/mountinfo.js';

/** exports(5) of nfs-utils 2.6 (Debian 12), each accepted by its exportfs. true: takes '=value'; 'optional': may. */
const OPTIONS: Record<string, boolean | 'optional'> = {
  secure: false, insecure: false, rw: false, ro: false, async: false, sync: false, wdelay: false, no_wdelay: false,
  hide: false, nohide: false, crossmnt: false, subtree_check: false, no_subtree_check: false,
  insecure_locks: false, no_auth_nlm: false, secure_locks: false, auth_nlm: false, mountpoint: 'optional', mp: 'optional',
  fsid: true, nordirplus: false, refer: true, replicas: true, pnfs: false, no_pnfs: false, security_label: false,
  root_squash: false, no_root_squash: false, all_squash: false, no_all_squash: false, anonuid: true, anongid: true, sec: true,
  acl: false, no_acl: false,
};
const MOUNT_OPTIONS = new Set(['noatime', 'relatime', 'nodiratime', 'atime', 'noexec', 'nosuid', 'nodev', 'defaults', 'hard', 'soft', 'vers']);

/** 'host(opt,opt)' checked and normalised; the host part is kept as written. */
export function checkClient(client: string): { host: string; text: string } {
  const m = /^([^\s()]*)(?:\(([^()\s]*)\))?$/.exec(client.trim());
  if (!m || (m[1] === '' && m[2] === undefined)) throw new ModuleFailure(`client '${client}' is not 'HOST(OPTIONS)' (e.g. '*(ro,no_subtree_check)', '10.0.0.0/24(rw)')`);
  // exports(5) hosts: a name or address, a wildcard, an @netgroup, or an address/mask network.
  if (!/^(?:@?[A-Za-z0-9*?_.:/[\]][A-Za-z0-9*?_.:/[\]-]*)?$/.test(m[1]!)) {
    throw new ModuleFailure(`client '${client}': '${m[1]}' is not a host, wildcard, @netgroup or network of exports(5)`);
  }
  for (const option of (m[2] ?? '').split(',').filter(Boolean)) {
    const [name = '', value] = option.split('=', 2);
    const rule = OPTIONS[name];
    if (rule === undefined) {
      const hint = MOUNT_OPTIONS.has(name) ? ` (${name} is a mount option: set it where the filesystem is mounted)` : '';
      throw new ModuleFailure(`unknown export option '${name}' in client '${client}': not an option of exports(5)${hint}`);
    }
    if (rule === true && !value) throw new ModuleFailure(`export option '${name}' in client '${client}' needs a value (${name}=...)`);
    if (rule === false && value !== undefined) throw new ModuleFailure(`export option '${name}' in client '${client}' takes no value`);
  }
  return { host: m[1] === '' ? '*' : m[1]!, text: client.trim() };
}

/** The path as exports(5) reads it: double quotes around a path with blanks. */
function exportPath(path: string): string {
  return /\s/.test(path) ? `"${path}"` : path;
}

/** The exported path of a line, or null for comments and blank lines. */
function linePath(line: string): string | null {
  const m = /^\s*(?:"([^"]*)"|(\S+))/.exec(line);
  if (!m || line.trim().startsWith('#')) return null;
  return m[1] ?? unescapeField(m[2]!);
}

/** A name for the path's own file: '/srv/nfs/home' -> 'srv-nfs-home.exports'. */
export function exportsFileFor(path: string): string {
  const slug = path.replace(/^\/+|\/+$/g, '').replace(/\//g, '-').replace(/[^A-Za-z0-9._-]/g, '_');
  return `/etc/exports.d/${slug || 'root'}.exports`;
}

interface ExportState {
  edit: ConfigEdit;
  reload: boolean;
}

export default defineModule({
  name: 'nfs_export',
  summary: 'Export a directory over NFS: its line in /etc/exports.d (or /etc/exports), reloaded with exportfs -ra when it changed.',
  changedWhen: 'the exports file changes, or the kernel export table does not match it (then exportfs -ra runs).',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', pattern: '^/[^"\\n]*$', description: 'The exported directory (absolute).' },
      clients: {
        type: ['array', 'string'],
        items: { type: 'string', minLength: 1 },
        description: "Who may mount it, in exports(5) form: ['*(ro,no_root_squash,no_subtree_check,async,fsid=0)', '10.0.0.0/24(rw)']; a string holds one or more separated by blanks. Required for present.",
      },
      state: { enum: ['present', 'absent'], default: 'present', description: 'present: the path is exported to exactly these clients. absent: its line goes (an exports.d file left empty is removed).' },
      file: { type: 'string', pattern: '^/', description: "The exports file holding the line; default /etc/exports.d/<path with '/' as '-'>.exports. '/etc/exports' works too." },
      reload: { type: 'boolean', default: true, description: 'Run exportfs -ra after a change (and when the kernel table lacks the export). false: only the file.' },
    },
  },
  async plan(host, params): Promise<Plan<ExportState>> {
    const present = params.state === 'present';
    const given = params.clients === undefined ? [] : typeof params.clients === 'string' ? params.clients.split(/\s+/).filter(Boolean) : [...params.clients];
    if (present && given.length === 0) throw new ModuleFailure('clients is required with state=present');
    const clients = given.map(checkClient);
    const path = params.path.length > 1 ? params.path.replace(/\/+$/, '') : params.path;

    const file = await readConfigFile(host, params.file ?? exportsFileFor(path));
    const lines = splitLines(file.text);
    const line = `${exportPath(path)} ${clients.map((c) => c.text).join(' ')}`;
    let seen = false;
    const after = lines.flatMap((current) => {
      if (linePath(current) !== path) return [current];
      if (!present || seen) return [];
      seen = true;
      return [current.trim().split(/\s+/).join(' ') === line ? current : line];
    });
    if (present && !seen) after.push(line);
    const empty = after.every((l) => l.trim() === '');
    const removable = empty && file.target.path.startsWith('/etc/exports.d/');
    const edit: ConfigEdit = { file, after: after.join('\n') === lines.join('\n') ? file.text : removable ? null : joinLines(after) };
    const { changes, diff } = describeEdit(edit, `${present ? 'export' : 'unexport'} ${path}`);

    let reload = false;
    if (params.reload) {
      const table = await host.run(sh`exportfs -s`);
      if (table.rc !== 0) throw new ModuleFailure(`exportfs -s: ${table.stderr.trim()}`);
      const exported = table.stdout.split('\n').flatMap((l) => {
        const m = /^(\S+)\s+([^\s(]+)\(/.exec(l);
        return m && unescapeField(m[1]!) === path ? [m[2]!] : [];
      });
      // Only what a reload can fix: a path still exported by another file after absent is not this task's to settle.
      reload = changes.length > 0 || (present && !clients.every((c) => exported.includes(c.host)));
      if (reload) changes.push('reload the export table (exportfs -ra)');
    }
    return { changes, diff, state: { edit, reload } };
  },
  async apply(host, _params, plan) {
    const { edit, reload } = plan.state!;
    await applyEdit(host, edit);
    if (reload) await host.check(sh`exportfs -ra`);
    return {};
  },
});
