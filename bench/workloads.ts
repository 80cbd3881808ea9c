// The work both tools do: one playbook text per workload, run unchanged by
// ansible-playbook and by drover, plus the controller files it uses, what a
// first and a second run must report, and a shell check that proves the
// work really reached a host (a benchmark of no-ops would be meaningless).
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type WorkloadName = 'a' | 'b';

export interface Workload {
  name: WorkloadName;
  /** As shown in the results table. */
  title: string;
  /** Module tasks per host. */
  tasks: number;
  /** changed results per host on the first run on a fresh host (the second run must report 0). */
  changesOnFirstRun: number;
  /** POSIX sh run inside a host: exit 0 only when everything the workload makes is in place. */
  verifyScript: string;
  playbook(gatherFacts: boolean): string;
}

export const GROUP = 'bench';
const SMALL_FILE = 'small.txt';
const SMALL_CONTENT = 'drover benchmark: a small uploaded file\n'.repeat(8);
const SMALL_SHA256 = createHash('sha256').update(SMALL_CONTENT).digest('hex');
const sameAsSmallFile = (path: string) => `test "$(sha256sum < ${path} | cut -d' ' -f1)" = ${SMALL_SHA256}`;
const TEMPLATE = 'app.conf.j2';
const TEMPLATE_TEXT = '# {{ bench_title }}\nhost = {{ inventory_hostname }}\nport = {{ bench_port }}\nworkers = {{ bench_workers | default(4) }}\n';

function play(name: string, gatherFacts: boolean, tasks: string[]): string {
  return [`- name: ${name}`, `  hosts: ${GROUP}`, `  gather_facts: ${gatherFacts}`, '  vars:', '    bench_title: drover benchmark', '    bench_port: 8080', '  tasks:', ...tasks, ''].join('\n');
}

/** Times preserved: a bare state=touch reports changed on every run, in Ansible as in drover. */
const touch = (path: string, extra: string[]) => [`    - name: touch ${path}`, '      file:', `        path: ${path}`, '        state: touch', ...extra.map((l) => `        ${l}`), '        modification_time: preserve', '        access_time: preserve'];

/** (a) pyinfra's performance set: a user, a touched file with owner and mode, an upload, a command. */
const workloadA: Workload = {
  name: 'a',
  title: 'a: user, touch, upload, command (4 tasks)',
  tasks: 4,
  changesOnFirstRun: 3,
  verifyScript: [
    'set -e',
    'id -u benchuser >/dev/null',
    'test "$(stat -c %U:%a /tmp/bench-touched)" = benchuser:640',
    sameAsSmallFile('/tmp/bench-uploaded.txt'),
  ].join('\n'),
  playbook: (gatherFacts) =>
    play('bench workload a', gatherFacts, [
      '    - name: create a user',
      '      user:',
      '        name: benchuser',
      ...touch('/tmp/bench-touched', ['owner: benchuser', 'mode: "0640"']),
      '    - name: upload a small file',
      '      copy:',
      `        src: ${SMALL_FILE}`,
      '        dest: /tmp/bench-uploaded.txt',
      '        mode: "0644"',
      '    - name: run a command',
      '      command: uname -a',
      '      changed_when: false',
    ]),
};

const five = [1, 2, 3, 4, 5];

/** (b) a 30-task configuration set: 5 each of file, copy, template, lineinfile, blockinfile, command with creates. */
const workloadB: Workload = {
  name: 'b',
  title: 'b: 30-task config set',
  tasks: 30,
  changesOnFirstRun: 30,
  verifyScript: [
    'set -e',
    'test "$(find /opt/bench -type f | wc -l)" = 18',
    'test "$(stat -c %a /opt/bench/data)" = 750',
    'test "$(stat -c %a /opt/bench/data/ready)" = 600',
    'grep -qx "setting_4 = value_4" /opt/bench/conf.d/04.conf',
    sameAsSmallFile(`/opt/bench/data/${SMALL_FILE}`),
    'grep -qx "host = $(hostname)" /opt/bench/app-5.conf',
    'test "$(grep -c "^key_[1-5]=value_[1-5]$" /opt/bench/settings.ini)" = 5',
    'test "$(grep -c "^# \\(BEGIN\\|END\\) block [1-5]$" /opt/bench/blocks.txt)" = 10',
    'for n in 1 2 3 4 5; do test -f /opt/bench/log/marker-$n; done',
  ].join('\n'),
  playbook: (gatherFacts) =>
    play('bench workload b', gatherFacts, [
      ...[
        ['/opt/bench', '0755'],
        ['/opt/bench/conf.d', '0755'],
        ['/opt/bench/data', '0750'],
        ['/opt/bench/log', '0755'],
      ].flatMap(([path, mode]) => [`    - name: directory ${path}`, '      file:', `        path: ${path}`, '        state: directory', `        mode: "${mode}"`]),
      ...touch('/opt/bench/data/ready', ['mode: "0600"']),
      ...[1, 2, 3, 4].flatMap((n) => [`    - name: copy content ${n}`, '      copy:', `        dest: /opt/bench/conf.d/0${n}.conf`, `        content: "setting_${n} = value_${n}\\n"`, '        mode: "0644"']),
      '    - name: copy a controller file',
      '      copy:',
      `        src: ${SMALL_FILE}`,
      `        dest: /opt/bench/data/${SMALL_FILE}`,
      '        mode: "0640"',
      ...five.flatMap((n) => [`    - name: template ${n}`, '      template:', `        src: ${TEMPLATE}`, `        dest: /opt/bench/app-${n}.conf`, '        mode: "0644"']),
      ...five.flatMap((n) => [`    - name: lineinfile ${n}`, '      lineinfile:', '        path: /opt/bench/settings.ini', `        regexp: "^key_${n}="`, `        line: "key_${n}=value_${n}"`, '        create: true', '        mode: "0644"']),
      ...five.flatMap((n) => [`    - name: blockinfile ${n}`, '      blockinfile:', '        path: /opt/bench/blocks.txt', `        marker: "# {mark} block ${n}"`, `        block: "line one of ${n}\\nline two of ${n}"`, '        create: true']),
      ...five.flatMap((n) => [`    - name: command ${n}`, '      command:', `        cmd: touch /opt/bench/log/marker-${n}`, `        creates: /opt/bench/log/marker-${n}`]),
    ]),
};

export const WORKLOADS: Record<WorkloadName, Workload> = { a: workloadA, b: workloadB };

/** Write every workload's playbook (facts off and on) and the files they use into dir; returns the playbook path. */
export async function writeWorkloadFiles(dir: string): Promise<(w: WorkloadName, gatherFacts: boolean) => string> {
  await writeFile(join(dir, SMALL_FILE), SMALL_CONTENT);
  await writeFile(join(dir, TEMPLATE), TEMPLATE_TEXT);
  for (const w of Object.values(WORKLOADS)) {
    for (const facts of [false, true]) await writeFile(join(dir, playbookName(w.name, facts)), w.playbook(facts));
  }
  return (w, facts) => join(dir, playbookName(w, facts));
}

function playbookName(w: WorkloadName, gatherFacts: boolean): string {
  return `workload-${w}${gatherFacts ? '-facts' : ''}.yml`;
}
