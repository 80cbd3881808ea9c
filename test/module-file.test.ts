// file on a real (namespace) host over drover's ssh connection. The table's
// answers were recorded from Ansible itself (ansible-core 2.14.18 running
// lib/ansible/modules/file.py on the same setup): whether the first and the
// second run report changed, the error message, and what the directory holds
// afterwards. Each case also runs under --check on its own fresh copy, which
// must report the same answer and leave every byte and inode time as it was.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import file from '../modules/file.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { hostFiles } from './support/host-files.js';
import { runModule } from './support/module-harness.js';

const NAME = 'filehost';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));

const { inHost } = hostFiles(NAME, () => ground);

let dirs = 0;
/** A fresh directory with the case's setup run inside it. */
async function fresh(setup: string): Promise<string> {
  const dir = `/srv/file-test/${++dirs}`;
  await inHost(`mkdir -p "$1" && chmod 0755 "$1" && cd "$1" && ${setup || 'true'}`, [dir]);
  return dir;
}

/** Ansible's recorded listing: name|type|mode|owner|group|links (not dirs)|link target|size (files)[|mtime]. */
async function listing(dir: string, withTime: boolean): Promise<string[]> {
  const out = await inHost(`cd "$1" && find . -mindepth 1 -printf '%P|%y|%m|%u|%g|%n|%l|%s|%TY%Tm%Td%TH%TM.%TS\\0'`, [dir]);
  return out.split('\0').filter(Boolean).map((line) => {
    const f = line.split('|');
    if (f[1] === 'd') f[5] = f[7] = '';
    if (f[1] === 'l') f[7] = '';
    if (withTime) f[8] = f[8]!.slice(0, 15);
    return (withTime ? f : f.slice(0, 8)).join('|').split(dir).join('{dir}');
  }).sort();
}

/** Everything that any change would touch: kinds, modes, owners, content, mtime and ctime. */
async function snapshot(dir: string): Promise<string> {
  return inHost(`cd "$1" && find . -printf '%p|%y|%m|%u|%g|%n|%l|%s|%T@|%C@\\n' | sort && find . -type f -exec sha256sum {} + | sort`, [dir]);
}

const fill = (params: Record<string, unknown>, dir: string) =>
  Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v.split('{dir}').join(dir) : v]));

interface Case {
  name: string;
  /** Shell run in the case's fresh directory first. */
  setup: string;
  params: Record<string, unknown>;
  /** Expected failure message ({dir}: the case's directory). */
  error?: string;
  changed?: boolean;
  /** changed on the second run with the same params. */
  second?: boolean;
  after?: string[];
}

// Recorded from ansible-core 2.14.18 (python3 -m ansible.modules.file).
const CASES: Case[] = [
  {"name": "directory: creates missing parents, each with the mode", "setup": "", "params": {"path": "{dir}/a/b/c", "state": "directory", "mode": "0750"}, "changed": true, "second": false, "after": ["a/b/c|d|750|root|root|||", "a/b|d|750|root|root|||", "a|d|750|root|root|||"]},
  {"name": "directory: existing one gets the mode", "setup": "mkdir -m 0700 d", "params": {"path": "{dir}/d", "state": "directory", "mode": "0755"}, "changed": true, "second": false, "after": ["d|d|755|root|root|||"]},
  {"name": "directory: symbolic mode", "setup": "mkdir -m 0700 d", "params": {"path": "{dir}/d", "state": "directory", "mode": "u=rwX,g=rX,o="}, "changed": true, "second": false, "after": ["d|d|750|root|root|||"]},
  {"name": "directory: a file in the way is an error", "setup": "echo x > f", "params": {"path": "{dir}/f", "state": "directory"}, "error": "{dir}/f already exists as a file"},
  {"name": "directory: through a symlink to a directory (follow)", "setup": "mkdir -m 0700 real; ln -s real l", "params": {"path": "{dir}/l", "state": "directory", "mode": "0711"}, "changed": true, "second": false, "after": ["l|l|777|root|root|1|real|", "real|d|711|root|root|||"]},
  {"name": "file: absent is an error (file never creates)", "setup": "", "params": {"path": "{dir}/f", "state": "file"}, "error": "file ({dir}/f) is absent, cannot continue"},
  {"name": "file: sets mode and owner", "setup": "echo x > f; chmod 0600 f", "params": {"path": "{dir}/f", "state": "file", "mode": "0644", "owner": "nobody"}, "changed": true, "second": false, "after": ["f|f|644|nobody|root|1||2"]},
  {"name": "file: nothing asked, nothing changed", "setup": "echo x > f", "params": {"path": "{dir}/f", "state": "file"}, "changed": false, "second": false, "after": ["f|f|644|root|root|1||2"]},
  {"name": "file: a directory is an error", "setup": "mkdir d", "params": {"path": "{dir}/d", "state": "file"}, "error": "file ({dir}/d) is directory, cannot continue"},
  {"name": "touch: creates an empty file; touch again still changes", "setup": "", "params": {"path": "{dir}/t", "state": "touch"}, "changed": true, "second": true, "after": ["t|f|644|root|root|1||0"]},
  {"name": "touch: with both times preserved, the second run is ok", "setup": "", "params": {"path": "{dir}/t", "state": "touch", "mode": "0640", "access_time": "preserve", "modification_time": "preserve"}, "changed": true, "second": false, "after": ["t|f|640|root|root|1||0"]},
  {"name": "touch: an existing file gets the mode", "setup": "echo keep > t; chmod 0600 t", "params": {"path": "{dir}/t", "state": "touch", "mode": "0644", "access_time": "preserve", "modification_time": "preserve"}, "changed": true, "second": false, "after": ["t|f|644|root|root|1||5"]},
  {"name": "absent: removes a file", "setup": "echo x > f", "params": {"path": "{dir}/f", "state": "absent"}, "changed": true, "second": false, "after": []},
  {"name": "absent: removes a directory tree", "setup": "mkdir -p d/e; echo x > d/e/f", "params": {"path": "{dir}/d", "state": "absent"}, "changed": true, "second": false, "after": []},
  {"name": "absent: nothing there is ok", "setup": "", "params": {"path": "{dir}/nothing", "state": "absent"}, "changed": false, "second": false, "after": []},
  {"name": "absent: removes a symlink, not its target", "setup": "echo x > f; ln -s f l", "params": {"path": "{dir}/l", "state": "absent"}, "changed": true, "second": false, "after": ["f|f|644|root|root|1||2"]},
  {"name": "link: creates a relative symlink", "setup": "echo x > f", "params": {"path": "{dir}/l", "state": "link", "src": "f"}, "changed": true, "second": false, "after": ["f|f|644|root|root|1||2", "l|l|777|root|root|1|f|"]},
  {"name": "link: repoints an existing symlink", "setup": "echo x > f; echo y > g; ln -s f l", "params": {"path": "{dir}/l", "state": "link", "src": "g"}, "changed": true, "second": false, "after": ["f|f|644|root|root|1||2", "g|f|644|root|root|1||2", "l|l|777|root|root|1|g|"]},
  {"name": "link: a file in the way without force is an error", "setup": "echo x > f; echo y > l", "params": {"path": "{dir}/l", "state": "link", "src": "f"}, "error": "refusing to convert from file to symlink for {dir}/l"},
  {"name": "link: force replaces a file", "setup": "echo x > f; echo y > l", "params": {"path": "{dir}/l", "state": "link", "src": "f", "force": true}, "changed": true, "second": false, "after": ["f|f|644|root|root|1||2", "l|l|777|root|root|1|f|"]},
  {"name": "link: a missing src without force is an error", "setup": "", "params": {"path": "{dir}/l", "state": "link", "src": "missing"}, "error": "src file does not exist, use \"force=yes\" if you really want to create the link: {dir}/missing"},
  {"name": "link: force makes a dangling link", "setup": "", "params": {"path": "{dir}/l", "state": "link", "src": "missing", "force": true}, "changed": true, "second": false, "after": ["l|l|777|root|root|1|missing|"]},
  {"name": "link: force replaces an empty directory", "setup": "mkdir l; echo x > f", "params": {"path": "{dir}/l", "state": "link", "src": "f", "force": true}, "changed": true, "second": false, "after": ["f|f|644|root|root|1||2", "l|l|777|root|root|1|f|"]},
  {"name": "link: a non-empty directory is never replaced", "setup": "mkdir l; touch l/x; echo x > f", "params": {"path": "{dir}/l", "state": "link", "src": "f", "force": true}, "error": "the directory {dir}/l is not empty, refusing to convert it"},
  {"name": "link: with follow, mode goes to the target", "setup": "echo x > f; chmod 0600 f", "params": {"path": "{dir}/l", "state": "link", "src": "f", "mode": "0640"}, "changed": true, "second": false, "after": ["f|f|640|root|root|1||2", "l|l|777|root|root|1|f|"]},
  {"name": "link: follow=false, owner goes to the link itself", "setup": "echo x > f", "params": {"path": "{dir}/l", "state": "link", "src": "f", "owner": "nobody", "follow": false}, "changed": true, "second": false, "after": ["f|f|644|root|root|1||2", "l|l|777|nobody|root|1|f|"]},
  {"name": "link: absolute src", "setup": "echo x > f", "params": {"path": "{dir}/l", "state": "link", "src": "{dir}/f"}, "changed": true, "second": false, "after": ["f|f|644|root|root|1||2", "l|l|777|root|root|1|{dir}/f|"]},
  {"name": "hard: creates a hard link", "setup": "echo x > f", "params": {"path": "{dir}/h", "state": "hard", "src": "{dir}/f"}, "changed": true, "second": false, "after": ["f|f|644|root|root|2||2", "h|f|644|root|root|2||2"]},
  {"name": "hard: a different file in the way without force is an error", "setup": "echo x > f; echo y > h", "params": {"path": "{dir}/h", "state": "hard", "src": "{dir}/f"}, "error": "Cannot link, file exists at destination"},
  {"name": "hard: force replaces a different file", "setup": "echo x > f; echo y > h", "params": {"path": "{dir}/h", "state": "hard", "src": "{dir}/f", "force": true}, "changed": true, "second": false, "after": ["f|f|644|root|root|2||2", "h|f|644|root|root|2||2"]},
  {"name": "hard: src missing is an error", "setup": "", "params": {"path": "{dir}/h", "state": "hard", "src": "{dir}/missing"}, "error": "src does not exist"},
  {"name": "hard: path is a directory: the link goes inside, named after src", "setup": "echo x > f; mkdir d", "params": {"path": "{dir}/d", "state": "hard", "src": "{dir}/f"}, "changed": true, "second": false, "after": ["d/f|f|644|root|root|2||2", "d|d|755|root|root|||", "f|f|644|root|root|2||2"]},
  {"name": "no state: an existing directory stays one and gets the mode", "setup": "mkdir -m 0700 d", "params": {"path": "{dir}/d", "mode": "0755"}, "changed": true, "second": false, "after": ["d|d|755|root|root|||"]},
  {"name": "no state: a missing path means file, an error", "setup": "", "params": {"path": "{dir}/nothing", "mode": "0644"}, "error": "file ({dir}/nothing) is absent, cannot continue"},
  {"name": "no state with recurse: directory", "setup": "", "params": {"path": "{dir}/r", "recurse": true, "mode": "0755"}, "changed": true, "second": false, "after": ["r|d|755|root|root|||"]},
  {"name": "recurse: mode and owner on everything below", "setup": "mkdir -p r/s; echo x > r/f; echo y > r/s/g; chmod 0600 r/f; ln -s f r/l", "params": {"path": "{dir}/r", "state": "directory", "recurse": true, "mode": "u=rwX,g=rX,o=", "owner": "nobody"}, "changed": true, "second": false, "after": ["r/f|f|640|nobody|root|1||2", "r/l|l|777|nobody|root|1|f|", "r/s/g|f|640|nobody|root|1||2", "r/s|d|750|nobody|root|||", "r|d|750|nobody|root|||"]},
  {"name": "recurse needs state=directory", "setup": "echo x > f", "params": {"path": "{dir}/f", "state": "file", "recurse": true}, "error": "recurse option requires state to be 'directory'"},
  {"name": "src needs state link or hard", "setup": "echo x > f", "params": {"path": "{dir}/f", "state": "file", "src": "{dir}/g"}, "error": "src option requires state to be 'link' or 'hard'"},
  {"name": "modification_time: an explicit time, idempotent", "setup": "echo x > f", "params": {"path": "{dir}/f", "state": "file", "modification_time": "202001021530.45"}, "changed": true, "second": false, "after": ["f|f|644|root|root|1||2|202001021530.45"]},
  {"name": "modification_time with a custom format", "setup": "echo x > f", "params": {"path": "{dir}/f", "state": "file", "modification_time": "2020-01-02 15:30:45", "modification_time_format": "%Y-%m-%d %H:%M:%S", "access_time": "2021-02-03 04:05:06", "access_time_format": "%Y-%m-%d %H:%M:%S"}, "changed": true, "second": false, "after": ["f|f|644|root|root|1||2|202001021530.45"]},
  {"name": "hard: a symlink already pointing at src counts as done (Ansible compares link text)", "setup": "echo x > f; ln -s \"$PWD/f\" h", "params": {"path": "{dir}/h", "state": "hard", "src": "{dir}/f"}, "changed": false, "second": false, "after": ["f|f|644|root|root|1||2", "h|l|777|root|root|1|{dir}/f|"]},
  {"name": "link: without src an existing link is kept", "setup": "echo x > f; ln -s f l", "params": {"path": "{dir}/l", "state": "link"}, "changed": false, "second": false, "after": ["f|f|644|root|root|1||2", "l|l|777|root|root|1|f|"]},
  {"name": "link: without src nothing can be created", "setup": "", "params": {"path": "{dir}/l", "state": "link"}, "error": "src is required for creating new symlinks"},
  {"name": "directory: a dangling symlink is followed and its target made", "setup": "ln -s real l", "params": {"path": "{dir}/l", "state": "directory", "mode": "0700"}, "changed": true, "second": false, "after": ["l|l|777|root|root|1|real|", "real|d|700|root|root|||"]},
  {"name": "file: through a symlink, mode goes to the target", "setup": "echo x > f; ln -s f l", "params": {"path": "{dir}/l", "state": "file", "mode": "0600"}, "changed": true, "second": false, "after": ["f|f|600|root|root|1||2", "l|l|777|root|root|1|f|"]},
  {"name": "file: follow=false on a symlink is an error", "setup": "echo x > f; ln -s f l", "params": {"path": "{dir}/l", "state": "file", "follow": false}, "error": "file ({dir}/l) is link, cannot continue"},
  {"name": "touch: through a symlink, the target gets the mode", "setup": "echo x > f; ln -s f l", "params": {"path": "{dir}/l", "state": "touch", "mode": "0600", "access_time": "preserve", "modification_time": "preserve"}, "changed": true, "second": false, "after": ["f|f|600|root|root|1||2", "l|l|777|root|root|1|f|"]},
  {"name": "recurse: symbolic X keeps files without x bits plain", "setup": "mkdir -p r/s; echo x > r/a; echo y > r/b; chmod 0755 r/b; chmod 0700 r/s", "params": {"path": "{dir}/r", "state": "directory", "recurse": true, "mode": "a+rX"}, "changed": true, "second": false, "after": ["r/a|f|644|root|root|1||2", "r/b|f|755|root|root|1||2", "r/s|d|755|root|root|||", "r|d|755|root|root|||"]},
  {"name": "absent: an empty directory", "setup": "mkdir e", "params": {"path": "{dir}/e", "state": "absent"}, "changed": true, "second": false, "after": []},
];

describe('file: the same answers as Ansible, on a real host', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const withTime = c.name.startsWith('modification_time');
      // --check on its own fresh copy: the same answer, nothing touched.
      const checkDir = await fresh(c.setup);
      const before = await snapshot(checkDir);
      if (c.error) {
        await assert.rejects(runModule(host, file, fill(c.params, checkDir), { check: true }), { message: c.error.split('{dir}').join(checkDir) });
      } else {
        const checked = await runModule(host, file, fill(c.params, checkDir), { check: true });
        assert.equal(checked.changed, c.changed, `check mode: ${checked.changes.join('; ')}`);
        assert.equal(checked.changes.length > 0, c.changed);
      }
      assert.equal(await snapshot(checkDir), before, 'check mode changed the host');

      const dir = await fresh(c.setup);
      const params = fill(c.params, dir);
      if (c.error) {
        await assert.rejects(runModule(host, file, params), { message: c.error.split('{dir}').join(dir) });
        return;
      }
      const first = await runModule(host, file, params);
      assert.equal(first.changed, c.changed, first.changes.join('; '));
      assert.deepEqual(await listing(dir, withTime), c.after);
      const second = await runModule(host, file, params);
      assert.equal(second.changed, c.second, `second run: ${second.changes.join('; ')}`);
      if (!c.second) assert.deepEqual(second.changes, []);
      assert.deepEqual(await listing(dir, withTime), c.after);
    });
  }
});

/** Names that would run code, split words or become options if they ever reached a shell unquoted. */
const HOSTILE = [`it's "q"`, 'two  spaces', '$(touch canary)', '`touch canary`', '; touch canary', '| touch canary', 'line1\nline2', 'żółw 日本語 ✓', '-rf', '--help', '*', '\\', '$HOME', ' lead'];

/** No command hidden in a value ran: no canary anywhere a shell could have made it. */
async function assertNoCanary(dir: string): Promise<void> {
  assert.equal(await inHost(`for d in / /root /tmp "$1"; do [ -e "$d/canary" ] && echo "$d/canary"; done; true`, [dir]), '');
}

describe('file: hostile names reach the host unchanged and never run', () => {
  test('directory, touch, link, hard link and absent with every hostile name', async () => {
    const dir = await fresh('');
    for (const name of HOSTILE) {
      const path = `${dir}/${name}`;
      assert.equal((await runModule(host, file, { path, state: 'directory', mode: '0700' })).changed, true, name);
      assert.equal((await runModule(host, file, { path: `${path}/${name}`, state: 'touch' })).changed, true, name);
      assert.equal((await runModule(host, file, { path: `${path}/link`, state: 'link', src: name })).changed, true, name);
      assert.equal((await runModule(host, file, { path: `${path}/hard`, state: 'hard', src: `${path}/${name}` })).changed, true, name);
      assert.equal((await runModule(host, file, { path: `${path}/link`, state: 'link', src: name })).changed, false, name);
      // What is on disk, read without drover: names and link target byte for byte.
      const entries = (await inHost(`find "$1" -mindepth 1 -printf '%P|%y|%l|%n\\0'`, [path])).split('\0').filter(Boolean).sort();
      assert.deepEqual(entries, [`${name}|f||2`, 'hard|f||2', `link|l|${name}|1`].sort(), name);
      assert.equal(await inHost(`stat -c %a -- "$1"`, [path]), '700\n');
    }
    const top = (await inHost(`find "$1" -mindepth 1 -maxdepth 1 -printf '%f\\0'`, [dir])).split('\0').filter(Boolean).sort();
    assert.deepEqual(top, [...HOSTILE].sort());
    for (const name of HOSTILE) assert.equal((await runModule(host, file, { path: `${dir}/${name}`, state: 'absent' })).changed, true, name);
    assert.equal(await inHost(`ls -A "$1"`, [dir]), '');
    await assertNoCanary(dir);
  });

  test('a relative path starting with - is a path (in the login home), never an option', async () => {
    const name = '-n $(touch canary) x';
    assert.equal((await runModule(host, file, { path: name, state: 'touch' })).changed, true);
    assert.equal(await inHost('cd && ls -A -- "$1"', [name]), `${name}\n`);
    assert.equal((await runModule(host, file, { path: name, state: 'absent' })).changed, true);
    assert.equal((await runModule(host, file, { path: `-d ${name}`, state: 'directory', recurse: true, mode: '0700' })).changed, true);
    await inHost('cd && touch -- "$1/inner"', [`-d ${name}`]);
    assert.equal((await runModule(host, file, { path: `-d ${name}`, state: 'directory', recurse: true, mode: '0750' })).changed, true);
    assert.equal(await inHost('cd && stat -c %a -- "$1/inner"', [`-d ${name}`]), '750\n');
    await assertNoCanary('/root');
  });
});

describe('file: check mode and diff', () => {
  test('--check on a new directory lists the changes and the state diff, and creates nothing', async () => {
    const dir = await fresh('');
    const result = await runModule(host, file, { path: `${dir}/a/b`, state: 'directory', mode: '0750', owner: 'nobody' }, { check: true });
    assert.equal(result.changed, true);
    assert.equal(result.planOnly, true);
    assert.deepEqual(result.changes, [`create directory ${dir}/a/b (and 1 missing parent)`, `mode of ${dir}/a/b: (none) -> 0750`, `owner of ${dir}/a/b: (none) -> nobody`]);
    assert.deepEqual(result.diff, [{ label: `${dir}/a/b`, before: `path: ${dir}/a/b\nstate: absent\n`, after: `path: ${dir}/a/b\nstate: directory\n` }]);
    assert.equal(await inHost('ls -A "$1"', [dir]), '');
  });

  test('--check on attribute changes names each one and changes nothing', async () => {
    const dir = await fresh('echo x > f; chmod 0600 f');
    const before = await snapshot(dir);
    const result = await runModule(host, file, { path: `${dir}/f`, mode: 'g+r', owner: 'nobody', group: 'nogroup' }, { check: true });
    assert.deepEqual(result.changes, [`mode of ${dir}/f: 0600 -> 0640`, `owner of ${dir}/f: root -> nobody`, `group of ${dir}/f: root -> nogroup`]);
    assert.deepEqual(result.diff, []);
    assert.equal(await snapshot(dir), before);
  });

  test('recurse with follow reaches into a linked directory, the link itself gets the owner', async () => {
    const dir = await fresh('mkdir -p r other; echo x > other/t; chmod 0600 other/t; ln -s ../other r/to-other');
    const params = { path: `${dir}/r`, state: 'directory', recurse: true, owner: 'nobody', mode: '0750' };
    assert.equal((await runModule(host, file, params)).changed, true);
    assert.deepEqual(await listing(dir, false), ['other/t|f|750|nobody|root|1||2', 'other|d|750|nobody|root|||', 'r/to-other|l|777|nobody|root|1|../other|', 'r|d|750|nobody|root|||']);
    assert.equal((await runModule(host, file, params)).changed, false);
  });
});
