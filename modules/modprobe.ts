// modprobe: a kernel module loaded (or not) now, and optionally at every boot
// (/etc/modules-load.d/NAME.conf, with its parameters in
// /etc/modprobe.d/NAME.conf), like community.general.modprobe. A module built
// into the kernel counts as loaded (so a second run settles) and cannot be
// removed. As in Ansible, new params for an already loaded module are written
// to the persistent file but the module is not reloaded (that would cut
// whatever uses it); unload and load it in a maintenance step if needed.
import { defineModule, ModuleFailure, type Plan } from '../runner/module-api.js';
import { sh, type Command } from '../runner/quote.js';
import { applyEdit, describeEdit, readConfigFile, type ConfigEdit } from './support/config-file.js';
import { splitCommandLine } from './support/split-command.js';

type Loaded = 'loaded' | 'builtin' | 'absent';

/** /proc/modules for loadable modules; /sys/module and modules.builtin for built-in ones. */
function loadedCommand(name: string): Command {
  return sh`n=${name}
if grep -q "^$n " /proc/modules 2>/dev/null; then echo loaded
elif [ -d "/sys/module/$n" ] || grep -q "/$n\\.ko" "/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null; then echo builtin
else echo absent; fi`;
}

interface ModprobeState {
  edits: ConfigEdit[];
  command?: Command;
}

export default defineModule({
  name: 'modprobe',
  aliases: ['community.general.modprobe'],
  summary: 'Load or unload a kernel module, optionally persistent across boots.',
  changedWhen: 'the module is loaded or unloaded, or (persistent) its modules-load.d / modprobe.d file changes.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$', description: "The module's name ('br_netfilter', '8021q'); '-' and '_' are the same to the kernel." },
      state: { enum: ['present', 'absent'], default: 'present', description: 'present: loaded (or built in); absent: not loaded.' },
      params: { type: 'string', default: '', description: "Module parameters, 'key=value' words ('numdummies=2'), passed when loading and written to the persistent options file." },
      persistent: {
        enum: ['disabled', 'present', 'absent'],
        default: 'disabled',
        description: 'present: load at boot (/etc/modules-load.d/NAME.conf) with params (/etc/modprobe.d/NAME.conf); absent: remove both files; disabled: leave them alone.',
      },
    },
  },
  async plan(host, params): Promise<Plan<ModprobeState>> {
    const name = params.name.replace(/-/g, '_');
    const words = splitCommandLine(params.params);
    if (words.some((w) => !/^[A-Za-z0-9_.-]+(=.*)?$/.test(w))) throw new ModuleFailure(`params '${params.params}' must be key=value words`);
    const edits: ConfigEdit[] = [];
    const changes: string[] = [];
    const diff = [];
    if (params.persistent !== 'disabled') {
      const keep = params.persistent === 'present';
      const loadFile = await readConfigFile(host, `/etc/modules-load.d/${params.name}.conf`);
      const optionsFile = await readConfigFile(host, `/etc/modprobe.d/${params.name}.conf`);
      edits.push({ file: loadFile, after: keep ? `${params.name}\n` : null });
      edits.push({ file: optionsFile, after: keep && words.length > 0 ? `options ${params.name} ${words.join(' ')}\n` : null });
      for (const edit of edits) {
        const described = describeEdit(edit);
        changes.push(...described.changes);
        diff.push(...described.diff);
      }
    }
    const loaded = (await host.check(loadedCommand(name))).stdout.trim() as Loaded;
    let command: Command | undefined;
    if (params.state === 'present' && loaded === 'absent') {
      command = sh`modprobe -- ${params.name} ${words}`;
      changes.push(`load module ${params.name}${words.length ? ` ${words.join(' ')}` : ''}`);
    } else if (params.state === 'absent' && loaded !== 'absent') {
      if (loaded === 'builtin') throw new ModuleFailure(`module ${params.name} is built into the kernel and cannot be unloaded`);
      command = sh`modprobe -r -- ${params.name}`;
      changes.push(`unload module ${params.name}`);
    }
    if (command) diff.push({ label: `module ${params.name}`, before: `${loaded === 'absent' ? 'not loaded' : loaded}\n`, after: `${params.state === 'present' ? 'loaded' : 'not loaded'}\n` });
    return { changes, diff, state: { edits, command } };
  },
  async apply(host, _params, plan) {
    const { edits, command } = plan.state!;
    for (const edit of edits) await applyEdit(host, edit);
    if (command) await host.check(command);
    return {};
  },
});
