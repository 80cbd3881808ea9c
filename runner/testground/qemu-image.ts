// The QEMU guest image: a debootstrapped Debian with its own kernel, built once
// per recipe (qemu-image-recipe.ts) and cached outside the work tree, because
// a build takes minutes and every qemu test ground boots overlays of it.
//
// Builders may race (two test files, two checkouts): a lock directory makes
// the second one wait instead of building twice, and the build happens in a
// private temp dir renamed into place at the end, so a reader never sees half
// an image. A builder that died leaves a lock and a temp dir naming its PID;
// the next builder sweeps both.
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, createWriteStream, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { registerExitCleanup } from './exit-cleanup.js';
import { aptMirror, DISABLED_UNIT_LINKS, guestFiles, guestLinks, PACKAGES, RECIPE, SUITE } from './qemu-image-recipe.js';
import { CLEAN_ENV, mustRun } from './run-command.js';

export interface GuestImage {
  /** The cache directory holding everything below. */
  dir: string;
  /** Raw ext4 root filesystem; guests boot qcow2 overlays of it and never write it. */
  disk: string;
  kernel: string;
  initrd: string;
  /** Client key whose public half is root's authorized key in the image (mode 0600). */
  privateKeyFile: string;
  /** The guest's ssh host key, `ssh-ed25519 AAAA... comment`, for known_hosts lines. */
  hostPublicKey: string;
  /** How long the build took (measured when it was built, possibly by another process). */
  buildMs: number;
  /** True when this call built the image, false when it came from the cache. */
  built: boolean;
}

export interface EnsureImageOptions {
  log?: (line: string) => void;
  /** Default `${XDG_CACHE_HOME:-$HOME/.cache}/drover/images`. */
  cacheRoot?: string;
}

const DISK_SIZE = '2G';

export function imageCacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || join(process.env.HOME || homedir(), '.cache');
  return join(base, 'drover', 'images');
}

export function recipeHash(): string {
  return createHash('sha256').update(JSON.stringify(RECIPE)).digest('hex').slice(0, 16);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function describe(dir: string, buildMs: number, built: boolean): GuestImage {
  return {
    dir,
    disk: join(dir, 'disk.img'),
    kernel: join(dir, 'vmlinuz'),
    initrd: join(dir, 'initrd.img'),
    privateKeyFile: join(dir, 'id_ed25519'),
    hostPublicKey: readFileSync(join(dir, 'ssh_host_ed25519_key.pub'), 'utf8').trim(),
    buildMs,
    built,
  };
}

function readCached(dir: string): GuestImage | undefined {
  if (!existsSync(join(dir, 'build.json'))) return undefined;
  const { buildMs } = JSON.parse(readFileSync(join(dir, 'build.json'), 'utf8')) as { buildMs: number };
  return describe(dir, buildMs, false);
}

/** Remove temp dirs of builders that died mid-build (their PID is in the name). */
function sweepDeadBuilds(root: string): void {
  for (const name of readdirSync(root)) {
    const m = /^\.build-[0-9a-f]+-(\d+)$/.exec(name);
    if (m && !pidAlive(Number(m[1]))) rmSync(join(root, name), { recursive: true, force: true });
  }
}

/**
 * Take the build lock for one recipe's image dir: resolves to the unlock
 * function, or to undefined once another builder has finished the image.
 * A lock whose owner died is taken over (and that owner's temp dir swept).
 */
export async function acquireBuildLock(root: string, dir: string, log: (line: string) => void): Promise<(() => void) | undefined> {
  const lockDir = `${dir}.lock`;
  let waitingFor = 0;
  for (;;) {
    if (readCached(dir)) return undefined;
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let owner = 0;
    try {
      owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
    } catch {
      // The owner is between mkdir and writing its PID: give it a moment.
    }
    if (owner && !pidAlive(owner)) {
      log(`guest image: removing the lock of builder ${owner}, which died`);
      rmSync(lockDir, { recursive: true, force: true });
      sweepDeadBuilds(root);
      continue;
    }
    if (owner && owner !== waitingFor) log(`guest image: waiting for process ${owner}, which is building it`);
    waitingFor = owner;
    await sleep(2000);
  }
}

/** debootstrap prints one line per package and stage; only the stage lines are worth a progress log. */
const CHATTER = /^I: (Retrieving|Validating|Extracting|Unpacking|Configuring) [a-z0-9][^ ]*( [^ ]+)?(\.\.\.)?$/;

/** Run a build step, keeping its full output in build.log and passing the interesting lines to log. */
function step(argv: readonly string[], logFile: string, log: (line: string) => void, track: (pid: number | undefined) => void): Promise<void> {
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    const out = createWriteStream(logFile, { flags: 'a' });
    out.write(`$ ${argv.join(' ')}\n`);
    // Own process group, so an exit-time cleanup can kill the whole step (dpkg runs below debootstrap).
    const child = spawn(file as string, args, { env: { ...CLEAN_ENV, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    track(child.pid);
    let tail = '';
    const onData = (b: Buffer) => {
      out.write(b);
      const lines = (tail + b.toString('utf8')).split('\n');
      tail = lines.pop() ?? '';
      for (const line of lines) if (line.trim() && !CHATTER.test(line)) log(`guest image: ${line}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      track(undefined);
      out.end();
      if (code === 0) resolve();
      else reject(new Error(`guest image: ${argv.join(' ')} exited ${code}; see ${logFile}`));
    });
  });
}

function writeInto(rootfs: string, path: string, content: string, mode: number): void {
  const file = join(rootfs, path);
  mkdirSync(dirname(file), { recursive: true });
  rmSync(file, { force: true });
  writeFileSync(file, content, { mode });
  chmodSync(file, mode);
}

/** drover's files, keys and unit links, written straight into the root (no chroot needed). */
function configureRoot(rootfs: string, build: string): void {
  for (const f of guestFiles()) writeInto(rootfs, f.path, f.content, f.mode);
  for (const link of DISABLED_UNIT_LINKS) {
    // lstat, not exists: the link points into the root (/lib/...), which from here is this machine's own /lib.
    if (!lstatSync(join(rootfs, link), { throwIfNoEntry: false })) throw new Error(`guest image: ${link} is not in the root; the recipe's unit list is stale`);
    rmSync(join(rootfs, link));
  }
  for (const l of guestLinks()) {
    const path = join(rootfs, l.path);
    mkdirSync(dirname(path), { recursive: true });
    rmSync(path, { force: true });
    symlinkSync(l.target, path);
  }
  // The image has exactly one host key, the one the known_hosts lines name.
  const sshDir = join(rootfs, 'etc', 'ssh');
  for (const name of readdirSync(sshDir)) if (name.startsWith('ssh_host_')) rmSync(join(sshDir, name));
  writeInto(rootfs, 'etc/ssh/ssh_host_ed25519_key', readFileSync(join(build, 'ssh_host_ed25519_key'), 'utf8'), 0o600);
  writeInto(rootfs, 'etc/ssh/ssh_host_ed25519_key.pub', readFileSync(join(build, 'ssh_host_ed25519_key.pub'), 'utf8'), 0o644);
  mkdirSync(join(rootfs, 'root', '.ssh'), { recursive: true, mode: 0o700 });
  writeInto(rootfs, 'root/.ssh/authorized_keys', readFileSync(join(build, 'id_ed25519.pub'), 'utf8'), 0o600);
}

function copyBootFiles(rootfs: string, build: string): void {
  const boot = readdirSync(join(rootfs, 'boot'));
  const pick = (prefix: string) => {
    const found = boot.filter((n) => n.startsWith(prefix)).sort();
    if (found.length !== 1) throw new Error(`guest image: expected one ${prefix}* in the root's /boot, found ${found.join(', ') || 'none'}`);
    return join(rootfs, 'boot', found[0] as string);
  };
  copyFileSync(pick('vmlinuz-'), join(build, 'vmlinuz'));
  copyFileSync(pick('initrd.img-'), join(build, 'initrd.img'));
}

async function build(dir: string, tmp: string, log: (line: string) => void, track: (pid: number | undefined) => void): Promise<void> {
  const started = Date.now();
  const logFile = join(tmp, 'build.log');
  const rootfs = join(tmp, 'rootfs');
  const run = (argv: readonly string[]) => step(argv, logFile, log, track);
  mkdirSync(rootfs, { recursive: true });
  await mustRun(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'drover-guest-client', '-f', join(tmp, 'id_ed25519')]);
  await mustRun(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'drover-guest', '-f', join(tmp, 'ssh_host_ed25519_key')]);
  const mirror = aptMirror();
  log(`guest image: debootstrap ${SUITE} with ${PACKAGES.length} packages into ${rootfs}`);
  // A private mount namespace: the proc/sys mounts debootstrap makes inside the root vanish with it, even if it is killed.
  await run(['unshare', '--mount', '--propagation', 'private', '--', 'debootstrap', '--variant=minbase', `--include=${PACKAGES.join(',')}`, '--components=main', SUITE, rootfs, mirror]);
  configureRoot(rootfs, tmp);
  log('guest image: update-initramfs with only the modules that find the root disk');
  await run(['unshare', '--mount', '--propagation', 'private', '--', 'chroot', rootfs, 'sh', '-c', 'mount -t proc proc /proc && update-initramfs -u -k all']);
  copyBootFiles(rootfs, tmp);
  log(`guest image: mkfs.ext4 ${DISK_SIZE}`);
  await run(['mkfs.ext4', '-q', '-F', '-L', 'drover-root', '-d', rootfs, join(tmp, 'disk.img'), DISK_SIZE]);
  rmSync(rootfs, { recursive: true, force: true });
  // Overlays only read it; a write would corrupt every guest built on it.
  chmodSync(join(tmp, 'disk.img'), 0o444);
  const buildMs = Date.now() - started;
  writeFileSync(join(tmp, 'build.json'), JSON.stringify({ buildMs, recipe: RECIPE }, null, 2));
  renameSync(tmp, dir);
  log(`guest image: built in ${(buildMs / 1000).toFixed(1)} s: ${dir}`);
}

/** The guest image for the current recipe: from the cache, or built now (minutes) and cached. */
export async function ensureGuestImage(options: EnsureImageOptions = {}): Promise<GuestImage> {
  const log = options.log ?? (() => undefined);
  const root = options.cacheRoot ?? imageCacheRoot();
  const dir = join(root, recipeHash());
  const cached = readCached(dir);
  if (cached) return cached;
  mkdirSync(root, { recursive: true });
  const unlock = await acquireBuildLock(root, dir, log);
  if (!unlock) return readCached(dir) as GuestImage;
  const tmp = join(root, `.build-${recipeHash()}-${process.pid}`);
  let child: number | undefined;
  const unregister = registerExitCleanup(() => {
    if (child) process.kill(-child, 'SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
    unlock();
  });
  try {
    sweepDeadBuilds(root);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    await build(dir, tmp, log, (pid) => (child = pid));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    unlock();
    unregister();
  }
  return describe(dir, readCached(dir)?.buildMs ?? 0, true);
}
