// A run of 20 real hosts is recorded (drover run --log DIR) and written as an
// HTML report (drover report latest -o FILE); a real headless Chromium loads
// the page from disk: it asks for nothing over the network, its result rows
// and timeline bars agree with the PLAY RECAP the run printed, and the host
// filter shows one host's results only. DROVER_UPDATE_SCREENSHOTS=1 writes
// the screenshot to docs/images/run-report.png (committed), else to a temp dir.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { projectRoot } from '../runner/paths.js';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { runDrover } from './support/cli.js';

const HOSTS = Array.from({ length: 20 }, (_, i) => `web${i + 1}`);
const BROKEN = 'web7';

const PLAYBOOK = `
- hosts: web
  gather_facts: false
  tasks:
    - name: motd names the host
      copy:
        dest: /etc/motd
        content: "{{ inventory_hostname }} is managed by drover\\n"
    - name: uptime is read, nothing changes
      command: cat /proc/uptime
      changed_when: false
    - name: the broken host fails here
      fail:
        msg: "{{ inventory_hostname }} is broken on purpose"
      when: inventory_hostname == '${BROKEN}'
    - name: never on a Tuesday
      debug:
        msg: skipped everywhere
      when: false
    - name: two marker files
      file:
        path: "/tmp/{{ item }}"
        state: touch
      loop: [alpha, beta]
`;

let ground: TestGround;
let dir: string;
let browser: Browser | undefined;

before(async () => {
  ground = await startHosts({ names: HOSTS });
  dir = mkdtempSync(join(tmpdir(), 'drover-report-'));
  writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
  writeFileSync(join(dir, 'hosts.ini'), ground.inventoryIni('web'));
});

after(async () => {
  await browser?.close();
  await ground?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const RECAP = /^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)/;

test('a recorded 20-host run renders as a report whose rows match the recap, filtered by host in Chromium', async () => {
  const runs = join(dir, 'runs');
  const run = await runDrover(['run', 'site.yml', '-i', 'hosts.ini', '--known-hosts', ground.knownHostsFile, '--output', 'plain', '--log', runs], { cwd: dir });
  assert.equal(run.code, 2, run.stderr + run.stdout);
  const recap = new Map(run.stdout.split('\n').flatMap((l) => {
    const m = RECAP.exec(l);
    return m ? [[m[1]!, { ok: Number(m[2]), changed: Number(m[3]), failed: Number(m[5]), skipped: Number(m[6]) }] as const] : [];
  }));
  assert.equal(recap.size, HOSTS.length);
  assert.equal(statSync(runs).mode & 0o777, 0o700);

  const page = join(dir, 'report.html');
  const report = await runDrover(['report', 'latest', '--log', runs, '-o', page], { cwd: dir });
  assert.equal(report.code, 0, report.stderr);
  assert.equal(report.stdout.trim(), page);
  assert.doesNotMatch(readFileSync(page, 'utf8'), /<(link|img)\b|src=["']http/, 'the page loads nothing from elsewhere');

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const remote: string[] = [];
  tab.on('request', (r) => {
    if (!r.url().startsWith('file:')) remote.push(r.url());
  });
  const errors: string[] = [];
  tab.on('pageerror', (e) => errors.push(e.message));
  await tab.goto(`file://${page}`);
  assert.deepEqual(errors, []);
  assert.deepEqual(remote, []);

  for (const [host, counts] of recap) {
    const rows = (status: string) => tab.locator(`tr.result[data-host="${host}"][data-status="${status}"]`).count();
    assert.equal(await rows('changed'), counts.changed, `${host} changed`);
    assert.equal(await rows('failed'), counts.failed, `${host} failed`);
    assert.equal(await rows('skipped'), counts.skipped, `${host} skipped`);
    // ok in the recap counts changed results too, as Ansible's does.
    assert.equal((await rows('ok')) + (await rows('changed')), counts.ok, `${host} ok`);
    assert.equal(await tab.locator(`.bar[data-host="${host}"]`).count(), counts.ok + counts.failed + counts.skipped, `${host} timeline bars`);
  }
  assert.equal(recap.get(BROKEN)!.failed, 1);
  assert.match(await tab.locator('#recap').innerText(), /web7\s+: ok=2\s+changed=1\s+unreachable=0\s+failed=1/);

  await tab.selectOption('#host-filter', BROKEN);
  const visible = tab.locator('tr.result:visible');
  const visibleHosts = await visible.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-host')));
  assert.ok(visibleHosts.length > 0);
  assert.deepEqual([...new Set(visibleHosts)], [BROKEN]);
  assert.match(await visible.filter({ hasText: 'is broken on purpose' }).innerText(), /failed/);

  const shot = process.env.DROVER_UPDATE_SCREENSHOTS === '1' ? join(projectRoot(), 'docs/images/run-report.png') : join(dir, 'run-report.png');
  await tab.selectOption('#host-filter', '');
  await tab.screenshot({ path: shot, fullPage: false });
  assert.ok(statSync(shot).size > 10_000, 'a screenshot with something on it');
});
