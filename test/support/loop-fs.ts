// A small loop-mounted filesystem inside a test host, for modules that act
// on filesystems (quota). Works on any HostGround: a QEMU guest has its own
// kernel and loop devices, so `mount -o loop` runs inside; a namespace host
// has a private /dev without loop devices, so the loop device is attached on
// this machine (to the image inside the host's root) and its node made in
// the host's /dev. Either way the filesystem is mounted in the host's own
// mount namespace, and remove() undoes everything.
import type { HostGround } from '../../runner/testground/driver.js';
import type { TestGround } from '../../runner/testground/namespace-hosts.js';
import { mustRun } from '../../runner/testground/run-command.js';

export interface LoopFsOptions {
  fstype: 'ext4' | 'xfs';
  /** Where to mount it inside the host. */
  mountpoint: string;
  /** Options for mount -o (e.g. 'usrquota,grpquota'). */
  mountOptions?: string;
  sizeMiB?: number;
}

export interface LoopFs {
  mountpoint: string;
  /** The block device as the host sees it. */
  device: string;
  /** Unmount, detach the loop device, delete the image. Idempotent. */
  remove(): Promise<void>;
}

/** The namespace host's init PID, or undefined on a ground whose hosts have their own kernel (a QEMU ground has host() too, without initPid). */
const namespaceInitPid = (ground: HostGround, host: string): number | undefined => (ground as Partial<TestGround>).host?.(host)?.initPid;

export async function makeLoopFs(ground: HostGround, host: string, options: LoopFsOptions): Promise<LoopFs> {
  const inHost = async (script: string, ...args: string[]) => {
    const r = await ground.exec(host, ['sh', '-c', `PATH=/usr/sbin:/usr/bin:/sbin:/bin; ${script}`, 'sh', ...args]);
    if (r.rc !== 0) throw new Error(`in ${host}: ${script}: ${r.stderr.trim()}`);
    return r.stdout.trim();
  };
  const image = `${options.mountpoint}.img`;
  const mkfs = options.fstype === 'ext4' ? 'mkfs.ext4 -q -F' : 'mkfs.xfs -q -f';
  await inHost(`mkdir -p -- "$1" && truncate -s "$2" -- "$3" && ${mkfs} "$3"`, options.mountpoint, `${options.sizeMiB ?? 300}M`, image);
  const mountOptions = options.mountOptions ?? 'defaults';
  let machineLoop: string | undefined;
  let device: string;
  const initPid = namespaceInitPid(ground, host);
  if (initPid !== undefined) {
    machineLoop = (await mustRun(['losetup', '-f', '--show', `/proc/${initPid}/root${image}`])).trim();
    const minor = machineLoop.replace('/dev/loop', '');
    device = machineLoop;
    try {
      await inHost('[ -b "$1" ] || mknod "$1" b 7 "$2"; mount -o "$3" -- "$1" "$4"', device, minor, mountOptions, options.mountpoint);
    } catch (e) {
      await mustRun(['losetup', '-d', machineLoop]);
      throw e;
    }
  } else {
    await inHost('mount -o "loop,$1" -- "$2" "$3"', mountOptions, image, options.mountpoint);
    device = await inHost('findmnt -n -o SOURCE --target "$1"', options.mountpoint);
  }
  let removed = false;
  return {
    mountpoint: options.mountpoint,
    device,
    async remove() {
      if (removed) return;
      removed = true;
      // The host may already be gone (a failed start): unmounting is then moot, detaching is not.
      await ground.exec(host, ['sh', '-c', 'umount -- "$1"; rm -f -- "$2"', 'sh', options.mountpoint, image]).catch(() => undefined);
      if (machineLoop) await mustRun(['losetup', '-d', machineLoop]);
    },
  };
}
