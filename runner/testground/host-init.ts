// The shell script that turns a fresh `unshare` child into a disposable host,
// and the sshd configuration it runs. Kept apart from the orchestration so the
// recipe can be read (and changed) in one place.
//
// The script runs as PID 1 of new pid/mount/uts/ipc/net namespaces, before any
// network exists. It builds the host's private root (an overlay whose lower
// layer is the machine's `/` and whose upper layer lives on a tmpfs that only
// this mount namespace can see), pivots into it, generates the host's own
// ed25519 key, prints `ready <public key>` and waits for one line on stdin:
// the controller uses that pause to plug a veth into the namespace. Then it
// addresses eth0 and becomes sshd.

/** Files the controller puts in the ground directory for every host to copy. */
export const GROUND_FILES = { authorizedKeys: 'id_ed25519.pub', etcHosts: 'etc-hosts', sshdConfig: 'sshd_config' } as const;

/** Positional arguments: $1 state dir (an empty mountpoint), $2 hostname, $3 address/prefix, $4 the ground directory. */
export const HOST_INIT_SCRIPT = String.raw`
set -eu
state=$1 name=$2 addr=$3 ground=$4

# Everything this host writes lives on this tmpfs, which dies with the namespace.
mount -t tmpfs -o mode=0755 drover-host "$state"
mkdir "$state/upper" "$state/work" "$state/root"
mount -t overlay -o "lowerdir=/,upperdir=$state/upper,workdir=$state/work" drover-host "$state/root"
cd "$state/root"

mount -t proc -o nosuid,nodev,noexec proc proc
# Kernel-wide sysctls must not be changed from a test host; net.* is per network
# namespace, so that part stays writable.
mount --bind proc/sys proc/sys
mount --bind proc/sys/net proc/sys/net
mount -o remount,bind,ro proc/sys
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs sys

# A minimal /dev: never the machine's disks.
mount -t tmpfs -o mode=0755,nosuid tmpfs dev
for d in null zero full random urandom tty; do : > "dev/$d"; mount --bind "/dev/$d" "dev/$d"; done
mkdir dev/pts dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts dev/pts
ln -s pts/ptmx dev/ptmx
ln -s /proc/self/fd dev/fd
ln -s /proc/self/fd/0 dev/stdin
ln -s /proc/self/fd/1 dev/stdout
ln -s /proc/self/fd/2 dev/stderr
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs dev/shm

mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs run
mkdir -m 0755 run/sshd
cp "$ground/${GROUND_FILES.sshdConfig}" run/drover-sshd_config
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs tmp
# A clean root home: the machine's own start-up files may hang (MACHINE.md gotcha 3).
mount -t tmpfs -o mode=0700 tmpfs root
mkdir -m 0700 root/.ssh
cp "$ground/${GROUND_FILES.authorizedKeys}" root/.ssh/authorized_keys
chmod 0600 root/.ssh/authorized_keys

hostname "$name"
echo "$name" > etc/hostname
{ echo "127.0.1.1 $name"; cat "$ground/${GROUND_FILES.etcHosts}"; } >> etc/hosts
# sshd without PAM refuses a locked account even for key logins.
if grep -q '^root:!' etc/shadow; then sed -i 's/^root:!*/root:*/' etc/shadow; fi

# The host's own identity, not the machine's keys from the lower layer.
rm -f etc/ssh/ssh_host_*
ssh-keygen -q -t ed25519 -N '' -C "$name" -f etc/ssh/ssh_host_ed25519_key

# pivot_root rather than chroot: /proc/mounts inside then shows only this
# host's mounts, and nsenter into the mount namespace lands in the host's root.
mkdir .drover-oldroot
pivot_root . .drover-oldroot
cd /
umount -l /.drover-oldroot
rmdir /.drover-oldroot

printf 'ready %s\n' "$(cat /etc/ssh/ssh_host_ed25519_key.pub)"
read -r go

ip link set lo up
ip addr add "$addr" dev eth0
ip link set eth0 up
exec /usr/sbin/sshd -D -e -f /run/drover-sshd_config < /dev/null
`;

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
    '',
  ].join('\n');
}
