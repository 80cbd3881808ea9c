// stat on a real (namespace) host over drover's ssh connection. The expected
// results were recorded from Ansible itself (ansible-core 2.14.18 running
// lib/ansible/modules/stat.py on the same setup): the same field names, the
// same values. Fields that differ between any two files or filesystems
// (times, inode, device, blocks, lsattr output) are recorded as '*': they
// must be present, their values are not compared.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import stat from '../modules/stat.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { hostFiles } from './support/host-files.js';
import { runModule } from './support/module-harness.js';

const NAME = 'stathost';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));

const { inHost } = hostFiles(NAME, () => ground);

let dirs = 0;
async function fresh(setup: string, name = ''): Promise<string> {
  const dir = `/srv/stat-test/${++dirs}${name ? `/${name}` : ''}`;
  await inHost(`mkdir -p -- "$1" && cd "$1" && ${setup || 'true'}`, [dir]);
  return dir;
}

/** Everything a change would touch, times included. */
const snapshot = (dir: string) => inHost(`find "$1" -printf '%p|%y|%m|%u|%g|%s|%T@|%C@\\n' | sort`, [dir]);

interface Case {
  name: string;
  setup: string;
  path: string;
  params: Record<string, unknown>;
  stat: Record<string, unknown>;
}

// Recorded from ansible-core 2.14.18 (python3 -m ansible.modules.stat).
const CASES: Case[] = [
  {"name": "a regular file", "setup": "printf \"hello\\n\" > f; chmod 0640 f; chown nobody f", "path": "f", "params": {}, "stat": {"exists": true, "path": "{dir}/f", "mode": "0640", "isdir": false, "ischr": false, "isblk": false, "isreg": true, "isfifo": false, "islnk": false, "issock": false, "uid": 65534, "gid": 0, "size": 6, "inode": "*", "dev": "*", "nlink": 1, "atime": "*", "mtime": "*", "ctime": "*", "wusr": true, "rusr": true, "xusr": false, "wgrp": false, "rgrp": true, "xgrp": false, "woth": false, "roth": false, "xoth": false, "isuid": false, "isgid": false, "blocks": "*", "block_size": "*", "device_type": 0, "readable": true, "writeable": true, "executable": false, "pw_name": "nobody", "gr_name": "root", "checksum": "f572d396fae9206628714fb2ce00f72e94f2258f", "mimetype": "text/plain", "charset": "us-ascii", "version": "*", "attributes": "*", "attr_flags": "*"}},
  {"name": "sha256 checksum", "setup": "printf \"hello\\n\" > f", "path": "f", "params": {"checksum_algorithm": "sha256"}, "stat": {"exists": true, "path": "{dir}/f", "mode": "0644", "isdir": false, "ischr": false, "isblk": false, "isreg": true, "isfifo": false, "islnk": false, "issock": false, "uid": 0, "gid": 0, "size": 6, "inode": "*", "dev": "*", "nlink": 1, "atime": "*", "mtime": "*", "ctime": "*", "wusr": true, "rusr": true, "xusr": false, "wgrp": false, "rgrp": true, "xgrp": false, "woth": false, "roth": true, "xoth": false, "isuid": false, "isgid": false, "blocks": "*", "block_size": "*", "device_type": 0, "readable": true, "writeable": true, "executable": false, "pw_name": "root", "gr_name": "root", "checksum": "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", "mimetype": "text/plain", "charset": "us-ascii", "version": "*", "attributes": "*", "attr_flags": "*"}},
  {"name": "md5 too, via get_md5", "setup": "printf \"hello\\n\" > f", "path": "f", "params": {"get_md5": true}, "stat": {"exists": true, "path": "{dir}/f", "mode": "0644", "isdir": false, "ischr": false, "isblk": false, "isreg": true, "isfifo": false, "islnk": false, "issock": false, "uid": 0, "gid": 0, "size": 6, "inode": "*", "dev": "*", "nlink": 1, "atime": "*", "mtime": "*", "ctime": "*", "wusr": true, "rusr": true, "xusr": false, "wgrp": false, "rgrp": true, "xgrp": false, "woth": false, "roth": true, "xoth": false, "isuid": false, "isgid": false, "blocks": "*", "block_size": "*", "device_type": 0, "readable": true, "writeable": true, "executable": false, "pw_name": "root", "gr_name": "root", "md5": "b1946ac92492d2347c6235b4d2611184", "checksum": "f572d396fae9206628714fb2ce00f72e94f2258f", "mimetype": "text/plain", "charset": "us-ascii", "version": "*", "attributes": "*", "attr_flags": "*"}},
  {"name": "no checksum, no mime, no attributes", "setup": "printf \"hello\\n\" > f", "path": "f", "params": {"get_checksum": false, "get_mime": false, "get_attributes": false}, "stat": {"exists": true, "path": "{dir}/f", "mode": "0644", "isdir": false, "ischr": false, "isblk": false, "isreg": true, "isfifo": false, "islnk": false, "issock": false, "uid": 0, "gid": 0, "size": 6, "inode": "*", "dev": "*", "nlink": 1, "atime": "*", "mtime": "*", "ctime": "*", "wusr": true, "rusr": true, "xusr": false, "wgrp": false, "rgrp": true, "xgrp": false, "woth": false, "roth": true, "xoth": false, "isuid": false, "isgid": false, "blocks": "*", "block_size": "*", "device_type": 0, "readable": true, "writeable": true, "executable": false, "pw_name": "root", "gr_name": "root"}},
  {"name": "an empty file", "setup": ": > f", "path": "f", "params": {}, "stat": {"exists": true, "path": "{dir}/f", "mode": "0644", "isdir": false, "ischr": false, "isblk": false, "isreg": true, "isfifo": false, "islnk": false, "issock": false, "uid": 0, "gid": 0, "size": 0, "inode": "*", "dev": "*", "nlink": 1, "atime": "*", "mtime": "*", "ctime": "*", "wusr": true, "rusr": true, "xusr": false, "wgrp": false, "rgrp": true, "xgrp": false, "woth": false, "roth": true, "xoth": false, "isuid": false, "isgid": false, "blocks": "*", "block_size": "*", "device_type": 0, "readable": true, "writeable": true, "executable": false, "pw_name": "root", "gr_name": "root", "checksum": "da39a3ee5e6b4b0d3255bfef95601890afd80709", "mimetype": "inode/x-empty", "charset": "binary", "version": "*", "attributes": "*", "attr_flags": "*"}},
  {"name": "setuid and setgid bits", "setup": "printf \"#!/bin/sh\\n\" > f; chmod 6755 f", "path": "f", "params": {}, "stat": {"exists": true, "path": "{dir}/f", "mode": "6755", "isdir": false, "ischr": false, "isblk": false, "isreg": true, "isfifo": false, "islnk": false, "issock": false, "uid": 0, "gid": 0, "size": 10, "inode": "*", "dev": "*", "nlink": 1, "atime": "*", "mtime": "*", "ctime": "*", "wusr": true, "rusr": true, "xusr": true, "wgrp": false, "rgrp": true, "xgrp": true, "woth": false, "roth": true, "xoth": true, "isuid": true, "isgid": true, "blocks": "*", "block_size": "*", "device_type": 0, "readable": true, "writeable": true, "executable": true, "pw_name": "root", "gr_name": "root", "checksum": "bd971bec88149956458a10fc9c5ecb3eb99dd452", "mimetype": "text/x-shellscript", "charset": "us-ascii", "version": "*", "attributes": "*", "attr_flags": "*"}},
  {"name": "a directory", "setup": "mkdir -m 0711 d", "path": "d", "params": {}, "stat": {"exists": true, "path": "{dir}/d", "mode": "0711", "isdir": true, "ischr": false, "isblk": false, "isreg": false, "isfifo": false, "islnk": false, "issock": false, "uid": 0, "gid": 0, "size": 4096, "inode": "*", "dev": "*", "nlink": 2, "atime": "*", "mtime": "*", "ctime": "*", "wusr": true, "rusr": true, "xusr": true, "wgrp": false, "rgrp": false, "xgrp": true, "woth": false, "roth": false, "xoth": true, "isuid": false, "isgid": false, "blocks": "*", "block_size": "*", "device_type": 0, "readable": true, "writeable": true, "executable": true, "pw_name": "root", "gr_name": "root", "mimetype": "inode/directory", "charset": "binary", "version": "*", "attributes": "*", "attr_flags": "*"}},
  {"name": "a symlink, not followed", "setup": "printf \"x\\n\" > f; ln -s f l", "path": "l", "params": {}, "stat": {"exists": true, "path": "{dir}/l", "mode": "0777", "isdir": false, "ischr": false, "isblk": false, "isreg": false, "isfifo": false, "islnk": true, "issock": false, "uid": 0, "gid": 0, "size": 1, "inode": "*", "dev": "*", "nlink": 1, "atime": "*", "mtime": "*", "ctime": "*", "wusr": true, "rusr": true, "xusr": true, "wgrp": true, "rgrp": true, "xgrp": true, "woth": true, "roth": true, "xoth": true, "isuid": false, "isgid": false, "blocks": "*", "block_size": "*", "device_type": 0, "readable": true, "writeable": true, "executable": false, "lnk_source": "{dir}/f", "lnk_target": "f", "pw_name": "root", "gr_name": "root", "mimetype": "inode/symlink", "charset": "binary", "version": "*", "attributes": "*", "attr_flags": "*"}},
  {"name": "a symlink, followed", "setup": "printf \"x\\n\" > f; ln -s f l", "path": "l", "params": {"follow": true}, "stat": {"exists": true, "path": "{dir}/l", "mode": "0644", "isdir": false, "ischr": false, "isblk": false, "isreg": true, "isfifo": false, "islnk": false, "issock": false, "uid": 0, "gid": 0, "size": 2, "inode": "*", "dev": "*", "nlink": 1, "atime": "*", "mtime": "*", "ctime": "*", "wusr": true, "rusr": true, "xusr": false, "wgrp": false, "rgrp": true, "xgrp": false, "woth": false, "roth": true, "xoth": false, "isuid": false, "isgid": false, "blocks": "*", "block_size": "*", "device_type": 0, "readable": true, "writeable": true, "executable": false, "pw_name": "root", "gr_name": "root", "checksum": "6fcf9dfbd479ed82697fee719b9f8c610a11ff2a", "mimetype": "inode/symlink", "charset": "binary", "version": "*", "attributes": "*", "attr_flags": "*"}},
  {"name": "a dangling symlink, not followed", "setup": "ln -s missing l", "path": "l", "params": {}, "stat": {"exists": true, "path": "{dir}/l", "mode": "0777", "isdir": false, "ischr": false, "isblk": false, "isreg": false, "isfifo": false, "islnk": true, "issock": false, "uid": 0, "gid": 0, "size": 7, "inode": "*", "dev": "*", "nlink": 1, "atime": "*", "mtime": "*", "ctime": "*", "wusr": true, "rusr": true, "xusr": true, "wgrp": true, "rgrp": true, "xgrp": true, "woth": true, "roth": true, "xoth": true, "isuid": false, "isgid": false, "blocks": "*", "block_size": "*", "device_type": 0, "readable": false, "writeable": false, "executable": false, "lnk_source": "{dir}/missing", "lnk_target": "missing", "pw_name": "root", "gr_name": "root", "mimetype": "unknown", "charset": "unknown", "version": "*", "attributes": "*", "attr_flags": "*"}},
  {"name": "a dangling symlink, followed: absent", "setup": "ln -s missing l", "path": "l", "params": {"follow": true}, "stat": {"exists": false}},
  {"name": "nothing there", "setup": "", "path": "nothing", "params": {}, "stat": {"exists": false}},
  {"name": "a fifo", "setup": "mkfifo -m 0600 p", "path": "p", "params": {}, "stat": {"exists": true, "path": "{dir}/p", "mode": "0600", "isdir": false, "ischr": false, "isblk": false, "isreg": false, "isfifo": true, "islnk": false, "issock": false, "uid": 0, "gid": 0, "size": 0, "inode": "*", "dev": "*", "nlink": 1, "atime": "*", "mtime": "*", "ctime": "*", "wusr": true, "rusr": true, "xusr": false, "wgrp": false, "rgrp": false, "xgrp": false, "woth": false, "roth": false, "xoth": false, "isuid": false, "isgid": false, "blocks": "*", "block_size": "*", "device_type": 0, "readable": true, "writeable": true, "executable": false, "pw_name": "root", "gr_name": "root", "mimetype": "inode/fifo", "charset": "binary", "version": "*", "attributes": "*", "attr_flags": "*"}},
  {"name": "binary content", "setup": "printf \"\\000\\001\\002\" > b", "path": "b", "params": {}, "stat": {"exists": true, "path": "{dir}/b", "mode": "0644", "isdir": false, "ischr": false, "isblk": false, "isreg": true, "isfifo": false, "islnk": false, "issock": false, "uid": 0, "gid": 0, "size": 3, "inode": "*", "dev": "*", "nlink": 1, "atime": "*", "mtime": "*", "ctime": "*", "wusr": true, "rusr": true, "xusr": false, "wgrp": false, "rgrp": true, "xgrp": false, "woth": false, "roth": true, "xoth": false, "isuid": false, "isgid": false, "blocks": "*", "block_size": "*", "device_type": 0, "readable": true, "writeable": true, "executable": false, "pw_name": "root", "gr_name": "root", "checksum": "0c7a623fd2bbc05b06423be359e4021d36e721ad", "mimetype": "application/octet-stream", "charset": "binary", "version": "*", "attributes": "*", "attr_flags": "*"}},
];

/** The recorded stat with this host's values where the recording says '*' (present, not compared). */
function expected(recorded: Record<string, unknown>, actual: Record<string, unknown>, dir: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(recorded)) {
    out[key] = value === '*' && key in actual ? actual[key] : typeof value === 'string' ? value.split('{dir}').join(dir) : value;
  }
  // A directory's size is the filesystem's business (4096 on ext4, other values on tmpfs/overlay).
  if (recorded.isdir === true) out.size = actual.size;
  return out;
}

describe('stat: the same fields and values as Ansible, on a real host', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const dir = await fresh(c.setup);
      const before = await snapshot(dir);
      for (const check of [false, true]) {
        const result = await runModule(host, stat, { ...c.params, path: `${dir}/${c.path}` }, { check });
        assert.equal(result.changed, false);
        assert.deepEqual(result.changes, []);
        const actual = result.result.stat as Record<string, unknown>;
        assert.deepEqual(actual, expected(c.stat, actual, dir));
      }
      assert.equal(await snapshot(dir), before, 'stat changed the host');
    });
  }
});

describe('stat: values reach the host unchanged', () => {
  test('a hostile path is looked at, never run', async () => {
    const name = `it's "q" $(touch canary) \`touch canary\`; touch canary | x\nżółw -n`;
    const dir = await fresh('', name);
    await inHost('cd "$1" && printf "hi\\n" > "$2" && ln -s "$2" link', [dir, name]);
    const result = await runModule(host, stat, { path: `${dir}/${name}`, checksum_algorithm: 'sha256' });
    const s = result.result.stat as Record<string, unknown>;
    assert.equal(s.exists, true);
    assert.equal(s.path, `${dir}/${name}`);
    assert.equal(s.checksum, '98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4');
    const link = (await runModule(host, stat, { path: `${dir}/link` })).result.stat as Record<string, unknown>;
    assert.equal(link.lnk_target, name);
    assert.equal(link.lnk_source, `${dir}/${name}`);
    assert.equal(await inHost('for d in / /root /tmp "$1"; do [ -e "$d/canary" ] && echo "$d/canary"; done; true', [dir]), '');
  });

  test('aliases: dest/name for path, checksum for checksum_algorithm', async () => {
    const dir = await fresh('printf "hello\\n" > f');
    const s = (await runModule(host, stat, { name: `${dir}/f`, checksum: 'sha256', get_mime: false })).result.stat as Record<string, unknown>;
    assert.equal(s.checksum, '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
    assert.equal('mimetype' in s, false);
  });
});
