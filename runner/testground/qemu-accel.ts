// Which accelerator QEMU guests use. KVM is fast where it works, but on some
// machines /dev/kvm exists and a KVM guest just hangs without a word (no
// console output, no error), which would show only as a boot timeout minutes
// later. So KVM must prove itself first: a probe boots the guest kernel with
// no root disk, which under a working KVM prints its banner within a second
// and panics; if no banner shows within a few seconds, guests use TCG.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerExitCleanup } from './exit-cleanup.js';
import { accelArgs, type Accel } from './qemu-process.js';
import { CLEAN_ENV } from './run-command.js';

export type AccelChoice = Accel | 'auto';

const PROBE_MS = 4000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Boot `kernel` under KVM without a disk: undefined if it printed its banner in time, else why not. */
export async function whyKvmFails(kernel: string): Promise<string | undefined> {
  if (!existsSync('/dev/kvm')) return 'there is no /dev/kvm';
  const dir = mkdtempSync(join(tmpdir(), 'drover-kvm-probe-'));
  const log = join(dir, 'serial.log');
  const argv = [...accelArgs('kvm'), '-nodefaults', '-no-user-config', '-m', '128', '-display', 'none', '-no-reboot'];
  argv.push('-kernel', kernel, '-append', 'console=ttyS0 panic=-1', '-serial', `file:${log}`);
  const child = spawn('qemu-system-x86_64', argv, { env: CLEAN_ENV, stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => (exited = true));
  child.on('error', () => (exited = true));
  const kill = () => {
    if (!exited) child.kill('SIGKILL');
  };
  const unregister = registerExitCleanup(kill);
  try {
    const end = Date.now() + PROBE_MS;
    while (Date.now() < end) {
      if (existsSync(log) && readFileSync(log, 'utf8').includes('Linux version')) return undefined;
      if (exited) return 'qemu with KVM exited at once';
      await sleep(100);
    }
    return `a KVM guest printed nothing within ${PROBE_MS / 1000} s`;
  } finally {
    kill();
    await new Promise<void>((resolve) => (exited ? resolve() : child.once('exit', () => resolve())));
    unregister();
    rmSync(dir, { recursive: true, force: true });
  }
}

let probed: Promise<Accel> | undefined;

/** `requested`, else DROVER_QEMU_ACCEL (tcg | kvm | auto), else auto: KVM if it proves itself (probed once per process), TCG otherwise. */
export function chooseAccel(requested: AccelChoice | undefined, kernel: string, log: (line: string) => void): Promise<Accel> {
  const value = requested ?? process.env.DROVER_QEMU_ACCEL ?? 'auto';
  if (value === 'tcg' || value === 'kvm') return Promise.resolve(value);
  if (value !== 'auto') return Promise.reject(new Error(`DROVER_QEMU_ACCEL must be tcg, kvm or auto, not ${JSON.stringify(value)}`));
  probed ??= whyKvmFails(kernel).then((why) => {
    log(why ? `qemu: no KVM (${why}); guests use TCG (software emulation)` : 'qemu: KVM boots a kernel here; guests use KVM');
    return why ? 'tcg' : 'kvm';
  });
  return probed;
}
