// vlan on a namespace host: only what needs no 802.1Q support, because this
// machine's kernel has none (`ip link add ... type vlan` fails here). That is
// parameter validation, and plans read from the host's real links: refusals,
// nothing to do, and check mode, which must change nothing. Creating vlans and
// sending tagged frames is proven in QEMU guests, whose Debian kernel has
// 8021q: test/kernel-features-in-qemu-guests.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import vlan from '../modules/vlan.js';
import { linksCommand } from '../modules/support/ip-link.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { hostFiles } from './support/host-files.js';
import { runModule } from './support/module-harness.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';

const NAME = 'vlanhost';
let ground: TestGround;
let host: HostHandle;
before(async () => {
  ({ ground, host } = await startModuleHost(NAME));
  await inHost('ip link add trunk0 type veth peer name trunk0p && ip link add notvlan type veth peer name notvlanp');
});
after(() => stopModuleHost(ground));
const { inHost } = hostFiles(NAME, () => ground);
const links = () => inHost(linksCommand().text);

describe('vlan without 802.1Q in the kernel', () => {
  test('bad parameters are refused before the host is read', async () => {
    await assert.rejects(runModule(host, vlan, { parent: 'trunk0', id: 0 }), /must be >= 1/);
    await assert.rejects(runModule(host, vlan, { parent: 'trunk0', id: 4095 }), /must be <= 4094/);
    await assert.rejects(runModule(host, vlan, { id: 100 }), /parent/);
    await assert.rejects(runModule(host, vlan, { parent: 'trunk0', id: 100, name: 'much-too-long-name' }), /must match pattern/);
    await assert.rejects(runModule(host, vlan, { parent: 'trunk0', id: 100, state: 'gone' }), /parameter .state. must be one of "up", "down", "present", "absent"/);
  });

  test('plans that cannot work are refused with the reason, and nothing changes', async () => {
    const before = await links();
    await assert.rejects(runModule(host, vlan, { parent: 'eth9', id: 100 }), /parent eth9 of vlan eth9\.100 does not exist/);
    await assert.rejects(runModule(host, vlan, { parent: 'trunk0', id: 100, name: 'notvlan' }), /notvlan exists and is a veth interface, not a vlan/);
    await assert.rejects(runModule(host, vlan, { parent: 'trunk0', id: 100, bridge: 'notvlan' }), /notvlan exists and is a veth interface, not a bridge/);
    await assert.rejects(runModule(host, vlan, { parent: 'trunk0', id: 100, addresses: ['10.0.0.1'] }), /not an address with a prefix length/);
    await assert.rejects(runModule(host, vlan, { parent: 'trunk0-longer', id: 4000 }), /default name trunk0-longer\.4000 is longer than 15 characters/);
    assert.equal(await links(), before);
  });

  test('check mode plans the vlan, its bridge and addresses from the real links, and changes nothing', async () => {
    const before = await links();
    const planned = await runModule(host, vlan, { parent: 'trunk0', id: 100, addresses: ['10.70.0.1/24'], bridge: 'br-vlan100' }, { check: true });
    assert.deepEqual(planned.changes, [
      'create vlan trunk0.100 (id 100 on trunk0)',
      'set parent trunk0 up',
      'add address 10.70.0.1/24 to trunk0.100',
      'create bridge br-vlan100',
      'add trunk0.100 to bridge br-vlan100',
      'set bridge br-vlan100 up',
      'set trunk0.100 up',
    ]);
    assert.deepEqual(planned.diff, [{ label: 'vlan trunk0.100', before: '', after: 'parent: trunk0\nid: 100\nstate: up\nbridge: br-vlan100\naddresses: 10.70.0.1/24\n' }]);
    assert.equal(await links(), before, 'check mode changed the links');
  });

  test('absent with no such vlan: nothing to do', async () => {
    const out = await runModule(host, vlan, { parent: 'trunk0', id: 100, state: 'absent' });
    assert.deepEqual([out.changed, out.changes], [false, []]);
  });
});
