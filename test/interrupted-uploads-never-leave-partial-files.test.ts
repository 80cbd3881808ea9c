// Killing drover in the middle of a large copy leaves the target with either
// its old or its new content, never a truncated file, and no temp file behind:
// the remote write checks the received byte count before the rename.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { projectRoot } from '../runner/paths.js';
import { runDrover } from './support/cli.js';

const BIG_BYTES = 128 * 1024 * 1024;
const OLD = 'the old content\n';

let ground: TestGround;
let dir: string;
let newDigest: string;

before(async () => {
  ground = await startHosts({ count: 1, namePrefix: 'upl' });
  dir = await mkdtemp(join(tmpdir(), 'drover-upload-'));
  // Random bytes: nothing on the way can compress the transfer into an instant.
  const big = randomBytes(BIG_BYTES);
  newDigest = createHash('sha256').update(big).digest('hex');
  await writeFile(join(dir, 'big.bin'), big);
  await writeFile(join(dir, 'hosts.ini'), ground.inventoryIni('all'));
  await writeFile(join(dir, 'copy.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: Upload the big file\n      copy: { src: ${join(dir, 'big.bin')}, dest: /srv/big.bin }\n`);
});

after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The host's /srv as seen from the controller (its overlay root, through its sshd's mount namespace). */
function hostSrv(): string {
  return `/proc/${ground.hosts[0]!.initPid}/root/srv`;
}

async function tempFiles(): Promise<string[]> {
  return (await readdir(hostSrv())).filter((name) => name.startsWith('.drover-tmp.'));
}

async function targetDigest(): Promise<string> {
  return createHash('sha256').update(await readFile(join(hostSrv(), 'big.bin'))).digest('hex');
}

/** Start the copy, wait until the remote temp file holds part of the upload, then send SIGNAL. */
async function interruptUpload(signal: NodeJS.Signals): Promise<{ code: number | null; receivedAtKill: number }> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx/esm'), 'runner/cli.ts', 'run', join(dir, 'copy.yml'), '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '--output', 'plain'], { cwd: projectRoot(), env: { ...process.env, NO_COLOR: '1' }, stdio: 'ignore' });
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  let receivedAtKill = 0;
  // Generous: on a loaded machine drover may take long to start; the test waits for the upload, it does not time it.
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const [temp] = await tempFiles();
    const size = temp ? await stat(join(hostSrv(), temp)).then((s) => s.size, () => 0) : 0;
    if (size > 1024 * 1024) {
      receivedAtKill = size;
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill(signal);
  return { code: await closed, receivedAtKill };
}

/** The remote side needs a moment to see the EOF and clean up; wait until no temp file is left. */
async function settled(): Promise<string[]> {
  for (let i = 0; i < 100; i++) {
    const left = await tempFiles();
    if (left.length === 0) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
  return tempFiles();
}

for (const signal of ['SIGKILL', 'SIGINT'] as const) {
  test(`${signal} during a ${BIG_BYTES / 1024 / 1024} MB upload leaves the old or the new file, never a partial one`, async () => {
    await writeFile(join(hostSrv(), 'big.bin'), OLD);
    const oldDigest = createHash('sha256').update(OLD).digest('hex');
    const { code, receivedAtKill } = await interruptUpload(signal);
    assert.ok(receivedAtKill > 0 && receivedAtKill < BIG_BYTES, `the kill came mid-upload (${receivedAtKill} bytes received)`);
    assert.deepEqual(await settled(), [], 'no temp file is left next to the target');
    const digest = await targetDigest();
    assert.ok(digest === oldDigest || digest === newDigest, `target is old or new content (size ${(await stat(join(hostSrv(), 'big.bin'))).size})`);
    // SIGINT lets the running task finish; SIGKILL leaves the old file.
    if (signal === 'SIGINT') {
      assert.equal(code, 130);
      assert.equal(digest, newDigest);
    } else {
      assert.equal(digest, oldDigest);
    }
    console.log(`# ${signal}: killed after ${receivedAtKill} of ${BIG_BYTES} bytes; exit ${code}; target ${digest === newDigest ? 'new' : 'old'} content`);
  });
}

test('a run after an interrupted upload writes the new file and leaves no temp file', async () => {
  await writeFile(join(hostSrv(), 'big.bin'), OLD);
  await interruptUpload('SIGKILL');
  await settled();
  const run = await runDrover(['run', join(dir, 'copy.yml'), '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '--output', 'plain']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(await targetDigest(), newDigest);
  assert.deepEqual(await tempFiles(), []);
});
