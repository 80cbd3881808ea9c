// copy's registered result has Ansible's keys and values for the fields roles
// read: checksum is SHA-1, md5sum appears when the file was written, backup_file
// when a backup was made, and owner/mode keys as Ansible's file results.
// Recorded from ansible-core 2.14 (copy to a local temp dir, content "hello\n"
// then "hello2\n" with backup: true). Ansible's src for a written file is the
// temp file it uploaded (under its remote tmp dir); drover's is the temp file it
// staged the content in, beside dest; an unchanged file has no src, as in Ansible.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import copy from '../modules/copy.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { hostFiles } from './support/host-files.js';
import { runModule } from './support/module-harness.js';

const NAME = 'copyres';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));
const { fresh, inHost } = hostFiles(NAME, () => ground);

const OWNER = { gid: 0, group: 'root', mode: '0644', owner: 'root', uid: 0, state: 'file' };

test('create, unchanged, update with backup: the keys and values Ansible registers', async () => {
  const { dir } = await fresh(null);
  const dest = `${dir}/f`;
  const created = await runModule(host, copy, { dest, content: 'hello\n', mode: '0644' });
  const staged = created.result.src as string;
  assert.match(staged, new RegExp(`^${dir}/\\.drover-tmp\\.\\w{8}$`));
  // Written without diff mode: Ansible's copy registers an empty diff list; unchanged, the file module's path diff.
  assert.deepEqual(created.result, { ...OWNER, dest, size: 6, checksum: 'f572d396fae9206628714fb2ce00f72e94f2258f', md5sum: 'b1946ac92492d2347c6235b4d2611184', src: staged, diff: [] });
  const same = await runModule(host, copy, { dest, content: 'hello\n', mode: '0644' });
  assert.equal(same.changed, false);
  assert.deepEqual(same.result, { ...OWNER, dest, size: 6, checksum: 'f572d396fae9206628714fb2ce00f72e94f2258f', diff: { before: { path: dest }, after: { path: dest } } });
  const updated = await runModule(host, copy, { dest, content: 'hello2\n', backup: true });
  const backup = updated.result.backup_file as string;
  assert.match(backup, new RegExp(`^${dir}/f\\.\\d+\\.\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d~$`));
  assert.deepEqual(updated.result, { ...OWNER, dest, size: 7, checksum: '0d2aae7d156d796b97ae11b4dba506a55f54a75e', md5sum: 'a10edbbb8f28f8e98ee6b649ea2556f4', backup_file: backup, src: updated.result.src, diff: [] });
  // With diff mode (--diff, or the diff keyword) the content's before and after, dest as before_header.
  const diffed = await runModule(host, copy, { dest, content: 'hello3\n' }, { diff: true });
  assert.deepEqual(diffed.result.diff, [{ before: 'hello2\n', after: 'hello3\n', before_header: dest }]);
  assert.equal(await inHost('cat "$1"', [backup]), 'hello\n');
});
