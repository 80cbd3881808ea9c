// One disposable host per module test file, with drover's own ssh connection
// and host handle on it: the set-up every module test shares.
import { openConnection } from '../../runner/connection/open.js';
import type { Connection } from '../../runner/connection/types.js';
import { HostHandle } from '../../runner/host/handle.js';
import { startHosts, type TestGround } from '../../runner/testground/namespace-hosts.js';

const connections = new WeakMap<TestGround, Connection>();

export async function startModuleHost(name: string): Promise<{ ground: TestGround; host: HostHandle }> {
  const ground = await startHosts({ names: [name] });
  return { ground, host: await connectModuleHost(ground, name) };
}

/** drover's connection and handle on a host that a test prepared first. */
export async function connectModuleHost(ground: TestGround, name: string): Promise<HostHandle> {
  const connection = openConnection(ground.target(name));
  connections.set(ground, connection);
  await connection.connect();
  return new HostHandle(name, connection, { loginUser: 'root' });
}

/** Close the connection, then the host; safe when start failed half-way. */
export async function stopModuleHost(ground: TestGround | undefined): Promise<void> {
  if (!ground) return;
  await connections.get(ground)?.close();
  await ground.stop();
}
