// Config-file modules edit files as bytes: a line they do not touch keeps
// every byte, even when it is not UTF-8 (latin-1 comments, stray bytes), as
// lineinfile and Ansible (surrogateescape) do; the values they write stay
// UTF-8. On a real namespace host, for ini_file, sysctl, hosts_entry, cron
// (cron.d file and user crontab) and mount.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import cron from '../modules/cron.js';
import hostsEntry from '../modules/hosts_entry.js';
import iniFile from '../modules/ini_file.js';
import mount from '../modules/mount.js';
import { bytesToText, textToBytes } from '../modules/support/raw-text.js';
import sysctl from '../modules/sysctl.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { AnyModule } from '../runner/module-api.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { hostFiles } from './support/host-files.js';
import { runModule } from './support/module-harness.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';

const NAME = 'byteshost';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));
const { inHost } = hostFiles(NAME, () => ground);

/** Every byte 0x80-0xFF: no valid UTF-8 among them as a run, many invalid sequences. */
const HIGH = Buffer.from(Array.from({ length: 128 }, (_, i) => 0x80 + i));
const comment = (mark: string) => Buffer.concat([Buffer.from(`${mark} `), HIGH, Buffer.from('\n')]);
const bytes = (...parts: Array<string | Buffer>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));

async function write(path: string, content: Buffer): Promise<void> {
  await inHost('mkdir -p -- "$(dirname -- "$1")" && cat > "$1"', [path], content);
}
async function read(path: string): Promise<Buffer> {
  return Buffer.from(await inHost('base64 -w0 < "$1"', [path]), 'base64');
}

interface ByteCase {
  module: AnyModule;
  path: string;
  before: Buffer;
  params: Record<string, unknown>;
  after: Buffer;
}

const cases: Record<string, ByteCase> = {
  ini_file: {
    module: iniFile,
    path: '/srv/bytes/app.ini',
    before: bytes('[main]\n', comment(';'), 'key = 1\n', comment('#')),
    params: { path: '/srv/bytes/app.ini', section: 'main', option: 'key', value: 'zwei-ü' },
    after: bytes('[main]\n', comment(';'), 'key = zwei-ü\n', comment('#')),
  },
  sysctl: {
    module: sysctl,
    path: '/etc/sysctl.d/90-bytes.conf',
    before: bytes(comment('#'), 'net.ipv4.ip_forward=0\n', comment(';')),
    params: { name: 'net.ipv4.ip_forward', value: 1, sysctl_file: '/etc/sysctl.d/90-bytes.conf', reload: false },
    after: bytes(comment('#'), 'net.ipv4.ip_forward=1\n', comment(';')),
  },
  hosts_entry: {
    module: hostsEntry,
    path: '/srv/bytes/hosts',
    before: bytes('127.0.0.1 localhost\n', comment('#'), '10.0.0.5 app.example\n'),
    params: { path: '/srv/bytes/hosts', ip: '10.0.0.5', hostnames: ['app.example', 'app'] },
    after: bytes('127.0.0.1 localhost\n', comment('#'), '10.0.0.5 app.example app\n'),
  },
  'cron (cron.d file)': {
    module: cron,
    path: '/etc/cron.d/bytes',
    before: bytes(comment('#'), 'MAILTO=root\n'),
    params: { name: 'nightly', job: 'true', minute: '5', hour: '3', cron_file: 'bytes' },
    after: bytes(comment('#'), 'MAILTO=root\n', '#Ansible: nightly\n', '5 3 * * * root true\n'),
  },
  mount: {
    module: mount,
    path: '/srv/bytes/fstab',
    before: bytes(comment('#'), 'tmpfs /mnt/old tmpfs defaults 0 0\n'),
    params: { fstab: '/srv/bytes/fstab', path: '/mnt/new', src: 'tmpfs', fstype: 'tmpfs', opts: 'size=1m', state: 'present' },
    after: bytes(comment('#'), 'tmpfs /mnt/old tmpfs defaults 0 0\n', 'tmpfs /mnt/new tmpfs size=1m 0 0\n'),
  },
};

describe('config-file modules keep the bytes of lines they do not touch', () => {
  test('raw text: any bytes round-trip, and valid UTF-8 reads as itself', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (a) => textToBytes(bytesToText(Buffer.from(a))).equals(Buffer.from(a))), { numRuns: 5000 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => bytesToText(Buffer.from(s, 'utf8')) === s && textToBytes(s).equals(Buffer.from(s, 'utf8'))));
  });

  for (const [name, c] of Object.entries(cases)) {
    test(name, async () => {
      await write(c.path, c.before);
      const first = await runModule(host, c.module, c.params);
      assert.equal(first.changed, true, first.changes.join('; '));
      assert.deepEqual(await read(c.path), c.after);
      const second = await runModule(host, c.module, c.params);
      assert.equal(second.changed, false, second.changes.join('; '));
    });
  }

  test('cron (user crontab)', async () => {
    const table = bytes(comment('#'), 'MAILTO=root\n');
    await inHost('crontab -', [], table);
    const params = { name: 'hourly', job: 'true', minute: '7' };
    assert.equal((await runModule(host, cron, params)).changed, true);
    assert.deepEqual(Buffer.from(await inHost('crontab -l | base64 -w0'), 'base64'), bytes(table, '#Ansible: hourly\n', '7 * * * * true\n'));
    assert.equal((await runModule(host, cron, params)).changed, false);
  });
});
