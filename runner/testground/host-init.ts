// The shell script that turns a fresh `unshare` child into a disposable host,
// and the sshd configuration it runs. Kept apart from the orchestration so the
// recipe can be read (and changed) in one place.
//
// The script runs as PID 1 of new pid/mount/uts/ipc/net namespaces, before any
// network exists. It builds the host's private root (an overlay whose lower
// layer is the machine's `/` and whose upper layer lives on a tmpfs), pivots
// into it, generates the host's own ed25519 key, prints `ready <public key>`
// and waits for one line on stdin: the controller uses that pause to plug a
// veth into the namespace. Then it addresses eth0 and becomes sshd.

/**
 * Positional arguments: $1 state dir (an empty mountpoint), $2 hostname,
 * $3 address/prefix, $4 the ground's template tree (host-template.ts).
 *
 * Process starts are what costs time here (a few ms each, and 20 hosts share
 * 2 cores), so the script execs as few programs as it can: the per-host tree
 * is one `cp -a` of a template whose /root, /tmp, /run and /dev are opaque
 * overlay directories (hiding the machine's own, e.g. root's slow start-up
 * files, MACHINE.md gotcha 3), and everything else is shell builtins.
 */
export const HOST_INIT_SCRIPT = String.raw`
set -eu
state=$1 name=$2 addr=$3 template=$4

# Everything this host writes lives on this tmpfs, which only this mount
# namespace can see and which dies with it.
mount -t tmpfs -o mode=0755 drover-host "$state"
cp -a "$template/." "$state/"
echo "$name" > "$state/upper/etc/hostname"
echo "127.0.1.1 $name" >> "$state/upper/etc/hosts"
# The host's own identity; the machine's host keys are hidden by the template.
ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$state/upper/etc/ssh/ssh_host_ed25519_key"
mount -t overlay -o "lowerdir=/,upperdir=$state/upper,workdir=$state/work" drover-host "$state/root"
cd "$state/root"

mount -t proc -o nosuid,nodev,noexec proc proc
echo "$name" > proc/sys/kernel/hostname
# Kernel-wide sysctls must not be changed from a test host; net.* belongs to
# the host's own network namespace, so that part stays writable.
mount --bind proc/sys proc/sys
mount --bind proc/sys/net proc/sys/net
mount -o remount,bind,ro proc/sys
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs sys
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts dev/pts

# pivot_root rather than chroot: /proc/mounts inside then shows only this
# host's mounts, and nsenter into the mount namespace lands in the host's root.
# The old root is parked on /tmp, which is empty again once it is detached.
pivot_root . tmp
cd /
umount -l /tmp

read -r key < /etc/ssh/ssh_host_ed25519_key.pub
echo "ready $key"
read -r go

ip -batch - <<EOF
link set lo up
addr add $addr dev eth0
link set eth0 up
EOF
exec /usr/sbin/sshd -D -e -f /run/drover-sshd_config < /dev/null
`;

/** The test hosts' one user allowed to log in with a password (created by the tests that need it). */
export const PASSWORD_LOGIN_USER = 'pwlogin';

/** sshd_config for a test host: key-only root login, fast algorithms, nothing from the machine's own config. */
export function sshdConfig(): string {
  return [
    'Port 22',
    'ListenAddress 0.0.0.0',
    'HostKey /etc/ssh/ssh_host_ed25519_key',
    'HostKeyAlgorithms ssh-ed25519',
    'KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org',
    'PubkeyAcceptedAlgorithms ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256',
    'PubkeyAuthentication yes',
    'AuthorizedKeysFile .ssh/authorized_keys',
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    'PidFile none',
    // The engine may open several channels at once on its one connection.
    'MaxSessions 64',
    'MaxStartups 200:30:400',
    'X11Forwarding no',
    'AcceptEnv LANG LC_*',
    'Subsystem sftp internal-sftp',
    'LogLevel INFO',
    // One user that logs in with a password only (tests of -k/--ask-pass); everyone else: keys only.
    `Match User ${PASSWORD_LOGIN_USER}`,
    '  PasswordAuthentication yes',
    '',
  ].join('\n');
}
