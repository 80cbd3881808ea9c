// service (and systemd / systemd_service): start, stop, restart, reload,
// enable and disable services. systemd when it is PID 1, else the `service`
// command with init scripts. State is read in one round trip; restarted and
// reloaded always act, as in Ansible.
import { defineModule } from '../runner/module-api.js';
import type { Host } from '../runner/host/types.js';
import { decideService, type ServiceWanted } from './support/services/decide.js';
import { systemd as systemdBackend } from './support/services/systemd.js';
import { sysvinit } from './support/services/sysvinit.js';
import type { ServiceAction, ServiceBackend, ServiceStatus } from './support/services/types.js';

interface ServiceRunState {
  backend: ServiceBackend;
  actions: ServiceAction[];
}

const baseProperties = {
  // No leading '-', no '/', no whitespace: a name never reaches a tool as an option or a path.
  name: { type: 'string', pattern: '^[^-/\\s][^/\\s]*$', description: 'The service (unit) name, e.g. nginx or nginx.service.' },
  state: { enum: ['started', 'stopped', 'restarted', 'reloaded'], description: 'started/stopped act only when needed; restarted/reloaded always act.' },
  enabled: { type: 'boolean', description: 'Start the service at boot.' },
} as const;

async function chooseBackend(host: Host, use: string | undefined): Promise<ServiceBackend> {
  const manager = use && use !== 'auto' ? use : (await host.facts()).service_mgr;
  return manager === 'systemd' ? systemdBackend : sysvinit;
}

async function query(host: Host, backend: ServiceBackend, name: string): Promise<ServiceStatus> {
  const out = await host.check(backend.queryCommand(name));
  return backend.parseQuery(out.stdout);
}

async function planService(host: Host, backend: ServiceBackend, wanted: ServiceWanted) {
  const status = await query(host, backend, wanted.name);
  const { actions, changes } = decideService(status, wanted, host.name);
  return {
    changes,
    state: { backend, actions } satisfies ServiceRunState,
    result: { name: wanted.name, state: wanted.state, enabled: wanted.enabled ?? status.enabled, status: status.details },
  };
}

async function applyService(host: Host, wanted: ServiceWanted, state: ServiceRunState) {
  let { actions } = state;
  const { backend } = state;
  if (actions[0] === 'daemon-reload') {
    await host.check(backend.actionCommand('daemon-reload', wanted.name));
    // Decide again on what the manager sees now; the reload itself is not a change (as in Ansible).
    actions = decideService(await query(host, backend, wanted.name), { ...wanted, daemon_reload: false }, host.name).actions;
  }
  for (const action of actions) await host.check(backend.actionCommand(action, wanted.name));
  const status = await query(host, backend, wanted.name);
  return { result: { name: wanted.name, state: wanted.state, enabled: status.enabled, status: status.details }, changed: actions.length > 0 };
}

export default defineModule({
  name: 'service',
  summary: 'Start, stop, restart, reload, enable or disable a service (systemd or init scripts).',
  changedWhen: 'the service was started, stopped, enabled or disabled; always for restarted and reloaded.',
  paramAliases: { service: 'name' },
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      ...baseProperties,
      use: { enum: ['auto', 'systemd', 'sysvinit', 'service'], default: 'auto', description: 'The service manager; auto follows the service_mgr fact.' },
    },
  },
  async plan(host, params) {
    return planService(host, await chooseBackend(host, params.use), params);
  },
  async apply(host, params, plan) {
    return applyService(host, params, plan.state as ServiceRunState);
  },
});

export const systemd = defineModule({
  name: 'systemd',
  aliases: ['systemd_service'],
  summary: 'Manage a systemd unit: state, enabled, masked, daemon-reload.',
  changedWhen: 'the unit was started, stopped, enabled, disabled, masked or unmasked; always for restarted and reloaded.',
  paramAliases: { service: 'name', unit: 'name', 'daemon-reload': 'daemon_reload' },
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...baseProperties,
      masked: { type: 'boolean', description: 'Mask the unit (it cannot be started at all).' },
      daemon_reload: { type: 'boolean', default: false, description: 'Run `systemctl daemon-reload` first (not counted as a change).' },
    },
  },
  async plan(host, params) {
    if (params.name === undefined) {
      // daemon_reload alone is allowed, like Ansible.
      return params.daemon_reload ? { changes: ['reload the service manager configuration'], state: { backend: systemdBackend, actions: ['daemon-reload'] } } : { changes: [] };
    }
    return planService(host, systemdBackend, { ...params, name: params.name });
  },
  async apply(host, params, plan) {
    if (params.name === undefined) {
      await host.check(systemdBackend.actionCommand('daemon-reload', ''));
      return { changed: false };
    }
    return applyService(host, { ...params, name: params.name }, plan.state as ServiceRunState);
  },
});
