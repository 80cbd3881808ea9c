// The namespace test ground: real sshd hosts that start fast, are reachable
// with strict host key checking, keep every write to themselves, and vanish
// without a trace, including when the process using them dies.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { liveNetns } from './support/netns.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const groundModule = fileURLToPath(new URL('../runner/testground/namespace-hosts.ts', import.meta.url));

/** The real OpenSSH client, strict: proves the ground's known_hosts and key work for any ssh, not only drover's. */
function ssh(g: TestGround, name: string, command: string, knownHosts = g.knownHostsFile) {
  const h = g.host(name);
  const args = ['-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`];
  args.push('-o', 'ConnectTimeout=5', '-i', g.privateKeyFile, '-p', String(h.port), `${h.user}@${h.address}`, command);
  return run('ssh', args, { encoding: 'utf8' });
}

async function links(): Promise<string[]> {
  const { stdout } = await run('ip', ['-j', 'link', 'show'], { encoding: 'utf8' });
  return (JSON.parse(stdout) as Array<{ ifname: string }>).map((l) => l.ifname);
}

async function netnsList(): Promise<string> {
  return (await run('ip', ['netns', 'list'], { encoding: 'utf8' })).stdout;
}


interface Footprint {
  pids: number[];
  netns: string[];
  bridge: string;
  veths: string[];
  dir: string;
}

function footprint(g: TestGround): Footprint {
  return {
    pids: g.hosts.flatMap((h) => [h.pid, h.initPid]),
    netns: g.hosts.map((h) => readlinkSync(h.netns)),
    bridge: g.network.bridge,
    veths: g.hosts.map((h) => h.veth),
    dir: g.dir,
  };
}

/** Gone, or dead and waiting for the machine's init to reap it (a process that exits leaves its children to init). */
function deadOrGone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}

async function assertGoneNow(f: Footprint, netnsBefore: string, afterCrash: boolean): Promise<void> {
  for (const pid of f.pids) {
    assert.ok(afterCrash ? deadOrGone(pid) : !existsSync(`/proc/${pid}`), `process ${pid} still exists`);
  }
  const live = liveNetns();
  for (const ns of f.netns) assert.equal(live.has(ns), false, `network namespace ${ns} still in use`);
  // Hosts' namespaces are never named; the list must not have grown by anything of ours.
  const named = (await netnsList()).split('\n').filter((l) => l && !netnsBefore.includes(l));
  assert.deepEqual(named.filter((l) => /drover|drvg/.test(l)), [], 'ip netns list shows a namespace of ours');
  assert.equal(readFileSync('/proc/mounts', 'utf8').includes(f.dir), false, 'a mount of the ground is still listed in /proc/mounts');
  const names = await links();
  for (const l of [f.bridge, ...f.veths]) assert.equal(names.includes(l), false, `link ${l} still exists`);
  assert.equal(existsSync(f.dir), false, `ground dir ${f.dir} still exists`);
}

/**
 * After stop() everything is gone at once. After a crash the exit hook can only
 * fire the kills: the kernel then tears the namespaces and veths down on its
 * own schedule, so allow it a few seconds.
 */
async function assertGone(f: Footprint, netnsBefore: string, afterCrash = false): Promise<void> {
  const deadline = Date.now() + (afterCrash ? 5000 : 0);
  for (;;) {
    try {
      return await assertGoneNow(f, netnsBefore, afterCrash);
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe('namespace test ground', () => {
  let ground: TestGround;
  let netnsBefore: string;

  before(async () => {
    netnsBefore = await netnsList();
    ground = await startHosts({ count: 3, namePrefix: 'tg' });
  });
  after(() => ground?.stop());

  test('hosts are reachable with the real ssh client under strict host key checking', async () => {
    const names = await Promise.all(ground.hosts.map(async (h) => (await ssh(ground, h.name, 'hostname')).stdout.trim()));
    assert.deepEqual(names, ['tg1', 'tg2', 'tg3']);
  });

  test('strict checking refuses a host whose key is not listed', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'drover-test-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const empty = join(dir, 'known_hosts');
    writeFileSync(empty, '');
    await assert.rejects(ssh(ground, 'tg1', 'true', empty), /Host key verification failed/);
  });

  test('each host has its own hostname, address and host key', async () => {
    const seen = await Promise.all(ground.hosts.map(async (h) => (await ground.exec(h.name, ['hostname'])).stdout.trim()));
    assert.deepEqual(seen, ['tg1', 'tg2', 'tg3']);
    assert.equal(new Set(ground.hosts.map((h) => h.address)).size, 3);
    assert.equal(new Set(ground.hosts.map((h) => h.hostKey.split(' ')[1])).size, 3);
    // Hosts resolve and reach each other by name through the bridge.
    const r = await ground.exec('tg1', ['sh', '-c', 'getent hosts tg2']);
    assert.match(r.stdout, new RegExp(`^${ground.host('tg2').address.replace(/\./g, '\\.')}\\s+tg2`));
  });

  test('a file written inside a host exists only there', async () => {
    await ssh(ground, 'tg1', 'echo probe > /etc/drover-probe');
    const inside = await ground.exec('tg1', ['cat', '/etc/drover-probe']);
    assert.equal(inside.stdout, 'probe\n');
    assert.equal(existsSync('/etc/drover-probe'), false, 'the write reached the real /etc');
    const other = await ground.exec('tg2', ['test', '-e', '/etc/drover-probe']);
    assert.notEqual(other.rc, 0, 'the write reached another host');
  });

  test('root has a clean home and the machine keeps its own /tmp and host keys', async () => {
    const r = await ground.exec('tg1', ['sh', '-c', 'ls -A /root; echo --; ls -A /tmp; echo --; ls /etc/ssh | grep ssh_host_']);
    assert.equal(r.stdout, '.ssh\n--\n--\nssh_host_ed25519_key\nssh_host_ed25519_key.pub\n');
  });

  test('the inventory lists every host with address, user and key', () => {
    const ini = ground.inventoryIni('web');
    assert.match(ini, /^\[web\]$/m);
    for (const h of ground.hosts) {
      assert.ok(ini.includes(`${h.name} ansible_host=${h.address} ansible_port=22 ansible_user=root ansible_ssh_private_key_file=${ground.privateKeyFile}`));
    }
    assert.ok(ini.includes(`UserKnownHostsFile=${ground.knownHostsFile}`));
  });

  test('stop() removes processes, namespaces, mounts, links and files, and is idempotent', async () => {
    const g = await startHosts({ count: 2, namePrefix: 'gone' });
    const f = footprint(g);
    await Promise.all([g.stop(), g.stop()]);
    await g.stop();
    await assertGone(f, netnsBefore);
  });

  test('a process that throws without calling stop() still cleans up on exit', async () => {
    const code = `
      const { startHosts } = await import(${JSON.stringify(groundModule)});
      const g = await startHosts({ count: 2, namePrefix: 'crash' });
      const fs = await import('node:fs');
      console.log(JSON.stringify({ pids: g.hosts.flatMap((h) => [h.pid, h.initPid]), netns: g.hosts.map((h) => fs.readlinkSync(h.netns)), bridge: g.network.bridge, veths: g.hosts.map((h) => h.veth), dir: g.dir }));
      throw new Error('test body failed');`;
    const child = await runChild(code);
    assert.notEqual(child.rc, 0);
    assert.match(child.stderr, /test body failed/);
    await assertGone(JSON.parse(child.stdout) as Footprint, netnsBefore, true);
  });

  test('a process ended by SIGTERM still cleans up', async () => {
    const code = `
      const { startHosts } = await import(${JSON.stringify(groundModule)});
      const g = await startHosts({ count: 1, namePrefix: 'term' });
      const fs = await import('node:fs');
      console.log(JSON.stringify({ pids: g.hosts.flatMap((h) => [h.pid, h.initPid]), netns: g.hosts.map((h) => fs.readlinkSync(h.netns)), bridge: g.network.bridge, veths: g.hosts.map((h) => h.veth), dir: g.dir }));
      setInterval(() => {}, 1000);`;
    const child = await runChild(code, 'SIGTERM');
    assert.equal(child.signal, 'SIGTERM');
    await assertGone(JSON.parse(child.stdout) as Footprint, netnsBefore, true);
  });

  test('after a SIGKILL the hosts die with the process and the next ground sweeps the rest', async () => {
    const code = `
      const { startHosts } = await import(${JSON.stringify(groundModule)});
      const g = await startHosts({ count: 1, namePrefix: 'killed' });
      const fs = await import('node:fs');
      console.log(JSON.stringify({ pids: g.hosts.flatMap((h) => [h.pid, h.initPid]), netns: g.hosts.map((h) => fs.readlinkSync(h.netns)), bridge: g.network.bridge, veths: g.hosts.map((h) => h.veth), dir: g.dir }));
      setInterval(() => {}, 1000);`;
    const child = await runChild(code, 'SIGKILL');
    assert.equal(child.signal, 'SIGKILL');
    const f = JSON.parse(child.stdout) as Footprint;
    // The parent-death signal took the hosts down; only the bridge and temp dir remain for the sweep.
    const deadline = Date.now() + 3000;
    while (!f.pids.every(deadOrGone) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(f.pids.every(deadOrGone), 'hosts outlived their SIGKILLed controller');
    const next = await startHosts({ count: 1, namePrefix: 'sweeper' });
    await next.stop();
    await assertGone(f, netnsBefore, true);
  });

  after(() => {
    // Hosts mount only inside their own namespaces: nothing ever shows in ours.
    assert.equal(readFileSync('/proc/mounts', 'utf8').includes('drover-ground-'), false);
  });
});

/** Run an ESM snippet in a fresh node (with tsx), optionally signalling it once it has printed its first line. */
function runChild(code: string, signal?: NodeJS.Signals): Promise<{ rc: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      if (signal && stdout.includes('\n')) child.kill(signal);
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (rc, sig) => {
      clearTimeout(killer);
      resolve({ rc, signal: sig, stdout, stderr });
    });
  });
}
