// ansible.cfg and ANSIBLE_* as the defaults of the command line's flags: a
// flag given wins, then the environment, then the file, then drover's own
// default (Ansible's order). drover.yml gives the defaults of drover's own
// flags (runner/commands/drover-config.ts). Settings the file holds that would change the
// run and drover lacks stop it here, before any host is contacted.
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { ansibleConfig, type AnsibleConfig } from '../config/ansible-config.js';
import { STDOUT_CALLBACKS } from '../config/settings.js';
import { DROVER_SETTINGS, droverConfig, type DroverConfig } from './drover-config.js';
import type { FactCacheSettings } from '../engine/fact-cache.js';
import type { AuthDefaults, AuthFlags } from './auth-options.js';
import { connectionType, type OutputFlags, type TargetFlags } from './options.js';

/** drover's own forks default when neither -f, ANSIBLE_FORKS nor ansible.cfg says (Ansible's is 5). */
const DEFAULT_FORKS = 50;

let listed = false;

export function withConfigDefaults<F extends TargetFlags & OutputFlags & AuthFlags>(
  flags: F,
  command: Command,
  config: AnsibleConfig & { warnings: string[] } = ansibleConfig(),
  drover: DroverConfig = droverConfig(),
): { flags: F; auth: AuthDefaults; inventory: string[] } {
  for (const w of config.warnings) process.stderr.write(`[WARNING]: ${w}\n`);
  if (config.refused.length > 0) throw new InputError(config.refused);
  if (flags.verbose > 0 && !listed && config.file) {
    listed = true;
    process.stderr.write(`Using ${config.file} as config file\n`);
    for (const note of config.ignored) process.stderr.write(`drover: ansible.cfg setting ignored: ${note}\n`);
  }
  const given = (name: string) => command.getOptionValueSource(name) === 'cli';
  const out: F = { ...flags };
  if (!given('forks')) out.forks = config.value('forks') ?? DEFAULT_FORKS;
  if (out.forks < 1) throw new InputError([{ message: `The number of processes (--forks) must be >= 1 (from ${given('forks') ? '-f' : config.origin('forks')})` }]);
  out.user ??= config.value('remote_user');
  out.privateKey ??= config.value('private_key_file');
  out.timeout ??= config.value('timeout');
  out.sshCommonArgs ??= config.value('ssh_common_args');
  out.sshExtraArgs ??= config.value('ssh_extra_args');
  out.sshArgs ??= config.value('ssh_args');
  // host_key_checking = False: unknown keys are added, as StrictHostKeyChecking=no does; a changed key is still refused (docs/ansible-cfg.md).
  if (config.value('host_key_checking') === false) out.acceptNewHostKeys ??= true;
  const callback = config.value('stdout_callback');
  if (callback !== undefined && !given('output') && !out.json) {
    const mapped = STDOUT_CALLBACKS[callback];
    if (!mapped) throw new InputError([{ message: `stdout_callback ${callback} (${config.origin('stdout_callback')}): drover has no such output; use --output plain, listr or json` }]);
    out.output = mapped;
  }
  // drover.yml: drover's own settings, below the flags and over ansible.cfg's stdout_callback.
  for (const [name, value] of Object.entries(drover.values)) {
    const { flag } = DROVER_SETTINGS[name as keyof typeof DROVER_SETTINGS];
    const asked = flag === 'output' ? given('output') || out.json : given(flag);
    if (!asked) (out as Record<string, unknown>)[flag] = value;
  }
  out.askPass ??= config.value('ask_pass');
  out.forceHandlers ??= config.value('force_handlers');
  out.anyErrorsFatal ??= config.value('any_errors_fatal');
  out.strategy ??= config.value('strategy');
  const transport = config.value('transport');
  if (transport !== undefined) out.connection ??= connectionType(transport);
  // Ansible's utils/color.py: force_color wins over nocolor; drover's --no-color wins over both.
  if (config.value('force_color') === true) out.forceColor = true;
  else if (config.value('nocolor') === true && !given('color')) out.color = false;
  out.injectFactsAsVars = config.value('inject_facts_as_vars') ?? true;
  out.factCache = factCacheSettings(config);
  if (config.value('retry_files_enabled') === true) out.retryFiles = { saveDir: config.value('retry_files_save_path') };
  refuseTrue(config, 'jinja2_native', "drover templates as Ansible's default (non-native) Jinja2 environment does; it has no native types mode (docs/differences.md)");
  const auth: AuthDefaults = {
    become: config.value('become'),
    becomeUser: config.value('become_user'),
    becomeMethod: config.value('become_method'),
    becomeAskPass: config.value('become_ask_pass'),
  };
  return { flags: out, auth, inventory: config.value('inventory') ?? [] };
}

/** A boolean setting whose True drover does not implement: the run is refused, naming where it was set. */
function refuseTrue(config: AnsibleConfig, name: 'jinja2_native', why: string): void {
  if (config.value(name) === true) throw new InputError([{ message: `${name} = True (${config.origin(name)}): ${why}` }]);
}

/** Ansible's fact cache plugins drover has: memory (the default) and jsonfile. */
function factCacheSettings(config: AnsibleConfig): FactCacheSettings {
  const plugin = config.value('fact_caching') ?? 'memory';
  const name = plugin.replace(/^ansible\.builtin\./, '');
  if (name !== 'memory' && name !== 'jsonfile') {
    throw new InputError([{ message: `fact_caching = ${plugin} (${config.origin('fact_caching')}): drover has the memory and jsonfile fact caches only` }]);
  }
  const connection = config.value('fact_caching_connection');
  return { plugin: name, prefix: config.value('fact_caching_prefix') ?? 'ansible_facts', timeout: config.value('fact_caching_timeout') ?? 86400, ...(connection === undefined ? {} : { connection }) };
}
