// `ansible-playbook` for a target's runme.sh (test/support/ansible-target-run.ts
// puts a directory holding a wrapper for this file first on PATH): the same
// command line run by drover. Only flags drover really implements are
// translated, and only the ANSIBLE_* settings drover's config layer reads
// (runner/config/settings.ts) pass, for drover to apply or refuse; any other
// one ends the run with exit 5 and a message naming it, never silently
// dropped. The output is Ansible's default callback (`--output ansible`), as
// ansible-playbook's is, unless ANSIBLE_STDOUT_CALLBACK says otherwise. Every
// run records its events in DROVER_SHIM_LOG_DIR, which the harness tallies.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SETTINGS as DROVER_SETTINGS } from '../../runner/config/settings.js';

/** ansible-playbook flags drover has, with how many values each takes; the value is passed on as written. */
const FLAGS: Record<string, { drover: string; values: 0 | 1 }> = {
  '-i': { drover: '-i', values: 1 }, '--inventory': { drover: '-i', values: 1 }, '--inventory-file': { drover: '-i', values: 1 },
  '-l': { drover: '-l', values: 1 }, '--limit': { drover: '-l', values: 1 },
  '-t': { drover: '-t', values: 1 }, '--tags': { drover: '-t', values: 1 }, '--skip-tags': { drover: '--skip-tags', values: 1 },
  '-e': { drover: '-e', values: 1 }, '--extra-vars': { drover: '-e', values: 1 },
  '-f': { drover: '-f', values: 1 }, '--forks': { drover: '-f', values: 1 },
  '-C': { drover: '-C', values: 0 }, '--check': { drover: '-C', values: 0 },
  '-D': { drover: '-D', values: 0 }, '--diff': { drover: '-D', values: 0 },
  '-c': { drover: '-c', values: 1 }, '--connection': { drover: '-c', values: 1 },
  '-u': { drover: '-u', values: 1 }, '--user': { drover: '-u', values: 1 },
  '--private-key': { drover: '--private-key', values: 1 }, '--key-file': { drover: '--private-key', values: 1 },
  '-T': { drover: '-T', values: 1 }, '--timeout': { drover: '-T', values: 1 },
  '--ssh-common-args': { drover: '--ssh-common-args', values: 1 }, '--ssh-extra-args': { drover: '--ssh-extra-args', values: 1 },
  '--start-at-task': { drover: '--start-at-task', values: 1 },
  '--flush-cache': { drover: '--flush-cache', values: 0 },
  '--force-handlers': { drover: '--force-handlers', values: 0 },
  '--syntax-check': { drover: '--syntax-check', values: 0 },
  '--list-hosts': { drover: '--list-hosts', values: 0 }, '--list-tasks': { drover: '--list-tasks', values: 0 }, '--list-tags': { drover: '--list-tags', values: 0 },
  '-v': { drover: '-v', values: 0 }, '--verbose': { drover: '-v', values: 0 },
};

/** The environment variables of the settings drover reads (any other ANSIBLE_* set is refused). */
const SETTINGS = new Set(Object.values(DROVER_SETTINGS).flatMap((s) => s.env));
/** Set by the harness for ansible-playbook's own runs; they change nothing drover does (where files go, no retry files). */
const HARNESS_SETTINGS = new Set(['ANSIBLE_HOME', 'ANSIBLE_LOCAL_TEMP']);

function refuse(message: string): never {
  process.stderr.write(`ansible-playbook (drover shim): ${message}; drover does not implement it, so this run is refused rather than run differently\n`);
  process.exit(5);
}

function translate(argv: string[]): string[] {
  const options: string[] = [];
  const playbooks: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (/^-v{2,}$/.test(flag)) {
      options.push(flag);
      continue;
    }
    if (!flag.startsWith('-')) {
      playbooks.push(flag);
      continue;
    }
    const known = FLAGS[flag];
    if (known === undefined) refuse(`flag '${flag}'`);
    options.push(known.drover);
    if (known.values === 1) {
      const value = inline ?? argv[++i];
      if (value === undefined) refuse(`flag '${flag}' without its value`);
      options.push(value);
    }
  }
  if (playbooks.length !== 1) refuse(`${playbooks.length} playbooks (${playbooks.join(' ')}): drover runs one playbook per command`);
  return [playbooks[0]!, ...options];
}

const settings = Object.keys(process.env).filter((k) => k.startsWith('ANSIBLE_') && !SETTINGS.has(k) && !HARNESS_SETTINGS.has(k));
if (settings.length > 0) refuse(`setting ${settings.map((k) => `${k}=${process.env[k]}`).join(', ')}`);
const logDir = process.env.DROVER_SHIM_LOG_DIR;
if (logDir === undefined) refuse('DROVER_SHIM_LOG_DIR is not set (the harness sets it)');
const cli = join(import.meta.dirname, '..', '..', 'runner', 'cli.ts');
const [playbook, ...options] = translate(process.argv.slice(2));
const knownHosts = process.env.DROVER_SHIM_KNOWN_HOSTS === undefined ? [] : ['--known-hosts', process.env.DROVER_SHIM_KNOWN_HOSTS];
const output = process.env.ANSIBLE_STDOUT_CALLBACK === undefined ? ['--output', 'ansible'] : [];
const r = spawnSync(process.execPath, ['--import', process.env.DROVER_SHIM_TSX ?? 'tsx', cli, 'run', playbook!, ...options, ...knownHosts, ...output, '--log', logDir], { stdio: 'inherit' });
process.exit(r.status ?? 1);
