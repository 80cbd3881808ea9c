// Choose the transport for a target. The only place that knows both kinds.
import { LocalConnection } from './local.js';
import { SshConnection } from './ssh.js';
import type { Connection, ConnectionTarget } from './types.js';

export function openConnection(target: ConnectionTarget): Connection {
  switch (target.transport) {
    case 'ssh':
      return new SshConnection(target);
    case 'local':
      return new LocalConnection(target);
    default: {
      const unknown: never = target.transport;
      throw new Error(`unknown transport ${String(unknown)} for host ${target.name}`);
    }
  }
}
