// What the results must say about where they were measured: date, machine,
// versions, and how busy the machine was (the load average: a shared machine
// makes every number noisier).
import { cpus, loadavg, totalmem } from 'node:os';
import { projectRoot } from '../runner/paths.js';
import { runCommand } from '../runner/testground/run-command.js';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  loadAverage: number[];
  node: string;
  droverRev: string;
  ansibleCore: string;
  openssh: string;
}

async function firstLine(argv: string[], cwd?: string): Promise<string> {
  const r = await runCommand(cwd ? ['git', '-C', cwd, ...argv.slice(1)] : argv);
  return `${r.stdout}${r.stderr}`.trim().split('\n')[0] ?? '';
}

export async function describeMachine(): Promise<MachineInfo> {
  const root = projectRoot();
  const rev = await firstLine(['git', 'rev-parse', '--short', 'HEAD'], root);
  const dirty = (await runCommand(['git', '-C', root, 'status', '--porcelain', '--untracked-files=no'])).stdout.trim() ? ' (with uncommitted changes)' : '';
  const ansible = /core ([\d.]+)/.exec(await firstLine(['ansible-playbook', '--version']))?.[1] ?? 'unknown';
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage: loadavg(),
    node: process.version,
    droverRev: `${rev}${dirty}`,
    ansibleCore: ansible,
    openssh: await firstLine(['ssh', '-V']),
  };
}
