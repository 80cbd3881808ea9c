// The dnf backend (Fedora, RHEL 8+ and their rebuilds): rpm -q for what is
// installed, `dnf check-update` for newer versions (only for state latest),
// dnf install/upgrade/remove to act. Requests are passed to rpm and dnf as
// given (names, name-version, name.arch); dnf groups (@group), URLs and local
// rpm files are not supported.
import { sh, type Command } from '../../../runner/quote.js';
import { ModuleFailure } from '../../../runner/module-api.js';
import type { PackageBackend, PackageOptions, PackageStatus } from './types.js';

/** dnf's repository and gpg switches, each one quoted word like --enablerepo=epel. */
function dnfFlags(options: PackageOptions): string[] {
  return [
    ...(options.enablerepo ?? []).map((r) => `--enablerepo=${r}`),
    ...(options.disablerepo ?? []).map((r) => `--disablerepo=${r}`),
    ...(options.disable_gpg_check ? ['--nogpgcheck'] : []),
    ...(options.install_weak_deps === false ? ['--setopt=install_weak_deps=False'] : []),
  ];
}

export const dnf: PackageBackend = {
  name: 'dnf',
  requires: ['rpm', 'dnf'],
  env: {},

  parseRequest(spec) {
    // No globs, spaces or leading '-': dnf would expand a pattern to other packages, or take an option.
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.+:~^-]*$/.test(spec)) throw new ModuleFailure(`invalid package name ${JSON.stringify(spec)} (wildcards, groups and version operators are not supported)`);
    return { spec, name: spec };
  },

  queryCommand(requests, options) {
    const names = requests.map((r) => r.name);
    const installed = sh`set -- ${names}
for p in "$@"; do
  if v=$(rpm -q --qf '%{VERSION}-%{RELEASE}.%{ARCH}\\n' -- "$p" 2>/dev/null); then printf 'pkg\\tinstalled\\t%s\\n' "$(printf '%s\\n' "$v" | head -n 1)"; else printf 'pkg\\tmissing\\t\\n'; fi
done`;
    if (options.state !== 'latest' || names.length === 0) return installed;
    // check-update exits 100 when it lists updates, 0 when none, 1 on error.
    const refresh = options.update_cache ? ['--refresh'] : [];
    return sh`${installed}
printf 'updates\\n'
dnf ${['-q', ...refresh, ...dnfFlags(options), 'check-update']} -- "$@"
printf '\\ncheck-update-rc\\t%s\\n' "$?"`;
  },

  parseQuery(stdout, requests, options) {
    const lines = stdout.split('\n');
    const rows = lines.filter((l) => l.startsWith('pkg\t')).map((l) => l.split('\t'));
    if (rows.length !== requests.length) throw new ModuleFailure(`unexpected output from the rpm query:\n${stdout}`);
    const updates = options.state === 'latest' && requests.length > 0 ? parseCheckUpdate(lines) : null;
    const statuses: PackageStatus[] = requests.map((request, i) => {
      const [, status, version = ''] = rows[i]!;
      const installed = status === 'installed' ? version : null;
      if (updates === null) return { request, installed, residual: false };
      // No update listed: what is installed is the newest (or, if missing, leave it to dnf install).
      return { request, installed, residual: false, candidate: updates.get(request.name) ?? installed ?? undefined };
    });
    return { statuses, cacheStale: options.update_cache === true };
  },

  commands(actions, options) {
    const flags = dnfFlags(options);
    const commands: Command[] = [];
    // Words in one list, so absent flags leave no gaps in the displayed command.
    const specs = (list: PackageStatus[]) => list.map((s) => s.request.spec);
    if (actions.refresh) commands.push(sh`dnf ${['-q', ...flags, 'makecache', '--refresh']}`);
    if (actions.install.length) commands.push(sh`dnf ${['-y', '-q', ...flags, 'install', '--', ...specs(actions.install)]}`);
    if (actions.upgrade.length) commands.push(sh`dnf ${['-y', '-q', ...flags, 'upgrade', '--', ...specs(actions.upgrade)]}`);
    if (actions.remove.length) commands.push(sh`dnf ${['-y', '-q', 'remove', '--', ...specs(actions.remove)]}`);
    return commands;
  },
};

/** `dnf check-update` lines "name.arch  version-release  repo" -> name -> version. */
export function parseCheckUpdate(lines: readonly string[]): Map<string, string> {
  const start = lines.indexOf('updates');
  const rcLine = lines.find((l) => l.startsWith('check-update-rc\t'));
  const rc = Number(rcLine?.split('\t')[1]);
  if (rc !== 0 && rc !== 100) {
    throw new ModuleFailure(`dnf check-update failed (rc ${rcLine ? rc : 'unknown'})`, { rc, stdout: lines.join('\n') });
  }
  const updates = new Map<string, string>();
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('check-update-rc\t')) break;
    // "Obsoleting Packages" ends the list of plain updates.
    if (/^Obsoleting/i.test(line)) break;
    const m = /^(\S+)\.([^.\s]+)\s+(\S+)\s+\S+\s*$/.exec(line);
    if (m) updates.set(m[1]!, m[3]!);
  }
  return updates;
}
