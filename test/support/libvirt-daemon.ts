// A real libvirtd (qemu:///system) inside a disposable namespace host: its
// bridges, dnsmasq, iptables rules and guests live only in that host's
// network namespace, and its state in the host's private overlay, so private
// addresses never reach the machine's own network. Daemons are stopped by
// their PIDs before the host goes.
import assert from 'node:assert/strict';
import type { HostHandle } from '../../runner/host/handle.js';
import type { AnyModule } from '../../runner/module-api.js';
import type { TestGround } from '../../runner/testground/namespace-hosts.js';
import { runModule } from './module-harness.js';
import { startModuleHost, stopModuleHost } from './module-host.js';

export const QEMU_URI = 'qemu:///system';

export interface LibvirtHost {
  ground: TestGround;
  host: HostHandle;
  name: string;
  /** Run a shell script inside the host as root (not through drover); throws on failure. */
  sh(script: string, ...args: string[]): Promise<string>;
  /** virsh -q -c qemu:///system ARGS inside the host; stdout, throws on failure. */
  virsh(...args: string[]): Promise<string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startLibvirtHost(name: string): Promise<LibvirtHost> {
  const { ground, host } = await startModuleHost(name);
  const sh = async (script: string, ...args: string[]) => {
    const r = await ground.exec(name, ['sh', '-c', script, 'sh', ...args]);
    if (r.rc !== 0) throw new Error(`${script}: rc ${r.rc}: ${r.stderr}`);
    return r.stdout;
  };
  const lv: LibvirtHost = { ground, host, name, sh, virsh: (...args) => sh(`virsh -q -c ${QEMU_URI} "$@"`, ...args) };
  try {
    // Test hosts get a minimal /dev: guests' NICs need the tap device node (a kernel built-in here).
    await sh('mkdir -p /dev/net && { [ -c /dev/net/tun ] || mknod -m 0666 /dev/net/tun c 10 200; }');
    // libvirt gives each guest a private /dev by default, which needs /dev to be a mount point; here it is part of the overlay.
    await sh("printf '\\nnamespaces = []\\n' >> /etc/libvirt/qemu.conf");
    // The machine's own default network would autostart here too: not ours to start.
    await sh('rm -f /etc/libvirt/qemu/networks/autostart/default.xml; mkdir -p /var/log/libvirt/qemu /var/lib/libvirt/boot; virtlogd -d && libvirtd -d');
    const end = Date.now() + 30_000;
    for (;;) {
      const r = await ground.exec(name, ['virsh', '-q', '-c', QEMU_URI, 'version']);
      if (r.rc === 0) break;
      if (Date.now() > end) throw new Error(`libvirtd not ready after 30 s: ${r.stderr}`);
      await sleep(200);
    }
  } catch (e) {
    await stopLibvirtHost(lv);
    throw e;
  }
  return lv;
}

/** Force off every guest, stop the networks, then libvirtd and virtlogd by PID, then the host. */
export async function stopLibvirtHost(lv: LibvirtHost | undefined): Promise<void> {
  if (!lv) return;
  try {
    await lv.ground.exec(lv.name, [
      'sh',
      '-c',
      `for d in $(virsh -q -c ${QEMU_URI} list --name); do virsh -q -c ${QEMU_URI} destroy --domain "$d"; done
for n in $(virsh -q -c ${QEMU_URI} net-list --name); do virsh -q -c ${QEMU_URI} net-destroy --network "$n"; done
for f in /run/libvirtd.pid /run/virtlogd.pid; do [ -f "$f" ] && kill "$(cat "$f")"; done; true`,
    ]);
  } finally {
    await stopModuleHost(lv.ground);
  }
}

/** Apply on the libvirt host, assert the changes, apply again: nothing left to change. */
export async function convergeTwice(lv: LibvirtHost, module: AnyModule, params: Record<string, unknown>, changes: string[]): Promise<void> {
  const first = await runModule(lv.host, module, { uri: QEMU_URI, ...params });
  assert.deepEqual(first.changes, changes);
  const second = await runModule(lv.host, module, { uri: QEMU_URI, ...params });
  assert.deepEqual(second.changes, [], `second run: ${JSON.stringify(second.diff)}`);
}
