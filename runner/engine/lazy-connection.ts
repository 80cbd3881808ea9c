// A connection that connects on first use, through the run's pool. Tasks that
// never touch the host (debug, set_fact) then never open a connection, and an
// unreachable host fails at its first real command, like Ansible. The pool may
// close an idle connection (connections.ts): the next command opens a new one.
import type { Connection, ConnectionTarget, ExecOptions, ExecResult } from '../connection/types.js';
import type { ConnectionPool } from './connections.js';

export class LazyConnection implements Connection {
  constructor(
    readonly target: ConnectionTarget,
    private readonly pool: ConnectionPool,
  ) {}

  get connectionsOpened(): number {
    return 0;
  }

  async connect(): Promise<void> {
    await this.pool.use(this.target, async () => undefined);
  }

  exec(script: string, options?: ExecOptions): Promise<ExecResult> {
    return this.pool.use(this.target, (connection) => connection.exec(script, options));
  }

  /** The pool owns the real connection and closes it. */
  async close(): Promise<void> {}
}
