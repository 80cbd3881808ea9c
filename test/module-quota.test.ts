// quota. ext4 runs for real: a loop-mounted ext4 with quota files inside a
// namespace host, set and read by the Linux quota tools over drover's ssh.
// This machine's kernel keeps no quota support (quotaon fails, nothing is
// enforced, and an xfs with quota options does not mount); the same scenario
// with enforcement runs in a QEMU guest (describeQuotaScenario with
// enforced: true). ZFS cannot run here at all: its backend, like xfs's, is
// tested by the commands it plans and by parsing its tools' output format.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseRepquotaCsv } from '../modules/support/quota/ext4.js';
import { parseXfsReport, xfs } from '../modules/support/quota/xfs.js';
import { zfsBackend } from '../modules/support/quota/zfs.js';
import { formatSize, parseSize } from '../modules/support/sizes.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { describeQuotaScenario } from './support/loop-fs-quota.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';

describe('sizes', () => {
  test('binary units, compared in bytes', () => {
    assert.equal(parseSize('10G'), 10 * 2 ** 30);
    assert.equal(parseSize('10GiB'), parseSize('10240M'));
    assert.equal(parseSize('500m'), 500 * 2 ** 20);
    assert.equal(parseSize('1.5K'), 1536);
    assert.equal(parseSize(4096), 4096);
    assert.throws(() => parseSize('ten gigs'), /not a size/);
    assert.equal(formatSize(10 * 2 ** 30), '10G');
    assert.equal(formatSize(1536), '1536');
    assert.equal(formatSize(0), '0');
  });
});

describe('report parsers', () => {
  test('repquota -O csv (captured from quota 4.06 on ext4)', () => {
    const csv = 'User,BlockStatus,FileStatus,BlockUsed,BlockSoftLimit,BlockHardLimit,BlockGrace,FileUsed,FileSoftLimit,FileHardLimit,FileGrace\n#0,ok,ok,13,0,0,0,2,0,0,0\n#1001,ok,ok,0,100,300,0,0,10,20,0\n';
    assert.deepEqual(parseRepquotaCsv(csv).get(1001), { block_soft: 102400, block_hard: 307200, inode_soft: 10, inode_hard: 20 });
  });
  test('xfs_quota report -n -N -b -i (format per xfs_quota(8); not captured: no xfs quota in this kernel)', () => {
    const text = '#0        0     0     0  00 [--------]      3     0     0  00 [--------]\n#1001   512  1024  2048  00 [6 days]       1    10    20  00 [--------]\n';
    assert.deepEqual(parseXfsReport(text).get(1001), { block_soft: 1024 * 1024, block_hard: 2048 * 1024, inode_soft: 10, inode_hard: 20 });
  });
});

describe('commands planned for backends that cannot run here', () => {
  test('xfs: one xfs_quota limit per id, sizes in KiB', () => {
    const cmd = xfs.setCommand('/home', { kind: 'user', name: 'alice' }, { block_soft: 0, block_hard: 10 * 2 ** 30, inode_soft: 0, inode_hard: 5000 });
    assert.equal(cmd.text, "xfs_quota -x -c 'limit -u bsoft=0k bhard=10485760k isoft=0 ihard=5000 alice' /home");
    assert.match(xfs.readCommand('/home', [{ kind: 'group', name: 'team' }]).text, /xfs_quota -x -c 'report -g -n -N -b -i' \/home/);
  });
  test('zfs: userquota@ and userobjquota@, none for no limit; no soft limits', () => {
    const zfs = zfsBackend(false);
    const cmd = zfs.setCommand('tank/home', { kind: 'user', name: 'alice' }, { block_soft: 0, block_hard: 10 * 2 ** 30, inode_soft: 0, inode_hard: 0 });
    assert.equal(cmd.text, 'zfs set userquota@alice=10737418240 userobjquota@alice=none tank/home');
    assert.match(zfs.unsupported({ block_soft: 1 }) ?? '', /no soft limits/);
    const keys = [{ kind: 'user', name: 'alice' }, { kind: 'group', name: '#1200' }] as const;
    assert.match(zfs.readCommand('tank/home', keys).text, /zfs get -H -p -o property,value userquota@alice,userobjquota@alice tank\/home/);
    // `zfs get -H -p -o property,value` output, tagged per key by the read script.
    const out = 'user:alice\tuserquota@alice\t10737418240\nuser:alice\tuserobjquota@alice\t-\ngroup:#1200\tgroupquota@1200\tnone\ngroup:#1200\tgroupobjquota@1200\t500\n';
    assert.deepEqual(Object.fromEntries(zfs.parseRead(out, keys)), {
      'user:alice': { block_soft: 0, block_hard: 10737418240, inode_soft: 0, inode_hard: 0 },
      'group:#1200': { block_soft: 0, block_hard: 0, inode_soft: 0, inode_hard: 500 },
    });
  });
  test('zfs per-user datasets (homes named by user hash): refquota of FILESYSTEM/NAME', () => {
    const zfs = zfsBackend(true);
    const hash = '3a33be55004107d5202a4fcf32a0a2d804a9e137';
    assert.equal(zfs.setCommand('tank/home', { kind: 'user', name: hash }, { block_soft: 0, block_hard: parseSize('10G'), inode_soft: 0, inode_hard: 0 }).text, `zfs set refquota=10737418240 tank/home/${hash}`);
    assert.match(zfs.readCommand('tank/home', [{ kind: 'user', name: hash }]).text, new RegExp(`zfs get -H -p -o property,value refquota tank/home/${hash}`));
    assert.match(zfs.unsupported({ inode_hard: 5 }) ?? '', /refquota limits bytes only/);
  });
});

const NAME = 'quotahost';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));

describeQuotaScenario('quota on a loop-mounted ext4 (quota files; this kernel does not enforce)', {
  fstype: 'ext4',
  ground: () => ground,
  host: () => host,
  hostName: NAME,
  enforced: false,
});
