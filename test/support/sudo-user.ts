// A non-root login user on namespace test hosts whose sudo asks for a
// password (the usual site setup that ansible_become_password and -K are
// for), and a root password for su. Everything lives in the host's overlay
// root, gone with the host.
import type { TestGround } from '../../runner/testground/namespace-hosts.js';

export interface SudoUser {
  name: string;
  password: string;
  rootPassword: string;
}

export async function addSudoUser(ground: TestGround, host: string, user: SudoUser): Promise<void> {
  const script = [
    'set -e',
    'useradd -m -s /bin/sh "$1"',
    'printf "%s:%s\\nroot:%s\\n" "$1" "$2" "$3" | chpasswd',
    'printf "%s ALL=(ALL:ALL) ALL\\n" "$1" > "/etc/sudoers.d/$1"',
    'chmod 0440 "/etc/sudoers.d/$1"',
    'mkdir -p -m 0700 "/home/$1/.ssh"',
    'cp /root/.ssh/authorized_keys "/home/$1/.ssh/authorized_keys"',
    'chown -R "$1:$1" "/home/$1/.ssh"',
  ].join('\n');
  const r = await ground.exec(host, ['sh', '-c', script, 'sh', user.name, user.password, user.rootPassword]);
  if (r.rc !== 0) throw new Error(`cannot add sudo user on ${host}: ${r.stderr}`);
}
