// How drover's controller cost grows with the inventory: N hosts with
// ansible_connection=local (no sshd, so only the engine is measured) and one
// `debug` task, run by the CLI under GNU time; prints wall time, CPU and peak
// RSS. Not part of `make test` (timings belong in a bench, not a test):
//   node --import tsx bench/scale-local-hosts.ts [HOSTS=10000]
// test/per-host-cost-does-not-grow-with-the-inventory.test.ts checks the same
// run's behaviour (every host ok, shared variables built once).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../runner/paths.js';

const hosts = Number(process.argv[2] ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'drover-scale-bench-'));
try {
  const lines = Array.from({ length: hosts }, (_, i) => `h${i} ansible_connection=local`);
  writeFileSync(join(dir, 'hosts.ini'), `[many]\n${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'site.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug:\n        msg: "{{ inventory_hostname }} of {{ groups.many | length }}"\n');
  const cli = join(projectRoot(), 'runner', 'cli.ts');
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, '--import', 'tsx', cli, 'run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), '--output', 'plain'], {
    cwd: projectRoot(),
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
  });
  const okHosts = (r.stdout.match(/: ok=1 /g) ?? []).length;
  const field = (name: string) => r.stderr.match(new RegExp(`${name}: (.*)`))?.[1] ?? '?';
  console.log(`${hosts} local hosts, one debug task: exit ${r.status}, ${okHosts} hosts ok`);
  console.log(`wall ${field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)')}, user ${field('User time \\(seconds\\)')} s, system ${field('System time \\(seconds\\)')} s, peak RSS ${Math.round(Number(field('Maximum resident set size \\(kbytes\\)')) / 1024)} MB`);
  if (r.status !== 0 || okHosts !== hosts) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
