// Disposable sshd hosts for tests, `make demo` and `drover test`: each host is
// a network namespace + private overlay root + its own hostname + sshd, all
// gone when the ground stops (or when this process dies). See host-init.ts for
// what a host is made of, network.ts for how it is wired.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionTarget } from '../connection/types.js';
import type { HostDriver, HostGround } from './driver.js';
import { registerExitCleanup } from './exit-cleanup.js';
import { sshdConfig } from './host-init.js';
import { HostProcess } from './host-process.js';
import { buildTemplate } from './host-template.js';
import { createNetwork, MAX_HOSTS_PER_GROUND, plugGateway, plugHosts, remainingLinks, sweepStale, vethName, type GroundNetwork } from './network.js';
import { CLEAN_ENV, mustRun, runCommand, type CommandResult } from './run-command.js';

export type { CommandResult, GroundNetwork };

export interface StartHostsOptions {
  /** How many hosts (default 1), named `${namePrefix}1`..`${namePrefix}N`. */
  count?: number;
  /** Default 'host'. */
  namePrefix?: string;
  /** Explicit host names instead of count/namePrefix. */
  names?: readonly string[];
  /** Give up if the hosts are not all listening by then (default 20 s). */
  readyTimeoutMs?: number;
  /**
   * Inner networks: each puts `hosts` on a bridge of its own that the controller
   * has no address on (no route to them), and gives each `via` host a second
   * interface there. A jump-host layout: `{ hosts: ['node1'], via: ['login1'] }`.
   */
  segments?: ReadonlyArray<{ hosts: readonly string[]; via: readonly string[] }>;
}

export interface GroundHost {
  name: string;
  /** Reachable from the controller (and from the other hosts) through the ground's bridge. */
  address: string;
  port: 22;
  user: 'root';
  /** The host's network namespace, usable with `nsenter --net=PATH` (it has no name under /run/netns). */
  netns: string;
  /** The unshare process; stop() SIGKILLs it. */
  pid: number;
  /** sshd, PID 1 inside the host. */
  initPid: number;
  /** The host's public key line, as in its /etc/ssh/ssh_host_ed25519_key.pub. */
  hostKey: string;
  /** The host-side end of its veth, in the controller's namespace. */
  veth: string;
}

export interface TestGround extends HostGround {
  /** The ground's temp directory: keys, known_hosts, per-host mountpoints. */
  readonly dir: string;
  readonly network: GroundNetwork;
  readonly hosts: readonly GroundHost[];
  readonly privateKeyFile: string;
  readonly knownHostsFile: string;
  host(name: string): GroundHost;
  /** A ConnectionTarget for drover's own ssh connection, strict host key checking on. */
  target(name: string, overrides?: Partial<ConnectionTarget>): ConnectionTarget;
  /** Ansible INI inventory of every host, in one group (default: the name prefix). */
  inventoryIni(group?: string): string;
  /** Run argv inside a host's namespaces and root, without ssh (for test assertions). */
  exec(name: string, argv: readonly string[], options?: { stdin?: string | Buffer }): Promise<CommandResult>;
  /** Kill every host, remove bridge, veths and temp dir. Idempotent. */
  stop(): Promise<void>;
}

const DIR_PREFIX = 'drover-ground-';
const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

function hostNames(options: StartHostsOptions): string[] {
  const names = options.names ? [...options.names] : Array.from({ length: options.count ?? 1 }, (_, i) => `${options.namePrefix ?? 'host'}${i + 1}`);
  if (names.length < 1 || names.length > MAX_HOSTS_PER_GROUND) throw new Error(`a test ground holds 1 to ${MAX_HOSTS_PER_GROUND} hosts, not ${names.length}`);
  for (const n of names) if (!HOSTNAME.test(n)) throw new Error(`test host name ${JSON.stringify(n)} is not a valid hostname`);
  if (new Set(names).size !== names.length) throw new Error('test host names must be unique');
  return names;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what())), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startHosts(options: StartHostsOptions = {}): Promise<TestGround> {
  const names = hostNames(options);
  const timeoutMs = options.readyTimeoutMs ?? 20_000;
  await sweepStale(tmpdir(), DIR_PREFIX);
  const dir = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`));
  const privateKeyFile = join(dir, 'id_ed25519');
  const knownHostsFile = join(dir, 'known_hosts');
  const procs: HostProcess[] = [];
  const hosts: GroundHost[] = [];
  let network: GroundNetwork | undefined;
  const segments: GroundNetwork[] = [];

  // Synchronous teardown for exit/signal time; stop() below is the normal path.
  // With PID 1 gone the whole namespace goes: processes, mounts, veth.
  const stopSync = (): void => {
    HostProcess.killAllSync(procs);
    for (const net of [...(network ? [network] : []), ...segments]) spawnSync('ip', ['link', 'del', net.bridge], { env: CLEAN_ENV, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  const unregister = registerExitCleanup(stopSync);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const p of procs) p.kill();
      await Promise.all(procs.map((p) => p.exited));
      await waitUntil(() => hosts.every((h) => !existsSync(`/proc/${h.initPid}`)), 3000);
      for (const net of [...(network ? [network] : []), ...segments]) {
        await runCommand(['ip', 'link', 'del', net.bridge]);
        // Veths are deleted by the kernel when their namespace is torn down, a moment after PID 1 dies.
        await waitUntilAsync(async () => (await remainingLinks(net)).length === 0, 3000);
      }
      rmSync(dir, { recursive: true, force: true });
      unregister();
    })();
    return stopping;
  };

  try {
    const keygen = mustRun(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `drover-ground-${process.pid}`, '-f', privateKeyFile]);
    // allSettled, not all: a bridge created after the key failed must still be known to stop().
    const [key, created] = await Promise.allSettled([keygen, createNetwork()]);
    if (created.status === 'fulfilled') network = created.value;
    if (key.status === 'rejected') throw key.reason;
    if (created.status === 'rejected') throw created.reason;
    const net = created.value;
    for (const segment of options.segments ?? []) {
      for (const n of [...segment.hosts, ...segment.via]) if (!names.includes(n)) throw new Error(`segment host ${n} is not one of the ground's hosts`);
      segments.push(await createNetwork({ inner: true }));
    }
    // Each host sits on its segment's network, or on the ground's own.
    const netOf = names.map((n) => segments[(options.segments ?? []).findIndex((seg) => seg.hosts.includes(n))] ?? net);
    const addresses = names.map((_, i) => `${(netOf[i] as GroundNetwork).prefix}.${i + 2}`);
    const template = await buildTemplate(dir, {
      authorizedKeys: readFileSync(`${privateKeyFile}.pub`, 'utf8'),
      extraHosts: names.map((n, i) => `${addresses[i]} ${n}\n`).join(''),
      sshdConfig: sshdConfig(),
    });
    names.forEach((name, i) => {
      const state = join(dir, 'hosts', name);
      mkdirSync(state, { recursive: true });
      procs.push(new HostProcess(name, state, `${addresses[i]}/24`, template));
    });
    const describe = (stage: string) => () => `test hosts not ${stage} after ${timeoutMs} ms: ${procs.filter((p) => p.alive).map((p) => `${p.name}:\n${p.recentLog()}`).join('\n')}`;
    const keys = await withTimeout(Promise.all(procs.map((p) => p.ready)), timeoutMs, describe('ready'));
    procs.forEach((p, i) => {
      hosts.push({
        name: p.name,
        address: addresses[i] as string,
        port: 22,
        user: 'root',
        netns: `/proc/${p.pid}/ns/net`,
        pid: p.pid,
        initPid: p.initPid(),
        hostKey: keys[i] as string,
        veth: vethName(netOf[i] as GroundNetwork, i),
      });
    });
    for (const n of [net, ...segments]) await plugHosts(n, procs.map((p, index) => ({ index, pid: p.pid })).filter(({ index }) => netOf[index] === n));
    for (const p of procs) p.go();
    await withTimeout(Promise.all(procs.map((p) => p.listening)), timeoutMs, describe('listening'));
    const extraInterfaces = new Map<string, number>();
    for (const [k, segment] of (options.segments ?? []).entries()) {
      for (const [j, gateway] of segment.via.entries()) {
        const index = names.indexOf(gateway);
        const n = (extraInterfaces.get(gateway) ?? 0) + 1;
        extraInterfaces.set(gateway, n);
        await plugGateway(segments[k] as GroundNetwork, { index, pid: procs[index]?.initPid() as number, ifname: `eth${n}`, address: `${segments[k]?.prefix}.${254 - j}` });
      }
    }
    writeFileSync(knownHostsFile, hosts.map((h) => `${h.address} ${h.hostKey}\n`).join(''), { mode: 0o600 });
  } catch (e) {
    await stop();
    throw e;
  }

  const byName = new Map(hosts.map((h) => [h.name, h]));
  const host = (name: string): GroundHost => {
    const h = byName.get(name);
    if (!h) throw new Error(`no test host named ${name} (have: ${[...byName.keys()].join(', ')})`);
    return h;
  };
  return {
    dir,
    network: network as GroundNetwork,
    hosts,
    privateKeyFile,
    knownHostsFile,
    host,
    target: (name, overrides = {}) => {
      const h = host(name);
      return { name, transport: 'ssh', address: h.address, port: h.port, user: h.user, privateKeyFile, knownHostsFile, ...overrides };
    },
    inventoryIni: (group = options.namePrefix ?? 'hosts') => inventoryIni(hosts, group, privateKeyFile, knownHostsFile),
    exec: (name, argv, opts = {}) => {
      const h = host(name);
      return runCommand(['nsenter', '-t', String(h.initPid), '-m', '-u', '-i', '-n', '-p', '-r', '-w', '--', ...argv], opts.stdin);
    },
    stop,
  };
}

function inventoryIni(hosts: readonly GroundHost[], group: string, key: string, knownHosts: string): string {
  const lines = [`# drover test ground: disposable hosts, gone when the ground stops`, `[${group}]`];
  for (const h of hosts) {
    lines.push(`${h.name} ansible_host=${h.address} ansible_port=${h.port} ansible_user=${h.user} ansible_ssh_private_key_file=${key}`);
  }
  lines.push('', `[${group}:vars]`, `ansible_ssh_common_args='-o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes'`, '');
  return lines.join('\n');
}

async function waitUntil(done: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await sleep(5);
}

async function waitUntilAsync(done: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done()) && Date.now() < end) await sleep(10);
}

/** Namespace hosts as a HostDriver (`drover test`'s default driver). */
export const namespaceDriver: HostDriver = {
  name: 'namespace',
  start: ({ names }) => startHosts({ names }),
};
