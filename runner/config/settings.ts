// The ansible.cfg settings drover applies, each with the ini keys and
// environment variables Ansible 2.14 reads it from (lib/ansible/config/base.yml
// and the ssh connection plugin's options), and what drover does with the
// rest: settings whose only effect is on things drover does not have are
// ignored (listed with -v); settings that would change what a run does, and
// drover lacks, are refused at file:line.

export type SettingType = 'string' | 'boolean' | 'integer' | 'path' | 'pathspec' | 'pathlist';

export interface SettingDef {
  type: SettingType;
  /** [section, key] pairs; the last one set wins, as in Ansible's config manager. */
  ini: [string, string][];
  /** Environment variables; the last one set wins. */
  env: string[];
}

export const SETTINGS = {
  inventory: { type: 'pathlist', ini: [['defaults', 'inventory']], env: ['ANSIBLE_INVENTORY'] },
  roles_path: { type: 'pathspec', ini: [['defaults', 'roles_path']], env: ['ANSIBLE_ROLES_PATH'] },
  forks: { type: 'integer', ini: [['defaults', 'forks']], env: ['ANSIBLE_FORKS'] },
  remote_user: { type: 'string', ini: [['defaults', 'remote_user']], env: ['ANSIBLE_REMOTE_USER'] },
  private_key_file: { type: 'path', ini: [['defaults', 'private_key_file']], env: ['ANSIBLE_PRIVATE_KEY_FILE'] },
  host_key_checking: { type: 'boolean', ini: [['defaults', 'host_key_checking'], ['ssh_connection', 'host_key_checking']], env: ['ANSIBLE_HOST_KEY_CHECKING', 'ANSIBLE_SSH_HOST_KEY_CHECKING'] },
  timeout: { type: 'integer', ini: [['defaults', 'timeout'], ['ssh_connection', 'timeout']], env: ['ANSIBLE_TIMEOUT', 'ANSIBLE_SSH_TIMEOUT'] },
  vault_password_file: { type: 'path', ini: [['defaults', 'vault_password_file']], env: ['ANSIBLE_VAULT_PASSWORD_FILE'] },
  stdout_callback: { type: 'string', ini: [['defaults', 'stdout_callback']], env: ['ANSIBLE_STDOUT_CALLBACK'] },
  ask_pass: { type: 'boolean', ini: [['defaults', 'ask_pass']], env: ['ANSIBLE_ASK_PASS'] },
  become: { type: 'boolean', ini: [['privilege_escalation', 'become']], env: ['ANSIBLE_BECOME'] },
  become_user: { type: 'string', ini: [['privilege_escalation', 'become_user']], env: ['ANSIBLE_BECOME_USER'] },
  become_method: { type: 'string', ini: [['privilege_escalation', 'become_method']], env: ['ANSIBLE_BECOME_METHOD'] },
  become_ask_pass: { type: 'boolean', ini: [['privilege_escalation', 'become_ask_pass']], env: ['ANSIBLE_BECOME_ASK_PASS'] },
  ssh_args: { type: 'string', ini: [['ssh_connection', 'ssh_args']], env: ['ANSIBLE_SSH_ARGS'] },
  ssh_common_args: { type: 'string', ini: [['ssh_connection', 'ssh_common_args']], env: ['ANSIBLE_SSH_COMMON_ARGS'] },
  ssh_extra_args: { type: 'string', ini: [['ssh_connection', 'ssh_extra_args']], env: ['ANSIBLE_SSH_EXTRA_ARGS'] },
  // drover always pipelines: every command goes to the host's sh on stdin, no module file is copied to a remote
  // temp dir first. pipelining = True is what drover does; False is accepted and noted with -v (runner/config/ansible-config.ts).
  pipelining: { type: 'boolean', ini: [['defaults', 'pipelining'], ['connection', 'pipelining'], ['ssh_connection', 'pipelining']], env: ['ANSIBLE_PIPELINING', 'ANSIBLE_SSH_PIPELINING'] },
  // The connection of hosts that set no ansible_connection (-c's default); drover has local and ssh (smart is ssh).
  transport: { type: 'string', ini: [['defaults', 'transport']], env: ['ANSIBLE_TRANSPORT'] },
  // Ansible's utils/color.py: nocolor (or the NO_COLOR convention) turns colour off, force_color turns it on over both.
  nocolor: { type: 'boolean', ini: [['defaults', 'nocolor']], env: ['ANSIBLE_NOCOLOR', 'NO_COLOR'] },
  force_color: { type: 'boolean', ini: [['defaults', 'force_color']], env: ['ANSIBLE_FORCE_COLOR'] },
  // True: the failed and unreachable hosts' names, one a line, in SAVE_PATH (or the playbook's directory)/PLAYBOOK.retry.
  retry_files_enabled: { type: 'boolean', ini: [['defaults', 'retry_files_enabled']], env: ['ANSIBLE_RETRY_FILES_ENABLED'] },
  retry_files_save_path: { type: 'path', ini: [['defaults', 'retry_files_save_path']], env: ['ANSIBLE_RETRY_FILES_SAVE_PATH'] },
  // False: facts only under ansible_facts (and ansible_local), not each as an ansible_* variable.
  inject_facts_as_vars: { type: 'boolean', ini: [['defaults', 'inject_facts_as_vars']], env: ['ANSIBLE_INJECT_FACT_VARS'] },
  // Ansible's fact cache: memory (the default, this run only) or jsonfile (runner/engine/fact-cache.ts); other plugins are refused.
  fact_caching: { type: 'string', ini: [['defaults', 'fact_caching']], env: ['ANSIBLE_CACHE_PLUGIN'] },
  // Expanded (~, $VARS) when the cache opens, as Ansible's file cache does; a relative path is the working directory's.
  fact_caching_connection: { type: 'string', ini: [['defaults', 'fact_caching_connection']], env: ['ANSIBLE_CACHE_PLUGIN_CONNECTION'] },
  fact_caching_prefix: { type: 'string', ini: [['defaults', 'fact_caching_prefix']], env: ['ANSIBLE_CACHE_PLUGIN_PREFIX'] },
  fact_caching_timeout: { type: 'integer', ini: [['defaults', 'fact_caching_timeout']], env: ['ANSIBLE_CACHE_PLUGIN_TIMEOUT'] },
  // False (Ansible's default) is what drover's templating does; True (Jinja2's NativeEnvironment) is refused.
  jinja2_native: { type: 'boolean', ini: [['defaults', 'jinja2_native']], env: ['ANSIBLE_JINJA2_NATIVE'] },
} satisfies Record<string, SettingDef>;

export type SettingName = keyof typeof SETTINGS;

/** Sections whose every key only tunes what drover does not have (colours, other transports, SELinux contexts on copies of Python modules, Galaxy servers). */
export const INERT_SECTIONS = ['colors', 'persistent_connection', 'paramiko_connection', 'netconf_connection', 'selinux', 'galaxy'];

/** [defaults] and [ssh_connection] keys with no effect on a drover run: Python on the target, retry files, cowsay, warnings Ansible prints, the ssh binary's own options. */
export const INERT_KEYS: Record<string, string[]> = {
  defaults: [
    'action_warnings', 'bin_ansible_callbacks', 'callback_whitelist', 'callbacks_enabled', 'collections_on_ansible_version_mismatch', 'collections_scan_sys_path',
    'cow_selection', 'cow_whitelist', 'cowpath', 'cowsay_enabled_stencils', 'nocows', 'deprecation_warnings', 'devel_warning', 'system_warnings', 'localhost_warning',
    'jinja2_native_warning', 'interpreter_python', 'module_compression', 'python_module_rlimit_nofile', 'local_tmp',
    'remote_tmp', 'keep_remote_files', 'no_target_syslog', 'syslog_facility', 'internal_poll_interval', 'docsite_root_url', 'home',
    'display_args_to_stdout', 'old_plugin_cache_clear', 'use_persistent_connections', 'validate_action_group_metadata', 'log_filter',
  ],
  ssh_connection: ['control_path', 'control_path_dir', 'ssh_executable', 'scp_if_ssh', 'transfer_method', 'sftp_batch_mode', 'scp_extra_args', 'sftp_extra_args', 'usetty', 'sshpass_prompt'],
  privilege_escalation: ['agnostic_become_prompt'],
};

/**
 * Sections and [defaults] keys Ansible 2.14 knows: any of these that is not
 * supported or inert changes what a run does, and is refused.
 */
export const KNOWN_SECTIONS = ['defaults', 'privilege_escalation', 'ssh_connection', 'connection', 'inventory', 'diff', 'jinja2', 'tags', ...INERT_SECTIONS];
export const KNOWN_DEFAULTS_KEYS = [
  'action_plugins', 'allow_unsafe_lookups', 'ansible_managed', 'any_errors_fatal', 'ask_vault_pass', 'become_password_file', 'become_plugins', 'cache_plugins',
  'callback_plugins', 'cliconf_plugins', 'collections_path', 'collections_paths', 'connection_password_file', 'connection_plugins', 'debug', 'doc_fragment_plugins',
  'duplicate_dict_key', 'enable_task_debugger', 'error_on_missing_handler', 'error_on_undefined_vars', 'executable', 'fact_path', 'facts_modules', 'filter_plugins', 'force_handlers', 'force_valid_group_names', 'gather_subset',
  'gather_timeout', 'gathering', 'hash_behaviour', 'httpapi_plugins', 'invalid_task_attribute_failed', 'inventory_ignore_extensions',
  'inventory_ignore_patterns', 'inventory_plugins', 'jinja2_extensions', 'library', 'log_path', 'lookup_plugins', 'max_diff_size', 'module_args',
  'module_ignore_exts', 'module_name', 'module_utils', 'netconf_plugins', 'network_group_modules', 'no_log', 'null_representation', 'playbook_dir',
  'playbook_vars_root', 'plugin_filters_cfg', 'poll_interval', 'precedence', 'private_role_vars', 'remote_port', 'run_vars_plugins', 'show_custom_stats',
  'strategy', 'strategy_plugins', 'string_conversion_action', 'su', 'task_debugger_ignore_errors', 'task_timeout', 'terminal_plugins', 'test_plugins',
  'vars_plugins', 'vars_plugins_enabled', 'vault_encrypt_identity', 'vault_id_match', 'vault_identity', 'vault_identity_list', 'verbosity',
  'win_async_startup_timeout', 'yaml_valid_extensions', 'display_skipped_hosts', 'display_ok_hosts', 'display_failed_stderr', 'check_mode_markers',
  'show_per_host_start', 'show_task_path_on_failure', 'verbose_to_stderr',
];

/** stdout_callback names drover has an output for: Ansible's default callback is `--output ansible`, byte for byte (runner/report/ansible-default.ts). */
export const STDOUT_CALLBACKS: Record<string, 'ansible'> = { default: 'ansible', 'ansible.builtin.default': 'ansible' };
