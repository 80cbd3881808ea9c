// One connection per host for the whole run, opened on first use. A host that
// cannot be reached is remembered, so later plays skip it instead of retrying.
import type { Connection, ConnectionTarget } from '../connection/types.js';

export type ConnectionFactory = (target: ConnectionTarget) => Connection;

export class ConnectionPool {
  private readonly open = new Map<string, Promise<Connection>>();
  private readonly opened: Connection[] = [];

  constructor(private readonly factory: ConnectionFactory) {}

  /** The host's connection, connecting on first call; rejects with ConnectionError if unreachable. */
  get(target: ConnectionTarget): Promise<Connection> {
    const key = `${target.name}\u0000${target.transport}\u0000${target.user}@${target.address}:${target.port}`;
    let pending = this.open.get(key);
    if (!pending) {
      const connection = this.factory(target);
      this.opened.push(connection);
      pending = connection.connect().then(() => connection);
      this.open.set(key, pending);
    }
    return pending;
  }

  /** Transport connections opened per host name (the benchmark checks it is 1). */
  connectionsOpened(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const c of this.opened) counts[c.target.name] = (counts[c.target.name] ?? 0) + c.connectionsOpened;
    return counts;
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled(this.opened.map((c) => c.close()));
  }
}
