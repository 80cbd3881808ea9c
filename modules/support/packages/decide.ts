// From package statuses to actions and change sentences; the same rules for
// every backend, pure so tests can feed it fixtures.
import { ModuleFailure } from '../../../runner/module-api.js';
import type { DiffEntry } from '../../../runner/module-api.js';
import { versionMatches } from './apt.js';
import type { PackageActions, PackageOptions, PackageStatus } from './types.js';

export interface Decision {
  actions: PackageActions;
  changes: string[];
  diff: DiffEntry[];
}

/** Whether what is installed is what the request asks for (a version pin must match). */
function satisfied(status: PackageStatus): boolean {
  if (status.installed === null) return false;
  const wanted = status.request.version;
  return wanted === undefined || versionMatches(status.installed, wanted);
}

export function decide(statuses: readonly PackageStatus[], options: PackageOptions, cacheStale: boolean): Decision {
  const actions: PackageActions = { install: [], upgrade: [], remove: [], refresh: false };
  for (const status of statuses) {
    const { request } = status;
    if (options.state === 'absent') {
      // A pinned version is removed only if that version is the one installed.
      if (satisfied(status) || (options.purge && status.residual && request.version === undefined)) actions.remove.push(status);
      continue;
    }
    if (options.state === 'latest' && request.version !== undefined) {
      throw new ModuleFailure(`version number inconsistent with state=latest: ${request.spec}`);
    }
    if (!satisfied(status)) {
      // null: the backend looked and no repository has it. Fail now, so --check fails too.
      if (status.candidate === null) throw new ModuleFailure(`No package matching '${request.name}' is available`);
      actions.install.push(status);
    } else if (options.state === 'latest' && status.candidate != null && status.candidate !== status.installed) {
      actions.upgrade.push(status);
    }
  }
  const acting = actions.install.length + actions.upgrade.length + actions.remove.length > 0;
  // A refresh alone is the task's change only without names (Ansible: update_cache with no package).
  actions.refresh = cacheStale && (acting || statuses.length === 0);

  const changes: string[] = [];
  if (actions.refresh) changes.push('update the package cache');
  const each = (list: PackageStatus[], say: (s: PackageStatus) => string) => list.forEach((s) => changes.push(say(s)));
  each(actions.install, (s) => (s.installed ? `install ${s.request.spec} (now ${s.installed})` : `install ${s.request.spec}`));
  each(actions.upgrade, (s) => `upgrade ${s.request.name}: ${s.installed} -> ${s.candidate}`);
  each(actions.remove, (s) => (s.installed ? `${options.purge ? 'purge' : 'remove'} ${s.request.name} ${s.installed}` : `purge the configuration files of ${s.request.name}`));

  const touched = [...actions.install, ...actions.upgrade, ...actions.remove];
  const line = (s: PackageStatus, version: string | null | undefined) => `${s.request.name} ${version ?? '(not installed)'}\n`;
  const after = (s: PackageStatus) => (actions.remove.includes(s) ? null : (s.request.version ?? s.candidate ?? '(installed)'));
  const diff = touched.length
    ? [{ label: 'packages', before: touched.map((s) => line(s, s.installed)).join(''), after: touched.map((s) => line(s, after(s))).join('') }]
    : [];
  return { actions, changes, diff };
}
