// A service manager as the service module sees it: one read-only query, a
// pure parser, and one command per action. The decision (what to do) is
// shared in decide.ts so every manager follows Ansible's rules.
import type { Command } from '../../../runner/quote.js';

export type ServiceAction = 'daemon-reload' | 'mask' | 'unmask' | 'enable' | 'disable' | 'start' | 'stop' | 'restart' | 'reload';

/** What the manager says about one service. */
export interface ServiceStatus {
  /** A unit file or init script exists for it. */
  exists: boolean;
  /** Active or activating (systemd), or `status` exits 0 (sysvinit). */
  running: boolean;
  /** Being stopped right now (systemd's deactivating): stopping it again is still a change. */
  stopping: boolean;
  enabled: boolean;
  masked: boolean;
  /** The manager's own words, returned as the task's `status`. */
  details: Record<string, string>;
}

export interface ServiceBackend {
  readonly name: 'systemd' | 'sysvinit';
  queryCommand(service: string): Command;
  parseQuery(stdout: string): ServiceStatus;
  actionCommand(action: ServiceAction, service: string): Command;
}
