// What goes into the QEMU guest image (qemu-image.ts builds it): the package
// list, the files drover writes into the debootstrapped root, and the apt
// mirror to fetch from. Everything that shapes the image is in RECIPE, whose
// hash names the cache directory: change anything here and the next run
// builds a fresh image instead of booting a stale one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SUITE = 'bookworm';

/**
 * Packages on top of debootstrap's minbase. The kernel is the point of the
 * image: namespace hosts share this machine's kernel, which has no VLANs, no
 * NFS server and no quota enforcement; Debian's own kernel (with modules) has.
 */
export const PACKAGES = [
  'linux-image-amd64',
  'systemd-sysv',
  'udev',
  'kmod',
  'procps',
  'openssh-server',
  'sudo',
  'iproute2',
  'iputils-ping',
  'ifupdown',
  'netbase',
  'nfs-kernel-server',
  'nfs-common',
  'quota',
  'xfsprogs',
  'e2fsprogs',
] as const;

/** Created in the guest when drover-guest-net is done: the guest is ready for tests once ssh works and this exists. */
export const READY_MARKER = '/run/drover-guest-ready';

/** Guest side of the private segment (qemu-hosts.ts): address and peer names come from the kernel command line. */
export const GUEST_NET_SCRIPT = `#!/bin/sh
# drover test guest: configure the private segment from the kernel command line.
#   drover.private=ADDR/PREFIX   address of eth1 (the segment shared by the guests of one ground)
#   drover.hosts=NAME=ADDR,...   peer names for /etc/hosts
#   drover.nics=N                NICs on the segment: eth1..ethN
# Every NIC after eth0 is brought up without an address, for trunks and VLANs.
# Ends by creating the ready marker that qemu-hosts.ts waits for.
set -u
addr= hosts= nics=0
for word in $(cat /proc/cmdline); do
  case $word in
    drover.private=*) addr=\${word#drover.private=} ;;
    drover.hosts=*) hosts=\${word#drover.hosts=} ;;
    drover.nics=*) nics=\${word#drover.nics=} ;;
  esac
done
# udev loads virtio_net a moment after this unit may start.
i=0
while [ ! -e /sys/class/net/eth$nics ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
for dev in /sys/class/net/eth*; do
  dev=\${dev##*/}
  [ "$dev" = eth0 ] || ip link set "$dev" up
done
[ -z "$addr" ] || ip addr add "$addr" dev eth1
echo "$hosts" | tr ',' '\\n' | while IFS== read -r name ip; do
  [ -z "$name" ] || printf '%s %s\\n' "$ip" "$name" >> /etc/hosts
done
touch ${READY_MARKER}
`;

const GUEST_NET_UNIT = `[Unit]
Description=drover test guest: private segment from the kernel command line
After=systemd-udev-trigger.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/drover-guest-net
RemainAfterExit=yes

[Install]
WantedBy=multi-user.target
`;

/** eth0 is QEMU's user network: its addresses are fixed, so no DHCP client and no DHCP wait at boot. */
const INTERFACES = `auto lo
iface lo inet loopback

# allow-hotplug, not auto: udev raises eth0 when virtio_net shows up, so boot never waits for
# \`udevadm settle\` (ifupdown-pre.service), which costs most of a minute under TCG.
allow-hotplug eth0
iface eth0 inet static
    address 10.0.2.15/24
    gateway 10.0.2.2
`;

const SSHD_DROPIN = `# drover test guest: root by key only, no reverse DNS (the guest has no resolver).
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
PrintMotd no
MaxSessions 64
MaxStartups 200:30:400
`;

/**
 * Drivers udev would load for hardware of QEMU's pc machine that guests never
 * use (IDE, floppy, PC speaker, mouse) or cannot use (KVM inside TCG): each
 * costs a second or more of boot under software emulation. `modprobe NAME`
 * still loads them; only automatic loading stops.
 */
const BLACKLISTED_MODULES = ['kvm_amd', 'kvm_intel', 'kvm', 'irqbypass', 'powernow_k8', 'acpi_cpufreq', 'pcspkr', 'floppy', 'ata_piix', 'ata_generic', 'pata_acpi', 'parport_pc', 'ppdev', 'psmouse', 'joydev', 'serio_raw', 'evdev', 'i2c_piix4'];

/** sshd checks its config before starting (ExecStartPre=sshd -t): a second sshd start, seconds under TCG, for a config drover wrote. */
const SSH_UNIT_DROPIN = '[Service]\nExecStartPre=\n';

/** Units that only slow a disposable guest's boot or wake it up later for nothing. */
const MASKED_UNITS = ['apt-daily.timer', 'apt-daily-upgrade.timer', 'e2scrub_all.timer', 'e2scrub_reap.service', 'fstrim.timer', 'getty@tty1.service', 'getty-static.service'];

/**
 * An initrd with only what finds the root disk: the default (MODULES=most) is
 * 36 MB that software emulation unpacks and probes for half a minute.
 */
const INITRAMFS_CONF = 'MODULES=list\n';
const INITRAMFS_MODULES = ['virtio_pci', 'virtio_blk', 'ext4', 'crc32c_generic', ''].join('\n');

/** Files written into the root (path relative to it, content, mode), after debootstrap. */
export function guestFiles(): Array<{ path: string; content: string; mode: number }> {
  return [
    { path: 'etc/hostname', content: 'drover-guest\n', mode: 0o644 },
    { path: 'etc/hosts', content: '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n', mode: 0o644 },
    { path: 'etc/fstab', content: '/dev/vda / ext4 rw,errors=remount-ro 0 1\n', mode: 0o644 },
    { path: 'etc/resolv.conf', content: '', mode: 0o644 },
    { path: 'etc/network/interfaces', content: INTERFACES, mode: 0o644 },
    { path: 'etc/ssh/sshd_config.d/drover.conf', content: SSHD_DROPIN, mode: 0o644 },
    { path: 'usr/local/sbin/drover-guest-net', content: GUEST_NET_SCRIPT, mode: 0o755 },
    { path: 'etc/systemd/system/drover-guest-net.service', content: GUEST_NET_UNIT, mode: 0o644 },
    { path: 'etc/initramfs-tools/conf.d/drover.conf', content: INITRAMFS_CONF, mode: 0o644 },
    { path: 'etc/initramfs-tools/modules', content: INITRAMFS_MODULES, mode: 0o644 },
    { path: 'etc/modprobe.d/drover-guest.conf', content: BLACKLISTED_MODULES.map((m) => `blacklist ${m}\n`).join(''), mode: 0o644 },
    { path: 'etc/systemd/system/ssh.service.d/drover.conf', content: SSH_UNIT_DROPIN, mode: 0o644 },
  ];
}

/**
 * Units the packages enable but a guest should not start at boot: the NFS
 * server and client daemons (nfsd, mountd, idmapd, blkmap, statd,
 * rpc_pipefs) cost about 30 s of boot CPU under TCG. Tests that serve NFS
 * start nfs-server, as a playbook would; mount.nfs starts what a client needs.
 */
export const DISABLED_UNIT_LINKS = [
  'etc/systemd/system/multi-user.target.wants/nfs-server.service',
  'etc/systemd/system/multi-user.target.wants/nfs-client.target',
  'etc/systemd/system/remote-fs.target.wants/nfs-client.target',
];

/** Symlinks written into the root: enabled and masked units (what `systemctl enable/mask` would do, without a chroot). */
export function guestLinks(): Array<{ path: string; target: string }> {
  return [
    { path: 'etc/systemd/system/multi-user.target.wants/drover-guest-net.service', target: '/etc/systemd/system/drover-guest-net.service' },
    ...MASKED_UNITS.map((unit) => ({ path: `etc/systemd/system/${unit}`, target: '/dev/null' })),
  ];
}

/** Bump when the build steps in qemu-image.ts change in a way the lists above do not show. */
const BUILD_VERSION = 2;

/** Everything the image depends on; its hash names the cache directory. The mirror is not in it: any mirror gives the same image. */
export const RECIPE = { buildVersion: BUILD_VERSION, suite: SUITE, variant: 'minbase', packages: PACKAGES, files: guestFiles(), links: guestLinks(), disabled: DISABLED_UNIT_LINKS };

interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
}

function parseOneLine(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const line of text.split('\n')) {
    const words = line.replace(/#.*/, '').replace(/\[[^\]]*\]/, '').trim().split(/\s+/);
    const [type, uri, suite, ...components] = words;
    if (type && uri && suite) sources.push({ types: [type], uris: [uri], suites: [suite], components });
  }
  return sources;
}

function parseDeb822(text: string): AptSource[] {
  return text.split(/\n\s*\n/).flatMap((stanza) => {
    const fields = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (m?.[1] && m[2] !== undefined) fields.set(m[1].toLowerCase(), m[2]);
    }
    if (fields.get('enabled') === 'no') return [];
    const words = (key: string) => (fields.get(key) ?? '').split(/\s+/).filter(Boolean);
    return [{ types: words('types'), uris: words('uris'), suites: words('suites'), components: words('components') }];
  });
}

/** The Debian mirror this machine's apt already uses (read at build time: no host name lives in the repo). */
export function aptMirror(etcApt = '/etc/apt'): string {
  const sources: AptSource[] = [];
  const read = (file: string, parse: (text: string) => AptSource[]) => {
    if (existsSync(file)) sources.push(...parse(readFileSync(file, 'utf8')));
  };
  read(join(etcApt, 'sources.list'), parseOneLine);
  const dir = join(etcApt, 'sources.list.d');
  for (const name of existsSync(dir) ? readdirSync(dir).sort() : []) {
    if (name.endsWith('.list')) read(join(dir, name), parseOneLine);
    if (name.endsWith('.sources')) read(join(dir, name), parseDeb822);
  }
  const match = sources.find((s) => s.types.includes('deb') && s.suites.includes(SUITE) && s.components.includes('main'));
  const uri = match?.uris[0];
  if (!uri) throw new Error(`no apt source for "${SUITE} main" in ${etcApt}/sources.list or sources.list.d: the guest image needs a Debian mirror`);
  return uri;
}
