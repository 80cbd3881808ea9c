// The qemu test ground: disposable Debian guests with their own kernel, booted
// from a cached image (built here on first run: minutes), reachable with
// drover's own ssh connection, wired to each other on a private segment, and
// gone without a trace after stop() or when the process using them dies.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openConnection } from '../../runner/connection/open.js';
import { acquireBuildLock, ensureGuestImage } from '../../runner/testground/qemu-image.js';
import { QEMU_DIR_PREFIX, startVms, type QemuGround } from '../../runner/testground/qemu-hosts.js';
import { sweepDeadGrounds } from '../../runner/testground/qemu-process.js';

const groundModule = fileURLToPath(new URL('../../runner/testground/qemu-hosts.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const log = (line: string) => console.log(line);

/** PIDs of every qemu whose command line names a path below dir. */
function qemusUnder(dir: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
        const state = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1] ?? '';
        return cmd.startsWith('qemu-system') && cmd.includes(dir) && !state.startsWith('Z');
      } catch {
        return false;
      }
    })
    .map(Number);
}

function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, done: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('qemu test ground', () => {
  let ground: QemuGround | undefined;
  const g = (): QemuGround => ground as QemuGround;

  before(
    async () => {
      const image = await ensureGuestImage({ log });
      console.log(`guest image ${image.built ? 'built now' : 'cached'}: build took ${(image.buildMs / 1000).toFixed(1)} s (${image.dir})`);
      ground = await startVms({ names: ['vm1', 'vm2'], extraNics: { vm2: 1 }, log });
      for (const h of g().hosts) console.log(`${h.name}: boot to ssh ${(h.bootMs / 1000).toFixed(1)} s, qemu RSS ${rssMiB(h.pid)} MiB (${g().accel})`);
    },
    { timeout: 30 * 60_000 },
  );
  after(() => ground?.stop());

  test("drover's own ssh connection reaches every guest, host key checked; each guest has its own machine-id", async () => {
    const machineIds = new Set<string>();
    for (const h of g().hosts) {
      const connection = openConnection(g().target(h.name));
      try {
        await connection.connect();
        const r = await connection.exec('hostname; id -u');
        assert.deepEqual({ rc: r.rc, stdout: r.stdout }, { rc: 0, stdout: `${h.name}\n0\n` });
        machineIds.add((await connection.exec('cat /etc/machine-id')).stdout.trim());
      } finally {
        await connection.close();
      }
    }
    assert.match(readFileSync(g().knownHostsFile, 'utf8'), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${g().host('vm1').port} ssh-ed25519 `, 'm'));
    assert.equal(machineIds.size, g().hosts.length);
  });

  test('exec passes argv and stdin through unchanged', async () => {
    const tricky = `it's "$HOME" $(reboot) ; -n`;
    const r = await g().exec('vm1', ['sh', '-c', 'cat; printf "[%s]" "$1"', '-', tricky], { stdin: 'from stdin\n' });
    assert.deepEqual(r, { rc: 0, stdout: `from stdin\n[${tricky}]`, stderr: '' });
  });

  test("each guest runs Debian's kernel with modules: 802.1Q VLANs work inside", async () => {
    const kernel = (await g().exec('vm1', ['uname', '-r'])).stdout.trim();
    assert.notEqual(kernel, release());
    assert.match(kernel, /-amd64$/);
    for (const [name, addr] of [['vm1', '192.168.210.1/24'], ['vm2', '192.168.210.2/24']] as const) {
      const r = await g().exec(name, ['sh', '-ec', `modprobe 8021q; ip link add link eth1 name eth1.10 type vlan id 10; ip addr add ${addr} dev eth1.10; ip link set eth1.10 up; ip -d -br link show eth1.10`]);
      assert.equal(r.rc, 0, r.stderr);
    }
    const details = await g().exec('vm1', ['ip', '-d', 'link', 'show', 'eth1.10']);
    assert.match(details.stdout, /vlan protocol 802\.1Q id 10/);
    // Tagged frames cross the private segment's switch.
    const ping = await g().exec('vm1', ['ping', '-c', '2', '-W', '5', '192.168.210.2']);
    assert.equal(ping.rc, 0, ping.stdout + ping.stderr);
  });

  test('the guests reach each other on the private segment, by address and by name', async () => {
    const vm2 = g().host('vm2');
    const byAddress = await g().exec('vm1', ['ping', '-c', '2', '-W', '5', vm2.privateAddress]);
    assert.equal(byAddress.rc, 0, byAddress.stdout + byAddress.stderr);
    const byName = await g().exec('vm2', ['ping', '-c', '1', '-W', '5', 'vm1']);
    assert.equal(byName.rc, 0, byName.stdout + byName.stderr);
    assert.match(byName.stdout, new RegExp(`\\(${g().host('vm1').privateAddress.replace(/\./g, '\\.')}\\)`));
  });

  test('an extra NIC on the segment is up without an address', async () => {
    assert.deepEqual(g().host('vm2').segmentInterfaces, ['eth1', 'eth2']);
    const r = await g().exec('vm2', ['ip', '-j', 'addr', 'show', 'dev', 'eth2']);
    const [link] = JSON.parse(r.stdout) as Array<{ flags: string[]; addr_info: Array<{ family: string }> }>;
    assert.ok(link?.flags.includes('UP'));
    assert.deepEqual(link?.addr_info.filter((a) => a.family === 'inet'), []);
  });

  test('stop() leaves no qemu process, overlay or temp dir', async () => {
    const { dir } = g();
    const pids = g().hosts.map((h) => h.pid);
    assert.equal(qemusUnder(dir).length, 2);
    assert.ok(existsSync(join(dir, 'guests', 'vm1', 'overlay.qcow2')));
    await g().stop();
    assert.deepEqual(qemusUnder(dir), []);
    for (const pid of pids) assert.ok(!existsSync(`/proc/${pid}`) || readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z'), `qemu ${pid} still runs`);
    assert.equal(existsSync(dir), false);
    await g().stop(); // idempotent
  });
});

describe('a controller that dies leaves no guest behind', () => {
  /** A child process that starts one guest and reports its ground dir as soon as QEMU runs; `then` decides how it ends. */
  function controller(then: 'throw' | 'hang') {
    const script = `
      import { readdirSync } from 'node:fs';
      import { tmpdir } from 'node:os';
      const { startVms, QEMU_DIR_PREFIX } = await import(${JSON.stringify(groundModule)});
      startVms({ names: ['crash1'], log: (line) => {
        if (!line.includes('started')) return;
        const dir = readdirSync(tmpdir()).find((n) => n.startsWith(QEMU_DIR_PREFIX + process.pid + '-'));
        console.log('DIR ' + tmpdir() + '/' + dir);
        ${then === 'throw' ? "setTimeout(() => { throw new Error('controller crashed'); }, 200);" : ''}
      } });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const dir = new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /^DIR (.+)$/m.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.on('exit', () => reject(new Error(`controller ended before starting qemu: ${out}`)));
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    return { child, dir, exited };
  }

  test('an uncaught exception ends its qemu and removes its dir', { timeout: 120_000 }, async (t) => {
    const c = controller('throw');
    t.after(() => c.child.kill('SIGKILL'));
    const dir = await c.dir;
    await c.exited;
    await until('qemu to end', () => qemusUnder(dir).length === 0, 5000);
    assert.equal(existsSync(dir), false);
  });

  test('after a SIGKILL the next ground sweeps the orphaned qemu', { timeout: 120_000 }, async (t) => {
    const c = controller('hang');
    t.after(() => {
      c.child.kill('SIGKILL');
      sweepDeadGrounds(tmpdir(), QEMU_DIR_PREFIX);
    });
    const dir = await c.dir;
    await until('qemu to run', () => qemusUnder(dir).length === 1, 10_000);
    c.child.kill('SIGKILL');
    await c.exited;
    // Daemonized QEMU outlives a controller killed without any chance to clean up...
    assert.equal(qemusUnder(dir).length, 1);
    // ...until the next ground's start sweeps grounds whose owner is gone.
    sweepDeadGrounds(tmpdir(), QEMU_DIR_PREFIX);
    await until('orphaned qemu to end', () => qemusUnder(dir).length === 0, 5000);
    assert.equal(existsSync(dir), false);
  });
});

describe('guest image builders that race', () => {
  /** A lock dir as a builder leaves it: `${dir}.lock/pid`. */
  function lockAs(dir: string, pid: number): void {
    mkdirSync(`${dir}.lock`);
    writeFileSync(join(`${dir}.lock`, 'pid'), String(pid));
  }

  test('a second builder waits for a live one and then takes its image', { timeout: 30_000 }, async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'drover-image-lock-'));
    const holder = spawn('sleep', ['60'], { stdio: 'ignore' });
    t.after(() => {
      holder.kill('SIGKILL');
      rmSync(root, { recursive: true, force: true });
    });
    const dir = join(root, 'abc123');
    lockAs(dir, holder.pid as number);
    const lines: string[] = [];
    let settled = false;
    const waiting = acquireBuildLock(root, dir, (l) => lines.push(l)).finally(() => (settled = true));
    await sleep(2500);
    assert.equal(settled, false, 'took a lock whose owner is alive');
    assert.match(lines.join('\n'), new RegExp(`waiting for process ${holder.pid}`));
    // The holder finishes: its image appears (renamed into place whole), then it unlocks.
    mkdirSync(dir);
    writeFileSync(join(dir, 'ssh_host_ed25519_key.pub'), 'ssh-ed25519 AAAA test\n');
    writeFileSync(join(dir, 'build.json'), JSON.stringify({ buildMs: 1 }));
    rmSync(`${dir}.lock`, { recursive: true });
    assert.equal(await waiting, undefined);
  });

  test("the lock and temp dir of a builder that died are taken over", { timeout: 30_000 }, async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'drover-image-lock-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const dead = spawn('true');
    await new Promise((r) => dead.once('exit', r));
    const dir = join(root, 'abc123');
    lockAs(dir, dead.pid as number);
    const leftover = join(root, `.build-abc123-${dead.pid}`);
    mkdirSync(join(leftover, 'rootfs'), { recursive: true });
    const unlock = await acquireBuildLock(root, dir, () => undefined);
    assert.ok(unlock, 'no lock after its owner died');
    assert.equal(readFileSync(join(`${dir}.lock`, 'pid'), 'utf8'), String(process.pid));
    assert.equal(existsSync(leftover), false);
    unlock();
    assert.equal(existsSync(`${dir}.lock`), false);
  });
});
