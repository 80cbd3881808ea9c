// The files the jupyterhub module owns, rendered from typed settings:
// jupyterhub_config.py (Python: every value written as a Python literal, so
// no setting can inject code; only extra_config is raw by design) and a
// systemd unit.

export interface HubSettings {
  bind_url: string;
  authenticator_class?: string;
  spawner_class?: string;
  admin_users?: readonly string[];
  allowed_users?: readonly string[];
  announcement?: string;
  alert?: string;
  template_vars?: Readonly<Record<string, string>>;
  logout_redirect_url?: string;
  template_paths?: readonly string[];
  getting_started_url?: string;
  extra_config?: readonly string[];
}

/** A Python str literal. JSON's string escapes are a subset of Python's. */
export const pyString = (value: string): string => JSON.stringify(value);

const pyList = (values: readonly string[]) => `[${values.map(pyString).join(', ')}]`;
const pySet = (values: readonly string[]) => (values.length ? `{${[...new Set(values)].sort().map(pyString).join(', ')}}` : 'set()');
const pyDict = (entries: readonly (readonly [string, string])[]) => `{${entries.map(([k, v]) => `${pyString(k)}: ${pyString(v)}`).join(', ')}}`;

export function renderHubConfig(s: HubSettings): string {
  const lines = ['# Managed by drover (jupyterhub module): local edits are replaced on the next run.', ''];
  lines.push(`c.JupyterHub.bind_url = ${pyString(s.bind_url)}`);
  if (s.authenticator_class !== undefined) lines.push(`c.JupyterHub.authenticator_class = ${pyString(s.authenticator_class)}`);
  if (s.spawner_class !== undefined) lines.push(`c.JupyterHub.spawner_class = ${pyString(s.spawner_class)}`);
  if (s.admin_users?.length) lines.push(`c.Authenticator.admin_users = ${pySet(s.admin_users)}`);
  if (s.allowed_users?.length) lines.push(`c.Authenticator.allowed_users = ${pySet(s.allowed_users)}`);
  if (s.template_paths?.length) lines.push(`c.JupyterHub.template_paths = ${pyList(s.template_paths)}`);

  // The stock templates show `announcement` on every page; the others are for custom templates.
  const vars: [string, string][] = Object.entries(s.template_vars ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (s.announcement !== undefined) vars.push(['announcement', s.announcement]);
  if (s.alert !== undefined) vars.push(['alert', s.alert]);
  if (s.getting_started_url !== undefined) vars.push(['getting_started_url', s.getting_started_url]);
  if (vars.length) lines.push(`c.JupyterHub.template_vars = ${pyDict(vars)}`);
  if (s.getting_started_url !== undefined) {
    // For the single-user server's start-up hook, which fetches the notebook into a new home.
    lines.push(`c.Spawner.environment.update({"GETTING_STARTED_URL": ${pyString(s.getting_started_url)}})`);
  }
  if (s.logout_redirect_url !== undefined) {
    // JupyterHub 3 has no setting for this: its LogoutHandler's last step is replaced by a redirect.
    lines.push(
      '',
      'def _drover_logout_redirect(url):',
      '    from jupyterhub.handlers.login import LogoutHandler',
      '    async def render_logout_page(self):',
      '        self.redirect(url, permanent=False)',
      '    LogoutHandler.render_logout_page = render_logout_page',
      `_drover_logout_redirect(${pyString(s.logout_redirect_url)})`,
    );
  }
  if (s.extra_config?.length) lines.push('', '# extra_config', ...s.extra_config);
  return `${lines.join('\n')}\n`;
}

export interface UnitSettings {
  description: string;
  execStart: readonly string[];
  workingDirectory: string;
  environment: Readonly<Record<string, string>>;
}

/** systemd's own quoting: double quotes, with backslash and quote escaped; '%' doubled (specifiers). */
const sdQuote = (word: string) => `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\n/g, '\\n')}"`;

export function renderUnit(u: UnitSettings): string {
  return [
    '# Managed by drover (jupyterhub module).',
    '[Unit]',
    `Description=${u.description.replace(/\n/g, ' ')}`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    ...Object.entries(u.environment).map(([k, v]) => `Environment=${sdQuote(`${k}=${v}`)}`),
    `WorkingDirectory=${u.workingDirectory}`,
    `ExecStart=${u.execStart.map(sdQuote).join(' ')}`,
    'Restart=on-failure',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** Where the hub answers locally: the bind URL's host (any-address -> loopback) + base path + hub/api. */
export function healthUrl(bindUrl: string): string {
  const url = new URL(bindUrl.replace('://:', '://0.0.0.0:'));
  if (url.hostname === '' || url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  if (url.hostname === '[::]') url.hostname = '[::1]';
  const base = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return `${url.protocol}//${url.host}${base}hub/api`;
}
