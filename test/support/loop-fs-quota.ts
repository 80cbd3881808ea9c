// The quota module's scenario on a loop-mounted filesystem in a test host,
// written once for any HostGround: on a namespace host (this machine's kernel
// keeps quota files but enforces nothing) and, with `enforced`, in a QEMU
// guest whose kernel enforces them, where a write past the hard limit must
// fail. Limits are read back with the filesystem's own report tool, not
// through the module.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import quota from '../../modules/quota.js';
import type { Host } from '../../runner/host/types.js';
import type { HostGround } from '../../runner/testground/driver.js';
import { runModule } from './module-harness.js';
import { makeLoopFs, type LoopFs } from './loop-fs.js';

export interface QuotaScenario {
  fstype: 'ext4' | 'xfs';
  ground: () => HostGround;
  host: () => Host;
  hostName: string;
  /** The kernel enforces quotas here: quotaon must work, and a write past a hard limit must fail. */
  enforced: boolean;
}

/** [block soft KiB, block hard KiB, inode soft, inode hard] by the filesystem's own report. */
type Row = [number, number, number, number];

const REPORT: Record<QuotaScenario['fstype'], { mountOptions: string; report: (kind: 'user' | 'group', fs: string) => string; row: RegExp }> = {
  // repquota -p: 'name  --  used soft hard grace  used soft hard grace'
  ext4: {
    mountOptions: 'usrquota,grpquota',
    report: (kind, fs) => `repquota -${kind[0]} -v -p -- ${fs}`,
    row: /^(\S+)\s+[-+]{2}\s+\d+\s+(\d+)\s+(\d+)\s+\S+\s+\d+\s+(\d+)\s+(\d+)/,
  },
  // xfs_quota report -b -i: 'name  used soft hard warns [grace]  used soft hard warns [grace]'
  xfs: {
    mountOptions: 'uquota,gquota',
    report: (kind, fs) => `xfs_quota -x -c 'report -${kind[0]} -b -i -N' ${fs}`,
    row: /^(\S+)\s+\d+\s+(\d+)\s+(\d+)\s+\d+\s+\[[^\]]*\]\s+\d+\s+(\d+)\s+(\d+)/,
  },
};

export function describeQuotaScenario(title: string, s: QuotaScenario): void {
  const mountpoint = `/srv/quota-${s.fstype}`;
  const tool = REPORT[s.fstype];
  let fs: LoopFs | undefined;

  const inHost = async (script: string) => {
    const r = await s.ground().exec(s.hostName, ['sh', '-c', `PATH=/usr/sbin:/usr/bin:/sbin:/bin; ${script}`]);
    if (r.rc !== 0) throw new Error(`${script}: ${r.stderr.trim()}`);
    return r.stdout;
  };
  const report = async () => `${await inHost(tool.report('user', mountpoint))}${await inHost(tool.report('group', mountpoint))}`;
  const limits = async (kind: 'user' | 'group', name: string): Promise<Row> => {
    for (const line of (await inHost(tool.report(kind, mountpoint))).split('\n')) {
      const m = tool.row.exec(line.trim());
      if (m?.[1] === name) return [Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
    }
    return [0, 0, 0, 0];
  };
  const run = (params: Record<string, unknown>, check = false) => runModule(s.host(), quota, { filesystem: mountpoint, ...params }, { check });

  describe(title, () => {
    before(async () => {
      fs = await makeLoopFs(s.ground(), s.hostName, { fstype: s.fstype, mountpoint, mountOptions: tool.mountOptions, sizeMiB: s.fstype === 'ext4' ? 64 : 300 });
      await inHost('for u in qalice qbob; do id -u "$u" >/dev/null 2>&1 || useradd -M "$u"; done; getent group qteam >/dev/null || groupadd qteam');
      if (s.fstype === 'ext4') await inHost(`quotacheck -cug ${mountpoint}`);
      // This machine's kernel has no quota support: quotaon fails and the tools edit the quota files directly.
      if (s.enforced) await inHost(s.fstype === 'ext4' ? `quotaon ${mountpoint}` : 'true');
    });
    after(() => fs?.remove());

    const first = {
      users: { qalice: '10M', qbob: { block_soft: '5M', block_hard: '6M', inode_soft: 100, inode_hard: 200 } },
      groups: { qteam: '20G' },
    };

    test('check mode plans every limit and changes nothing', async () => {
      const snapshot = await report();
      const planned = await run(first, true);
      assert.deepEqual(planned.changes, [
        `user qalice on ${mountpoint}: block_hard 0 -> 10M`,
        `user qbob on ${mountpoint}: block_soft 0 -> 5M, block_hard 0 -> 6M, inode_soft 0 -> 100, inode_hard 0 -> 200`,
        `group qteam on ${mountpoint}: block_hard 0 -> 20G`,
      ]);
      assert.equal(planned.diff[0]?.label, `quota on ${mountpoint}`);
      assert.match(planned.diff[0]?.after ?? '', /^user qbob: block_soft=5M block_hard=6M inode_soft=100 inode_hard=200$/m);
      assert.equal(await report(), snapshot, 'check mode changed the quota files');
    });

    test('apply sets the limits; a second run changes nothing', async () => {
      assert.equal((await run(first)).changed, true);
      assert.deepEqual(await limits('user', 'qalice'), [0, 10240, 0, 0]);
      assert.deepEqual(await limits('user', 'qbob'), [5120, 6144, 100, 200]);
      assert.deepEqual(await limits('group', 'qteam'), [0, 20 * 1024 * 1024, 0, 0]);
      const second = await run(first);
      assert.deepEqual(second.changes, []);
      assert.equal(second.changed, false);
    });

    test('sizes compare in bytes: 10240K and 10M are the same limit', async () => {
      assert.deepEqual((await run({ users: { qalice: '10240K', qbob: { block_hard: 6291456 } } })).changes, []);
    });

    test('a changed limit changes only that limit; limits not named are kept', async () => {
      const out = await run({ users: { qalice: '12M', qbob: { inode_hard: 300 } } });
      assert.deepEqual(out.changes, [`user qalice on ${mountpoint}: block_hard 10M -> 12M`, `user qbob on ${mountpoint}: inode_hard 200 -> 300`]);
      assert.deepEqual(await limits('user', 'qalice'), [0, 12288, 0, 0]);
      assert.deepEqual(await limits('user', 'qbob'), [5120, 6144, 100, 300]);
      assert.deepEqual((await run({ users: { qalice: '12M', qbob: { inode_hard: 300 } } })).changes, []);
    });

    test('0 removes a limit; a numeric id needs no account', async () => {
      const params = { users: { qalice: 0, '#4242': { block_hard: '1G', inode_hard: 1000 } } };
      assert.deepEqual((await run(params)).changes, [`user qalice on ${mountpoint}: block_hard 12M -> 0`, `user #4242 on ${mountpoint}: block_hard 0 -> 1G, inode_hard 0 -> 1000`]);
      assert.deepEqual(await limits('user', 'qalice'), [0, 0, 0, 0]);
      assert.deepEqual((await run(params)).changes, []);
    });

    test('an unknown user fails before anything is set', async () => {
      const snapshot = await report();
      await assert.rejects(run({ users: { qbob: '1G', nosuchuser: '1G' } }), /no user named nosuchuser/);
      assert.equal(await report(), snapshot);
    });

    if (s.enforced) {
      test('the kernel refuses a write past the hard limit', async () => {
        await run({ users: { qalice: { block_soft: '1M', block_hard: '2M' } } });
        await inHost(`mkdir -p ${mountpoint}/qalice && chown qalice ${mountpoint}/qalice`);
        const r = await s.ground().exec(s.hostName, ['su', '-s', '/bin/sh', 'qalice', '-c', `dd if=/dev/zero of=${mountpoint}/qalice/big bs=1M count=4`]);
        assert.notEqual(r.rc, 0, 'a 4 MiB write under a 2 MiB hard limit succeeded');
        assert.match(r.stderr, /quota exceeded/i);
      });
    }
  });
}
