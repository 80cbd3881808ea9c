// Plan and apply for package, apt and dnf alike: one query for every name,
// a pure decision, then the backend's commands run in order.
import { ModuleFailure, type ApplyResult, type Plan } from '../../../runner/module-api.js';
import type { Host } from '../../../runner/host/types.js';
import { sh } from '../../../runner/quote.js';
import { apt } from './apt.js';
import { dnf } from './dnf.js';
import { decide } from './decide.js';
import type { PackageActions, PackageBackend, PackageOptions, PackageState } from './types.js';

export type { PackageOptions };

/** Ansible's state synonyms folded into the three states drover plans for. */
export function normaliseState(state: string | undefined): PackageState {
  if (state === 'absent' || state === 'removed') return 'absent';
  if (state === 'latest') return 'latest';
  return 'present';
}

/** Ansible's list parameters also take "a,b" as one string. */
export function nameList(name: string | readonly string[] | undefined): string[] {
  if (name === undefined) return [];
  const items = typeof name === 'string' ? name.split(',') : name;
  return items.map((n) => n.trim()).filter((n) => n !== '');
}

/** The backend for `use` (auto: from the host's pkg_mgr fact). */
export async function chooseBackend(host: Host, use: string | undefined): Promise<PackageBackend> {
  const manager = use && use !== 'auto' ? use : (await host.facts()).pkg_mgr;
  if (manager === 'apt') return apt;
  if (manager === 'dnf' || manager === 'yum') return dnf;
  throw new ModuleFailure(`no package backend for package manager '${manager}' (drover supports apt and dnf)`);
}

interface PackageRunState {
  backend: PackageBackend;
  actions: PackageActions;
  options: PackageOptions;
}

export async function planPackages(host: Host, backend: PackageBackend, names: readonly string[], options: PackageOptions): Promise<Plan<PackageRunState>> {
  if (names.length === 0 && !options.update_cache) throw new ModuleFailure('name is required (or update_cache)');
  const requests = names.map((n) => backend.parseRequest(n));
  // The tools first, in the same round trip: a missing one is named (exit 127, the shell's "not found").
  const probe = sh`for tool in ${[...backend.requires]}; do command -v "$tool" >/dev/null 2>&1 || { printf '%s\n' "$tool"; exit 127; }; done`;
  const query = await host.run(sh`${probe}
${backend.queryCommand(requests, options)}`);
  if (query.rc === 127 && backend.requires.includes(query.stdout.trim())) {
    throw new ModuleFailure(`${query.stdout.trim()} is not installed on this host: the ${backend.name} backend needs ${backend.requires.join(' and ')} (use: names the package manager; auto takes the host's pkg_mgr fact)`);
  }
  if (query.rc !== 0) {
    const what = query.rc === 4 ? 'updating the package lists failed' : `reading the package state failed (rc ${query.rc})`;
    throw new ModuleFailure(`${what}: ${query.stderr.trim()}`, { ...query });
  }
  const { statuses, cacheStale } = backend.parseQuery(query.stdout, requests, options);
  const { actions, changes, diff } = decide(statuses, options, cacheStale);
  return { changes, diff, state: { backend, actions, options }, result: { cache_updated: false } };
}

export async function applyPackages(host: Host, plan: Plan<PackageRunState>): Promise<ApplyResult> {
  const { backend, actions, options } = plan.state!;
  const stdout: string[] = [];
  const stderr: string[] = [];
  for (const command of backend.commands(actions, options)) {
    const out = await host.run(command, { env: backend.env });
    stdout.push(out.stdout);
    stderr.push(out.stderr);
    if (out.rc !== 0) {
      const detail = out.stderr.trim().split('\n').filter((l) => l.startsWith('E:') || l.startsWith('Error')).join(' ') || out.stderr.trim();
      throw new ModuleFailure(`'${command.display}' failed: ${detail}`, { rc: out.rc, stdout: stdout.join(''), stderr: stderr.join(''), cmd: command.display });
    }
  }
  const packagesChanged = actions.install.length + actions.upgrade.length + actions.remove.length > 0;
  const result = { rc: 0, stdout: stdout.join(''), stderr: stderr.join(''), cache_updated: actions.refresh };
  // Ansible's dnf calls a metadata refresh alone "not changed"; apt calls a cache update a change.
  return { result, changed: packagesChanged || (actions.refresh && backend.name === 'apt') };
}
