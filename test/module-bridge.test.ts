// bridge on a real (namespace) host: a kernel bridge in the host's own network
// namespace, with veth pairs made by the test as ports; state is read back
// with `ip -j` outside drover. (This kernel has no dummy interfaces.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import bridge from '../modules/bridge.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';
import { hostFiles } from './support/host-files.js';
import { convergeTwice } from './support/converge.js';
import { parseLinks, linksCommand } from '../modules/support/ip-link.js';

const NAME = 'bridgehost';
let ground: TestGround;
let host: HostHandle;
before(async () => {
  ({ ground, host } = await startModuleHost(NAME));
  await inHost('ip link add va type veth peer name vb && ip link add vc type veth peer name vd');
});
after(() => stopModuleHost(ground));
const { inHost } = hostFiles(NAME, () => ground);

/** The bridge as the kernel has it: exists, up, stp, ports, addresses (sorted). */
async function observe(): Promise<string> {
  const links = parseLinks(await inHost(linksCommand().text));
  const br = links.get('br0');
  if (!br) return 'absent';
  const ports = [...links.values()].filter((l) => l.master === 'br0').map((l) => `${l.name}:${l.up ? 'up' : 'down'}`).sort();
  return JSON.stringify({ kind: br.kind, up: br.up, stp: br.data.stp_state, ports, addresses: [...br.addresses].sort() });
}

describe('bridge', () => {
  test('created with ports, STP and addresses, up; check mode creates nothing', async () => {
    const params = { name: 'br0', ports: ['va'], stp: true, addresses: ['10.50.0.1/24', 'fd00:0::1/64'] };
    const { first } = await convergeTwice(host, bridge, params, observe);
    assert.deepEqual(first.changes, ['create bridge br0', 'turn STP on on br0', 'add port va to br0', 'set port va up', 'add address 10.50.0.1/24 to br0', 'add address fd00::1/64 to br0', 'set br0 up']);
    assert.equal(await observe(), JSON.stringify({ kind: 'bridge', up: true, stp: 1, ports: ['va:up'], addresses: ['10.50.0.1/24', 'fd00::1/64'] }));
    assert.equal(first.diff[0]!.after, 'state: up\nstp: on\nports: va\naddresses: 10.50.0.1/24 fd00::1/64\n');
    // The address is really on the host: the kernel routes to it locally.
    assert.match(await inHost('ip route get 10.50.0.1'), /^local 10\.50\.0\.1 dev lo/);
  });

  test('ports and addresses are complete lists: others are released and removed', async () => {
    const { first } = await convergeTwice(host, bridge, { name: 'br0', ports: ['vc'], stp: false, addresses: ['10.60.0.1/16'] }, observe);
    assert.deepEqual(first.changes, ['turn STP off on br0', 'add port vc to br0', 'set port vc up', 'release port va from br0', 'remove address 10.50.0.1/24 from br0', 'remove address fd00::1/64 from br0', 'add address 10.60.0.1/16 to br0']);
    assert.equal(await observe(), JSON.stringify({ kind: 'bridge', up: true, stp: 0, ports: ['vc:up'], addresses: ['10.60.0.1/16'] }));
  });

  test('omitted ports, stp and addresses are left alone; down sets only the bridge down', async () => {
    const { first } = await convergeTwice(host, bridge, { name: 'br0', state: 'down' }, observe);
    assert.deepEqual(first.changes, ['set br0 down']);
    assert.equal(await observe(), JSON.stringify({ kind: 'bridge', up: false, stp: 0, ports: ['vc:up'], addresses: ['10.60.0.1/16'] }));
  });

  test('absent deletes the bridge and frees its ports', async () => {
    await convergeTwice(host, bridge, { name: 'br0', state: 'absent' }, observe);
    assert.equal(await observe(), 'absent');
    assert.doesNotMatch(await inHost('ip -o link show vc'), /master/);
  });

  test('errors: a missing port, a non-bridge name, a bad address; nothing is created', async () => {
    await assert.rejects(runModule(host, bridge, { name: 'br0', ports: ['nosuch'] }), /port nosuch of bridge br0 does not exist/);
    await assert.rejects(runModule(host, bridge, { name: 'va' }), /va exists and is a veth interface, not a bridge/);
    await assert.rejects(runModule(host, bridge, { name: 'br0', addresses: ['10.0.0.1'] }), /not an address with a prefix length/);
    await assert.rejects(runModule(host, bridge, { name: 'much-too-long-name' }), /must match pattern/);
    assert.equal(await observe(), 'absent');
  });
});
