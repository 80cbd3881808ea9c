// Ansible's rules, pure: which actions bring a service to the wanted state.
// restarted/reloaded always act (they are events, not states); reloading a
// stopped service starts it.
import { ModuleFailure } from '../../../runner/module-api.js';
import type { ServiceAction, ServiceStatus } from './types.js';

export type ServiceState = 'started' | 'stopped' | 'restarted' | 'reloaded';

export interface ServiceWanted {
  name: string;
  state?: ServiceState;
  enabled?: boolean;
  masked?: boolean;
  daemon_reload?: boolean;
}

const SENTENCES: Record<ServiceAction, string> = {
  'daemon-reload': 'reload the service manager configuration',
  mask: 'mask',
  unmask: 'unmask',
  enable: 'enable',
  disable: 'disable',
  start: 'start',
  stop: 'stop',
  restart: 'restart',
  reload: 'reload',
};

export function decideService(status: ServiceStatus, wanted: ServiceWanted, hostName: string): { actions: ServiceAction[]; changes: string[] } {
  const actions: ServiceAction[] = [];
  if (wanted.daemon_reload) actions.push('daemon-reload');
  // After a daemon-reload a unit may appear that the query could not see yet.
  const mayAppear = wanted.daemon_reload === true;
  const acts = wanted.state !== undefined || wanted.enabled !== undefined || wanted.masked === false;
  if (!status.exists && !status.masked && !mayAppear && acts) {
    throw new ModuleFailure(`Could not find the requested service ${wanted.name}: host ${hostName}`);
  }
  if (wanted.masked === true && !status.masked) actions.push('mask');
  if (wanted.masked === false && status.masked) actions.push('unmask');
  if (wanted.enabled !== undefined && wanted.enabled !== status.enabled) actions.push(wanted.enabled ? 'enable' : 'disable');
  switch (wanted.state) {
    case 'started':
      if (!status.running) actions.push('start');
      break;
    case 'stopped':
      if (status.running || status.stopping) actions.push('stop');
      break;
    case 'restarted':
      actions.push(status.running ? 'restart' : 'start');
      break;
    case 'reloaded':
      actions.push(status.running ? 'reload' : 'start');
      break;
    default:
      break;
  }
  const changes = actions.map((a) => (a === 'daemon-reload' ? SENTENCES[a] : `${SENTENCES[a]} ${wanted.name}`));
  return { actions, changes };
}
