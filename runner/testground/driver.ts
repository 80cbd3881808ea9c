// What `drover test`, `make demo` and the integration tests need from a set of
// disposable hosts, whatever makes them: network namespaces on this machine
// (namespace-hosts.ts) or QEMU guests with their own kernel (qemu-hosts.ts).
// A new kind of host (libvirt, a cloud) is one more file implementing HostDriver.
import type { ConnectionTarget } from '../connection/types.js';
import type { CommandResult } from './run-command.js';

export interface DisposableHost {
  name: string;
  /** Where drover's ssh connection goes (a namespace address, or 127.0.0.1 for a forwarded guest port). */
  address: string;
  port: number;
}

export interface HostGround {
  readonly hosts: readonly DisposableHost[];
  readonly privateKeyFile: string;
  readonly knownHostsFile: string;
  /** A ConnectionTarget for drover's own ssh connection, strict host key checking on. */
  target(name: string, overrides?: Partial<ConnectionTarget>): ConnectionTarget;
  /** Run argv on a host as root, outside drover (for test set-up and assertions). */
  exec(name: string, argv: readonly string[], options?: { stdin?: string | Buffer }): Promise<CommandResult>;
  /** Remove every host and everything it left on this machine. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Host names, unique, valid hostnames. All hosts of one ground reach each other. */
  names: readonly string[];
  /** Where progress lines go (image builds take minutes); default: nowhere. */
  log?: (line: string) => void;
}

export interface HostDriver {
  readonly name: string;
  start(options: StartOptions): Promise<HostGround>;
}
