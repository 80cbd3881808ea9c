// sysctl: a kernel parameter, in a sysctl.d-style file (persistent) and, with
// reload (default), in the running kernel. Unlike Ansible's default, the
// running value is always compared: a value written in the file but never
// applied (or changed since by hand) is a change, so a second run settles.
// The runtime value is set by writing /proc/sys/..., which sets exactly this
// key (`sysctl -p FILE` would re-apply every line of the file).
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import { sh } from '../runner/quote.js';
import { applyEdit, describeEdit, joinLines, readConfigFile, splitLines, type ConfigEdit } from './support/config-file.js';

/** sysctl(8)'s name rule: dots separate, unless the name uses slashes (then a dot belongs to a component, e.g. eth0.100). */
export function procSysPath(name: string): string {
  const parts = name.includes('/') && !name.includes('.') ? name.split('/') : name.split('.').map((p) => p.replace(/\//g, '.'));
  if (parts.some((p) => p === '' || p === '.' || p === '..')) throw new ModuleFailure(`'${name}' is not a sysctl name`);
  return `/proc/sys/${parts.join('/')}`;
}

/** The dotted form, so 'net/ipv4/ip_forward' and 'net.ipv4.ip_forward' are one key. */
const keyOf = (name: string) => procSysPath(name).slice('/proc/sys/'.length).split('/').map((p) => p.replace(/\./g, '/')).join('.');
/** Multi-value parameters (ip_local_port_range) read back tab-separated: compare words. */
const normalise = (value: string) => value.trim().split(/\s+/).join(' ');

interface SysctlState {
  edit: ConfigEdit;
  /** The value to write into /proc/sys, when the running one differs. */
  runtime?: string;
}

/** The file's lines with this key set once (or removed): the first occurrence is kept in place. */
function editLines(lines: string[], key: string, line: string | null): string[] {
  let seen = false;
  return lines.flatMap((current) => {
    const m = /^\s*([^#;=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(current);
    if (!m || keyOf(m[1]!.replace(/^-/, '')) !== key) return [current];
    if (seen || line === null) return [];
    seen = true;
    return [normalise(m[2]!) === normalise(line.slice(line.indexOf('=') + 1)) ? current : line];
  }).concat(!seen && line !== null ? [line] : []);
}

export default defineModule({
  name: 'sysctl',
  aliases: ['ansible.posix.sysctl'],
  summary: 'Set a kernel parameter in a sysctl file and in the running kernel.',
  changedWhen: 'the file gets, changes or loses the key, or (reload) the running value differs.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9_./:@-]+$', description: "The key, dotted ('net.ipv4.ip_forward') or with slashes." },
      value: { type: ['string', 'number', 'boolean'], description: 'The value (required for present); true/false become 1/0; several words (a range) compare word by word.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'present: the file sets the key to value. absent: the file no longer mentions the key (the running value is left as it is).' },
      sysctl_file: { type: 'string', minLength: 1, default: '/etc/sysctl.conf', description: "The file holding the setting, e.g. '/etc/sysctl.d/90-forwarding.conf' (created if missing)." },
      reload: { type: 'boolean', default: true, description: 'Also compare the running value and set it (by writing /proc/sys). false: only the file is managed. Ansible\'s sysctl_set is accepted as an alias.' },
    },
  },
  paramAliases: { key: 'name', val: 'value', sysctl_set: 'reload' },
  async plan(host, params) {
    const key = keyOf(params.name);
    const procPath = procSysPath(params.name);
    const value = typeof params.value === 'boolean' ? (params.value ? '1' : '0') : params.value === undefined ? undefined : String(params.value);
    if (params.state === 'present' && value === undefined) throw new ModuleFailure('value is required with state=present');
    if (value !== undefined && /[\n\r]/.test(value)) throw new ModuleFailure('value may not contain a line break');
    const file = await readConfigFile(host, params.sysctl_file);
    const lines = splitLines(file.text);
    const line = params.state === 'present' ? `${params.name}=${value}` : null;
    const after = editLines(lines, key, line);
    const edit: ConfigEdit = { file, after: after.join('\n') === lines.join('\n') ? file.text : joinLines(after) };
    const { changes, diff } = describeEdit(edit, line ?? `remove ${params.name}`);
    const state: SysctlState = { edit };
    if (params.reload && params.state === 'present') {
      const read = await host.run(sh`cat -- ${procPath}`);
      if (read.rc !== 0) throw new ModuleFailure(`sysctl key ${params.name} does not exist here (${procPath}: ${read.stderr.trim()})`);
      const running = normalise(read.stdout);
      if (running !== normalise(value!)) {
        state.runtime = value!;
        changes.push(`set running ${params.name}: ${running} -> ${value}`);
        diff.push({ label: `running ${params.name}`, before: `${running}\n`, after: `${value}\n` });
      }
    }
    return { changes, diff, state };
  },
  async apply(host, params, plan) {
    const { edit, runtime } = plan.state!;
    await applyEdit(host, edit);
    if (runtime !== undefined) await host.check(sh`printf '%s\\n' ${runtime} > ${procSysPath(params.name)}`);
    return {};
  },
});
