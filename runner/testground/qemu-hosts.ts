// Disposable QEMU guests for what namespace hosts cannot show: Debian's own
// kernel with its modules (VLANs, NFS server and mounts, enforced quotas),
// systemd as PID 1. Each guest boots a qcow2 overlay of the cached image
// (qemu-image.ts), is reached over a forwarded 127.0.0.1 port, and shares a
// private segment (qemu-segment.ts) with the other guests of its ground.
//
// KVM is used only where a probe boot proves it works (qemu-accel.ts): on the
// machines this project runs on, /dev/kvm exists but KVM guests hang
// (MACHINE.md), so guests there run under software emulation (TCG).
// DROVER_QEMU_ACCEL=tcg|kvm skips the probe.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionTarget } from '../connection/types.js';
import { sh } from '../quote.js';
import type { DisposableHost, HostDriver, HostGround, StartOptions } from './driver.js';
import { registerExitCleanup } from './exit-cleanup.js';
import { chooseAccel, type AccelChoice } from './qemu-accel.js';
import { ensureGuestImage, type GuestImage } from './qemu-image.js';
import { READY_MARKER } from './qemu-image-recipe.js';
import { guestDirs, killGuest, killGuestSync, launchGuest, processGone, serialTail, sweepDeadGrounds, type Accel } from './qemu-process.js';
import { PrivateSegment } from './qemu-segment.js';
import { runCommand, type CommandResult } from './run-command.js';

export interface QemuHost extends DisposableHost {
  address: '127.0.0.1';
  user: 'root';
  /** The qemu-system-x86_64 process (daemonized; not a child of this process). */
  pid: number;
  /** The guest's eth1 address on the ground's private segment, without prefix length. */
  privateAddress: string;
  /** Guest interfaces on the private segment: eth1 (addressed), then the extra ones, up and unaddressed. */
  segmentInterfaces: readonly string[];
  /** The guest's console output. */
  serialLog: string;
  /** From QEMU start to ready over ssh. */
  bootMs: number;
}

export interface QemuGround extends HostGround {
  readonly dir: string;
  readonly hosts: readonly QemuHost[];
  readonly image: GuestImage;
  readonly accel: Accel;
  /** The private segment's network, e.g. 192.168.200.0/24. */
  readonly privateCidr: string;
  host(name: string): QemuHost;
}

export interface StartVmsOptions extends StartOptions {
  /** Guest memory in MiB (default 512). */
  memoryMb?: number;
  /** Unaddressed NICs on the private segment besides eth1 (eth2, eth3, ...), for all guests or per name. */
  extraNics?: number | Readonly<Record<string, number>>;
  /** Give up when a guest does not answer ssh by then (default 240 s: TCG boots take about 25 s alone, longer side by side). */
  bootTimeoutMs?: number;
  /** Default: DROVER_QEMU_ACCEL, else auto (KVM only if a probe boot proves it works, see qemu-accel.ts). */
  accel?: AccelChoice;
}

/** Ground temp dirs are named ${QEMU_DIR_PREFIX}${owner pid}-XXXXXX, so a later ground can sweep those of dead owners. */
export const QEMU_DIR_PREFIX = 'drover-qemu-';
const PRIVATE_PREFIX = '192.168.200';
const MAX_GUESTS = 32;
const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

function checkNames(names: readonly string[]): void {
  if (names.length < 1 || names.length > MAX_GUESTS) throw new Error(`a qemu ground holds 1 to ${MAX_GUESTS} guests, not ${names.length}`);
  for (const n of names) if (!HOSTNAME.test(n)) throw new Error(`guest name ${JSON.stringify(n)} is not a valid hostname`);
  if (new Set(names).size !== names.length) throw new Error('guest names must be unique');
}

/** The real OpenSSH client, strict host key checking, nothing from the machine's ssh config. */
function sshArgv(key: string, knownHosts: string, port: number, command: string): string[] {
  const opts = ['BatchMode=yes', 'StrictHostKeyChecking=yes', `UserKnownHostsFile=${knownHosts}`, 'ConnectTimeout=10', 'LogLevel=ERROR'];
  // `--` before the destination: otherwise ssh would parse a command word starting with '-' as an option.
  return ['ssh', '-F', '/dev/null', ...opts.flatMap((o) => ['-o', o]), '-i', key, '-p', String(port), '--', 'root@127.0.0.1', command];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Poll with a real ssh login until the guest says it is ready (its private
 * segment configured): QEMU's port forward accepts connections long before
 * sshd runs, so only a login proves anything.
 */
async function waitForSsh(name: string, pid: number, serialLog: string, run: () => Promise<CommandResult>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    if (processGone(pid)) throw new Error(`guest ${name}: qemu exited during boot; serial log tail:\n${serialTail(serialLog)}`);
    const r = await run();
    if (r.rc === 0) return;
    last = r.stderr.trim();
    await sleep(1000);
  }
  throw new Error(`guest ${name}: no ssh after ${Math.round(timeoutMs / 1000)} s (last ssh error: ${last || 'none'}); serial log tail:\n${serialTail(serialLog)}`);
}

function nicCount(extra: StartVmsOptions['extraNics'], name: string): number {
  return 1 + (typeof extra === 'number' ? extra : (extra?.[name] ?? 0));
}

export async function startVms(options: StartVmsOptions): Promise<QemuGround> {
  const names = [...options.names];
  checkNames(names);
  const log = options.log ?? (() => undefined);
  const image = await ensureGuestImage({ log });
  const accel = await chooseAccel(options.accel, image.kernel, log);
  sweepDeadGrounds(tmpdir(), QEMU_DIR_PREFIX);
  const dir = mkdtempSync(join(tmpdir(), `${QEMU_DIR_PREFIX}${process.pid}-`));
  const knownHostsFile = join(dir, 'known_hosts');
  const segment = new PrivateSegment();
  const hosts: QemuHost[] = [];

  const stopSync = (): void => {
    for (const guest of guestDirs(dir)) killGuestSync(guest);
    segment.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const unregister = registerExitCleanup(stopSync);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await Promise.all(guestDirs(dir).map(killGuest));
      segment.close();
      rmSync(dir, { recursive: true, force: true });
      unregister();
    })();
    return stopping;
  };

  const byName = new Map<string, QemuHost>();
  const host = (name: string): QemuHost => {
    const h = byName.get(name);
    if (!h) throw new Error(`no qemu guest named ${name} (have: ${[...byName.keys()].join(', ')})`);
    return h;
  };
  const exec = (name: string, argv: readonly string[], opts: { stdin?: string | Buffer } = {}) =>
    runCommand(sshArgv(image.privateKeyFile, knownHostsFile, host(name).port, sh`${[...argv]}`.text), opts.stdin);

  try {
    const addresses = names.map((_, i) => `${PRIVATE_PREFIX}.${i + 2}`);
    const peers = names.map((n, i) => `${n}=${addresses[i]}`).join(',');
    const started = Date.now();
    const launched = await Promise.all(
      names.map(async (name, index) => {
        const guestDir = join(dir, 'guests', name);
        mkdirSync(guestDir, { recursive: true });
        const segmentPorts = await Promise.all(Array.from({ length: nicCount(options.extraNics, name) }, () => segment.addPort()));
        // Every guest boots the same image: its own machine-id (DHCP client ids, journal, dbus are keyed by it).
        const machineId = randomBytes(16).toString('hex');
        const append = [`systemd.hostname=${name}`, `systemd.machine_id=${machineId}`, `drover.private=${addresses[index]}/24`, `drover.hosts=${peers}`, `drover.nics=${segmentPorts.length}`];
        const memoryMb = options.memoryMb ?? 512;
        const g = await launchGuest({ name, dir: guestDir, disk: image.disk, kernel: image.kernel, initrd: image.initrd, memoryMb, accel, append, segmentPorts, index });
        return { name, index, ...g, nics: segmentPorts.length, startedAt: Date.now() };
      }),
    );
    log(`qemu: ${names.length} guest(s) started (${accel}) in ${Date.now() - started} ms, waiting for ssh`);
    writeFileSync(knownHostsFile, launched.map((g) => `[127.0.0.1]:${g.sshPort} ${image.hostPublicKey}\n`).join(''), { mode: 0o600 });
    const timeoutMs = options.bootTimeoutMs ?? 240_000;
    await Promise.all(
      launched.map(async (g) => {
        const probe = () => runCommand(sshArgv(image.privateKeyFile, knownHostsFile, g.sshPort, sh`test -e ${READY_MARKER}`.text));
        await waitForSsh(g.name, g.pid, g.serialLog, probe, timeoutMs);
        const h: QemuHost = {
          name: g.name,
          address: '127.0.0.1',
          port: g.sshPort,
          user: 'root',
          pid: g.pid,
          privateAddress: addresses[g.index] as string,
          segmentInterfaces: Array.from({ length: g.nics }, (_, i) => `eth${i + 1}`),
          serialLog: g.serialLog,
          bootMs: Date.now() - g.startedAt,
        };
        log(`qemu: ${g.name} answers ssh after ${(h.bootMs / 1000).toFixed(1)} s`);
        byName.set(g.name, h);
      }),
    );
    hosts.push(...names.map(host));
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    dir,
    hosts,
    image,
    accel,
    privateCidr: `${PRIVATE_PREFIX}.0/24`,
    privateKeyFile: image.privateKeyFile,
    knownHostsFile,
    host,
    target: (name, overrides = {}): ConnectionTarget => {
      const h = host(name);
      return { name, transport: 'ssh', address: h.address, port: h.port, user: h.user, privateKeyFile: image.privateKeyFile, knownHostsFile, ...overrides };
    },
    exec,
    stop,
  };
}

/** QEMU guests as a HostDriver: `drover test --driver qemu` and tests that need a real kernel. */
export const qemuDriver: HostDriver = {
  name: 'qemu',
  start: ({ names, log }) => startVms({ names, ...(log ? { log } : {}) }),
};
