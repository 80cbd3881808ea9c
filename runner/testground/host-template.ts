// The tree every host of a ground starts from, built once per ground on the
// controller and copied by each host (one `cp -a`) onto its private tmpfs:
//   upper/   the overlay's upper layer: what differs from the machine's `/`
//   work/    overlayfs's work dir (must sit on the same filesystem as upper/)
//   root/    where the overlay is mounted
// Directories marked opaque (xattr trusted.overlay.opaque=y) hide the lower
// layer's content entirely: the host gets a clean /root (the machine's
// start-up files may hang, MACHINE.md gotcha 3), an empty /tmp and /run, a
// minimal /dev without the machine's disks, and an /etc/ssh without the
// machine's host keys.
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mustRun } from './run-command.js';

export interface TemplateInput {
  /** Content of root's authorized_keys. */
  authorizedKeys: string;
  /** Lines appended to the machine's /etc/hosts (the ground's hosts, so they resolve each other). */
  extraHosts: string;
  /** Written to /run/drover-sshd_config. */
  sshdConfig: string;
}

const DEVICES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];

function dir(path: string, mode: number): string {
  mkdirSync(path, { recursive: true });
  chmodSync(path, mode); // explicit: mkdir is subject to the umask
  return path;
}

function file(path: string, content: string, mode: number): void {
  writeFileSync(path, content);
  chmodSync(path, mode);
}

/** Build the template under `into` and return its path. */
export async function buildTemplate(into: string, input: TemplateInput): Promise<string> {
  const t = dir(join(into, 'template'), 0o755);
  dir(join(t, 'work'), 0o755);
  dir(join(t, 'root'), 0o755);
  const up = dir(join(t, 'upper'), 0o755);

  const home = dir(join(up, 'root'), 0o700);
  dir(join(home, '.ssh'), 0o700);
  file(join(home, '.ssh', 'authorized_keys'), input.authorizedKeys, 0o600);

  dir(join(up, 'tmp'), 0o1777);

  const run = dir(join(up, 'run'), 0o755);
  dir(join(run, 'sshd'), 0o755);
  file(join(run, 'drover-sshd_config'), input.sshdConfig, 0o600);

  const dev = dir(join(up, 'dev'), 0o755);
  dir(join(dev, 'pts'), 0o755);
  dir(join(dev, 'shm'), 0o1777);
  symlinkSync('pts/ptmx', join(dev, 'ptmx'));
  symlinkSync('/proc/self/fd', join(dev, 'fd'));
  ['stdin', 'stdout', 'stderr'].forEach((name, fd) => symlinkSync(`/proc/self/fd/${fd}`, join(dev, name)));
  // cp -a recreates device nodes (Node has no mknod).
  await mustRun(['cp', '-a', ...DEVICES.map((d) => `/dev/${d}`), dev]);

  const etc = dir(join(up, 'etc'), lstatSync('/etc').mode & 0o7777);
  file(join(etc, 'hosts'), readFileSync('/etc/hosts', 'utf8').replace(/\n?$/, '\n') + input.extraHosts, 0o644);
  const ssh = dir(join(etc, 'ssh'), lstatSync('/etc/ssh').mode & 0o7777);
  await mustRun(['cp', '-a', '/etc/ssh/.', ssh]);
  for (const name of readdirSync(ssh)) if (name.startsWith('ssh_host_')) rmSync(join(ssh, name));

  // sshd without PAM refuses a locked account even for key logins.
  const shadow = readFileSync('/etc/shadow', 'utf8');
  if (/^root:!/m.test(shadow)) {
    await mustRun(['cp', '-a', '/etc/shadow', join(etc, 'shadow')]);
    writeFileSync(join(etc, 'shadow'), shadow.replace(/^root:!*/m, 'root:*'));
  }

  await mustRun(['setfattr', '-n', 'trusted.overlay.opaque', '-v', 'y', home, join(up, 'tmp'), run, dev, ssh]);
  return t;
}
