// One QEMU guest process: its command line, its launch (daemonized, so it
// outlives nothing but is found again by its pidfile), and its end. QEMU is
// not our child after -daemonize, so every kill first checks that the PID
// still belongs to a qemu started for this ground's directory: a recycled PID
// must never be killed.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { runCommand } from './run-command.js';

export type Accel = 'tcg' | 'kvm';

export interface GuestSpec {
  name: string;
  /** The guest's own directory: overlay, serial log, pidfile. */
  dir: string;
  disk: string;
  kernel: string;
  initrd: string;
  memoryMb: number;
  accel: Accel;
  /** Extra kernel command line words (hostname, private address, peers). */
  append: readonly string[];
  /** Switch ports of the private segment (qemu-segment.ts), one NIC each: eth1, eth2, ... */
  segmentPorts: readonly number[];
  /** Distinguishes this guest's MAC addresses from its peers'. */
  index: number;
}

export interface LaunchedGuest {
  pid: number;
  /** 127.0.0.1 port forwarded to the guest's sshd. */
  sshPort: number;
  serialLog: string;
}

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no loopback port'))));
    });
  });
}

const mac = (index: number, nic: number) => `52:54:00:d7:${index.toString(16).padStart(2, '0')}:${nic.toString(16).padStart(2, '0')}`;

export function accelArgs(accel: Accel): string[] {
  // tb-size caps TCG's translation cache (default 1 GiB on a 64-bit host), most of a guest's host memory.
  return accel === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg,tb-size=64'];
}

export function qemuArgv(g: GuestSpec, sshPort: number): string[] {
  const append = ['root=/dev/vda', 'rw', 'console=ttyS0', 'net.ifnames=0', 'panic=1', ...g.append].join(' ');
  const argv = ['qemu-system-x86_64', '-name', `drover-${g.name}`, '-nodefaults', '-no-user-config', ...accelArgs(g.accel)];
  argv.push('-m', String(g.memoryMb), '-smp', '1', '-display', 'none', '-no-reboot');
  argv.push('-kernel', g.kernel, '-initrd', g.initrd, '-append', append);
  // cache=unsafe: the overlay is thrown away with the guest, so flushes buy nothing.
  argv.push('-drive', `file=${join(g.dir, 'overlay.qcow2')},if=virtio,format=qcow2,cache=unsafe`);
  argv.push('-device', 'virtio-rng-pci');
  argv.push('-netdev', `user,id=user0,restrict=on,hostfwd=tcp:127.0.0.1:${sshPort}-:22`, '-device', `virtio-net-pci,netdev=user0,mac=${mac(g.index, 0)}`);
  g.segmentPorts.forEach((port, i) => {
    argv.push('-netdev', `socket,id=seg${i},udp=127.0.0.1:${port},localaddr=127.0.0.1:0`, '-device', `virtio-net-pci,netdev=seg${i},mac=${mac(g.index, i + 1)}`);
  });
  argv.push('-serial', `file:${join(g.dir, 'serial.log')}`, '-pidfile', join(g.dir, 'qemu.pid'), '-daemonize');
  return argv;
}

/** Create the guest's overlay and start QEMU; retries with another port if someone took the chosen one meanwhile. */
export async function launchGuest(g: GuestSpec): Promise<LaunchedGuest> {
  const overlay = await runCommand(['qemu-img', 'create', '-q', '-f', 'qcow2', '-b', g.disk, '-F', 'raw', join(g.dir, 'overlay.qcow2')]);
  if (overlay.rc !== 0) throw new Error(`guest ${g.name}: qemu-img create failed: ${overlay.stderr.trim()}`);
  for (let attempt = 1; ; attempt++) {
    const sshPort = await freeLoopbackPort();
    const r = await runCommand(qemuArgv(g, sshPort));
    if (r.rc === 0) return { pid: readPid(g.dir) as number, sshPort, serialLog: join(g.dir, 'serial.log') };
    if (attempt < 3 && /host forwarding/i.test(r.stderr)) continue;
    throw new Error(`guest ${g.name}: qemu-system-x86_64 exited ${r.rc}: ${r.stderr.trim()}`);
  }
}

/** The PID in a guest dir's pidfile, if that process is still a qemu of this dir. */
export function readPid(dir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dir, 'qemu.pid'), 'utf8').trim());
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes(join(dir, 'qemu.pid'))) return undefined;
  } catch {
    return undefined;
  }
  return isZombie(pid) ? undefined : pid;
}

function isZombie(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}

/** Gone, or dead and waiting for the machine's init to reap it. */
export function processGone(pid: number): boolean {
  return !existsSync(`/proc/${pid}`) || isZombie(pid);
}

export function killGuestSync(dir: string): void {
  const pid = readPid(dir);
  if (pid) process.kill(pid, 'SIGKILL');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM (QEMU exits at once, the overlay is disposable), then SIGKILL if it lingers. */
export async function killGuest(dir: string): Promise<void> {
  const pid = readPid(dir);
  if (!pid) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && !processGone(pid); i++) await sleep(20);
  if (!processGone(pid)) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && !processGone(pid); i++) await sleep(20);
}

/** Guest dirs below a ground dir (each holds a qemu.pid once launched). */
export function guestDirs(groundDir: string): string[] {
  const guests = join(groundDir, 'guests');
  return existsSync(guests) ? readdirSync(guests).map((n) => join(guests, n)) : [];
}

/** Grounds whose owner died without stop() (SIGKILL): end their guests and remove their dirs. */
export function sweepDeadGrounds(tmp: string, prefix: string): void {
  for (const name of readdirSync(tmp)) {
    const m = new RegExp(`^${prefix}(\\d+)-`).exec(name);
    if (!m || Number(m[1]) === process.pid || existsSync(`/proc/${m[1]}`)) continue;
    const dir = join(tmp, name);
    for (const guest of guestDirs(dir)) killGuestSync(guest);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The last lines of a guest's serial console, for error messages. */
export function serialTail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no serial log)';
  }
}
