// jupyterhub: the hub's jupyterhub_config.py rendered from typed settings
// (the ones hub operators change: announcement, admins, logout redirect,
// error page templates...), its systemd unit, and a restart when either
// changed, followed by a health check that waits for /hub/api to answer its
// version. Restarting goes through the host's service manager: systemd, or
// init scripts (`service NAME restart`) where systemd is not PID 1; 'none'
// writes the files only, for hubs restarted by something else.
import { defineModule, ModuleFailure, type Plan } from '../runner/module-api.js';
import type { Host } from '../runner/host/types.js';
import { sh, type Command } from '../runner/quote.js';
import { textDiff } from './support/diff.js';
import { healthUrl, renderHubConfig, renderUnit } from './support/jupyterhub-config.js';
import { systemd } from './support/services/systemd.js';
import { sysvinit } from './support/services/sysvinit.js';
import type { ServiceAction, ServiceBackend } from './support/services/types.js';

interface HubState {
  writes: { path: string; content: string }[];
  backend: ServiceBackend | null;
  actions: ServiceAction[];
}

const strings = (description: string) => ({ type: 'array', items: { type: 'string' }, description }) as const;
const absolute = (description: string) => ({ type: 'string', pattern: '^/', description }) as const;

/** Poll the hub's API until it answers JSON with a version (curl, else Python, which any hub host has). */
function healthCommand(url: string, timeoutSeconds: number): Command {
  return sh`u=${url}; n=${String(Math.max(1, timeoutSeconds * 4))}
get() { if command -v curl >/dev/null 2>&1; then curl -ksS --max-time 2 -- "$u"; else python3 -c 'import ssl,sys,urllib.request as r; print(r.urlopen(sys.argv[1], timeout=2, context=ssl._create_unverified_context()).read().decode())' "$u"; fi; }
i=0; while [ "$i" -lt "$n" ]; do
  out=$(get 2>/dev/null) && case "$out" in *'"version"'*) printf '%s\\n' "$out"; exit 0;; esac
  sleep 0.25; i=$((i+1))
done
echo "no answer with a version from $u: $out" >&2; exit 1`;
}

async function chooseBackend(host: Host, wanted: string): Promise<ServiceBackend | null> {
  if (wanted === 'none') return null;
  const manager = wanted === 'auto' ? (await host.facts()).service_mgr : wanted;
  return manager === 'systemd' ? systemd : sysvinit;
}

export default defineModule({
  name: 'jupyterhub',
  summary: 'Configure JupyterHub (jupyterhub_config.py from typed settings, systemd unit), restart it on change and wait until /hub/api answers.',
  changedWhen: 'the config or the unit file differed (then the hub is restarted), or the hub was not running (then it is started).',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      config_path: { ...absolute('Where jupyterhub_config.py goes.'), default: '/etc/jupyterhub/jupyterhub_config.py' },
      bind_url: { type: 'string', pattern: '^https?://', default: 'http://:8000', description: "The public URL the hub's proxy listens on (c.JupyterHub.bind_url), with the base path if any." },
      authenticator_class: { type: 'string', description: "c.JupyterHub.authenticator_class: an entry point name ('pam', 'dummy', 'shibboleth'...) or a dotted class." },
      spawner_class: { type: 'string', description: "c.JupyterHub.spawner_class: 'simple', 'localprocess', 'docker', or a dotted class." },
      admin_users: strings('c.Authenticator.admin_users (for hashed user names, the hashes).'),
      allowed_users: strings('c.Authenticator.allowed_users.'),
      announcement: { type: 'string', description: 'HTML shown at the top of every hub page (template_vars.announcement); changing it restarts the hub.' },
      alert: { type: 'string', description: 'template_vars.alert, for custom templates that show an alert (the stock templates do not).' },
      template_vars: { type: 'object', additionalProperties: { type: 'string' }, description: 'More c.JupyterHub.template_vars, for custom templates.' },
      logout_redirect_url: { type: 'string', description: 'Send users here after /hub/logout instead of to the login page.' },
      template_paths: strings('Directories searched first for page templates (c.JupyterHub.template_paths), e.g. one with a custom error.html.'),
      getting_started_url: { type: 'string', description: 'URL of a getting-started notebook: template_vars.getting_started_url and GETTING_STARTED_URL in the single-user environment, for its start-up hook.' },
      extra_config: strings('Python lines appended verbatim to the config (anything the typed settings do not cover).'),
      service_name: { type: 'string', pattern: '^[A-Za-z0-9_.@][A-Za-z0-9_.@-]*$', default: 'jupyterhub', description: 'The systemd unit or init script name.' },
      service_manager: { enum: ['auto', 'systemd', 'sysvinit', 'none'], default: 'auto', description: 'How to restart: auto follows the service_mgr fact; none writes the files only (no restart, no health check).' },
      unit_path: absolute('Where the systemd unit goes (default /etc/systemd/system/SERVICE_NAME.service). Written when systemd manages the hub or when this is given.'),
      working_directory: { ...absolute("The unit's WorkingDirectory: where the hub keeps its database and cookie secret."), default: '/var/lib/jupyterhub' },
      exec_start: strings('The unit\'s command, one word per item; default: jupyterhub -f CONFIG_PATH.'),
      environment: { type: 'object', additionalProperties: { type: 'string' }, default: { NODE_PATH: '/usr/share/nodejs' }, description: "The unit's environment (Debian's proxy needs NODE_PATH=/usr/share/nodejs)." },
      health_url: { type: 'string', pattern: '^https?://', description: 'Checked after a (re)start until it answers a version; default: BIND_URL + hub/api on loopback.' },
      health_timeout: { type: 'integer', minimum: 1, default: 60, description: 'Seconds to wait for the health check.' },
    },
  },
  async plan(host, params): Promise<Plan<HubState>> {
    const backend = await chooseBackend(host, params.service_manager);
    const files = [{ path: params.config_path, content: renderHubConfig(params) }];
    if (params.unit_path !== undefined || backend === systemd) {
      const unit = renderUnit({
        description: 'JupyterHub',
        execStart: params.exec_start ?? ['/usr/bin/jupyterhub', '-f', params.config_path],
        workingDirectory: params.working_directory,
        environment: params.environment,
      });
      files.push({ path: params.unit_path ?? `/etc/systemd/system/${params.service_name}.service`, content: unit });
    }
    const changes: string[] = [];
    const diff = [];
    const writes: HubState['writes'] = [];
    for (const file of files) {
      const current = await host.readFile(file.path);
      if (current !== null && current.toString('utf8') === file.content) continue;
      changes.push(`${current === null ? 'create' : 'update'} ${file.path}`);
      diff.push(textDiff(file.path, current, file.content));
      writes.push(file);
    }
    const actions: ServiceAction[] = [];
    if (backend) {
      const status = backend.parseQuery((await host.check(backend.queryCommand(params.service_name))).stdout);
      const unitChanged = writes.some((w) => w.path !== params.config_path);
      if (backend === systemd && unitChanged) actions.push('daemon-reload');
      // Under init scripts the unit file is inert: only the config matters to the running hub.
      const hubSees = writes.some((w) => w.path === params.config_path) || (backend === systemd && unitChanged);
      if (!status.running) actions.push('start');
      else if (hubSees) actions.push('restart');
      if (actions.includes('start')) changes.push(`start ${params.service_name}`);
      if (actions.includes('restart')) changes.push(`restart ${params.service_name}`);
    }
    return { changes, diff, state: { writes, backend, actions }, result: { config_path: params.config_path } };
  },
  async apply(host, params, plan) {
    const { writes, backend, actions } = plan.state as HubState;
    for (const w of writes) {
      await host.check(sh`mkdir -p -- "$(dirname -- ${w.path})"`);
      await host.writeFile(w.path, w.content);
    }
    if (!backend) return { result: plan.result };
    await host.check(sh`mkdir -p -- ${params.working_directory}`);
    for (const action of actions) await host.check(backend.actionCommand(action, params.service_name));
    const url = params.health_url ?? healthUrl(params.bind_url);
    const health = await host.run(healthCommand(url, params.health_timeout), { timeoutMs: (params.health_timeout + 10) * 1000 });
    if (health.rc !== 0) throw new ModuleFailure(`${params.service_name} did not become healthy: ${health.stderr.trim()}`, { ...plan.result, health_url: url });
    const version = (JSON.parse(health.stdout) as { version?: string }).version;
    return { result: { ...plan.result, health_url: url, version } };
  },
});
