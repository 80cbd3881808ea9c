// get_url, uri and unarchive through the whole engine, as a role uses them: a
// play downloads an archive from a server this test starts on the ground's
// bridge, unpacks it on the host, asks a JSON endpoint and checks the answer.
// The first run changes the host, the second changes nothing, and a --check
// run after them changes nothing and reports nothing to change (get_url's HEAD
// gets 304; tar archives and uri are skipped in check mode, as in Ansible).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { recapOf, runDrover } from './support/cli.js';
import { snapshot } from './support/snapshot.js';
import { ARCHIVES, buildArchives } from './support/archives.js';
import { startFixtureServer, type FixtureServer } from './support/http-fixture-server.js';

let ground: TestGround;
let server: FixtureServer;
let dir: string;

const PLAY = `- hosts: all
  gather_facts: false
  tasks:
    - name: the app's directory
      file: { path: /opt/app, state: directory, mode: '0755' }
    - name: download the release
      get_url: { url: '{{ base }}/files/${ARCHIVES.tgz}', dest: /opt/app/release.tar.gz, mode: '0644' }
      register: fetched
    - name: unpack it
      unarchive: { src: /opt/app/release.tar.gz, dest: /opt/app, remote_src: true }
    - name: once only
      unarchive: { src: /opt/app/release.tar.gz, dest: /opt/app, remote_src: true, creates: /opt/app/top }
      register: once
    - name: ask the service
      uri: { url: '{{ base }}/headers', headers: { X-One: '{{ fetched.status_code | default(304) }}' } }
      register: answer
    - name: the answer is JSON
      assert:
        that:
          - ansible_check_mode or answer.json['user-agent'] == 'ansible-httpget'
          - ansible_check_mode or once is skipped
`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drover-netplay-'));
  const archives = buildArchives(join(dir, 'archives'));
  ground = await startHosts({ names: ['netplay'] });
  server = await startFixtureServer(ground.network.gateway, { files: { [ARCHIVES.tgz]: await readFile(join(archives, ARCHIVES.tgz)) } });
  await writeFile(join(dir, 'hosts.ini'), ground.inventoryIni('net'));
  await writeFile(join(dir, 'site.yml'), PLAY);
});
after(async () => {
  await server?.close();
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const drover = (...args: string[]) => runDrover(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '-e', `base=${server.base}`, ...args]);

test('a download-and-unpack play converges, then changes nothing, and check mode changes nothing', async () => {
  const first = await drover('--json');
  assert.equal(first.code, 0, first.stdout.slice(-3000) + first.stderr);
  assert.equal(recapOf(first.stdout).netplay!.changed, 3, 'directory, download, unpack');
  assert.equal((await ground.exec('netplay', ['cat', '/opt/app/top/sub/b.txt'])).stdout, 'beta\n');
  const second = await drover('--json');
  assert.equal(second.code, 0, second.stdout.slice(-3000) + second.stderr);
  assert.equal(recapOf(second.stdout).netplay!.changed, 0);
  const before = await snapshot(ground, 'netplay', ['/opt/app']);
  server.requests.length = 0;
  const checked = await drover('--json', '--check');
  assert.equal(checked.code, 0, checked.stdout.slice(-3000) + checked.stderr);
  assert.equal(recapOf(checked.stdout).netplay!.changed, 0);
  assert.deepEqual(server.requests.map((r) => r.method), ['HEAD'], 'check mode asks with HEAD only');
  assert.equal(await snapshot(ground, 'netplay', ['/opt/app']), before);
});
