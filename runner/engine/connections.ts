// The run's connections, one per host, opened on first use and held only as
// long as they can be needed: a host's connection is closed when the host has
// no tasks left in the run (it is in no later play), and at most `maxOpen`
// (--forks) stay open at once: past that, idle connections of hosts that are
// not running are closed, least recently used first. Holding every
// connection to the end made a 200-host play fail with EMFILE at `ulimit -n
// 150`, a 1,000-host one at the usual 1,024.
import type { Connection, ConnectionTarget } from '../connection/types.js';
import { ControllerResourceError } from '../connection/types.js';

export type ConnectionFactory = (target: ConnectionTarget) => Connection;

interface Entry {
  connection: Connection;
  ready: Promise<Connection>;
  /** Commands in flight on it (a delegated task's too): never closed while > 0. */
  busy: number;
  lastUsed: number;
}

export class ConnectionPool {
  private readonly entries = new Map<string, Entry>();
  private readonly opened: Connection[] = [];
  /** Hosts whose play run is going on: their connections are kept between tasks. */
  private readonly running = new Map<string, number>();
  private readonly closing = new Set<Promise<void>>();
  private clock = 0;

  constructor(
    private readonly factory: ConnectionFactory,
    private readonly maxOpen = Number.POSITIVE_INFINITY,
  ) {}

  /** Run `work` on the host's connection (connecting on first use); the connection stays open while it runs. */
  async use<T>(target: ConnectionTarget, work: (connection: Connection) => Promise<T>): Promise<T> {
    const entry = this.entry(target);
    entry.busy++;
    try {
      return await work(await entry.ready);
    } finally {
      entry.busy--;
      entry.lastUsed = ++this.clock;
    }
  }

  /** The host starts its part of a play. */
  hostStarted(host: string): void {
    this.running.set(host, (this.running.get(host) ?? 0) + 1);
  }

  /** The host finished its part of a play; `last`: it is in no later play, so its connections close now. */
  hostDone(host: string, options: { last: boolean }): void {
    const n = (this.running.get(host) ?? 1) - 1;
    if (n > 0) this.running.set(host, n);
    else this.running.delete(host);
    if (!options.last) return;
    for (const [key, entry] of this.entries) if (entry.connection.target.name === host && entry.busy === 0) this.close(key, entry);
  }

  /** Transport connections opened per host name (the benchmark checks it is 1). */
  connectionsOpened(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const c of this.opened) counts[c.target.name] = (counts[c.target.name] ?? 0) + c.connectionsOpened;
    return counts;
  }

  /** Connections open now (for tests of the bound). */
  get openCount(): number {
    return this.entries.size;
  }

  async closeAll(): Promise<void> {
    for (const [key, entry] of this.entries) this.close(key, entry);
    await Promise.allSettled([...this.closing]);
  }

  private entry(target: ConnectionTarget): Entry {
    const key = `${target.name}\u0000${target.transport}\u0000${target.user}@${target.address}:${target.port}`;
    let entry = this.entries.get(key);
    if (entry) return entry;
    this.makeRoom();
    const connection = this.factory(target);
    this.opened.push(connection);
    const ready = connection.connect().then(() => connection);
    entry = { connection, ready, busy: 0, lastUsed: ++this.clock };
    this.entries.set(key, entry);
    // Out of file descriptors is the controller's state, not the host's: the next use tries again.
    ready.catch((error: unknown) => {
      if (error instanceof ControllerResourceError && this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry;
  }

  /** Below maxOpen before opening one more: close idle connections of hosts not running, oldest first. */
  private makeRoom(): void {
    if (this.entries.size < this.maxOpen) return;
    const idle = [...this.entries].filter(([, e]) => e.busy === 0 && !this.running.has(e.connection.target.name)).sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    for (const [key, entry] of idle) {
      if (this.entries.size < this.maxOpen) break;
      this.close(key, entry);
    }
  }

  private close(key: string, entry: Entry): void {
    this.entries.delete(key);
    const closed = entry.ready.then((c) => c.close()).catch(() => undefined);
    this.closing.add(closed);
    void closed.then(() => this.closing.delete(closed));
  }
}
