// The apt backend: dpkg-query for what is installed, apt-cache policy for the
// candidate, apt-get to act. With update_cache the plan reads candidates from
// a freshly downloaded copy of the package lists in a temporary directory, so
// `state: latest, update_cache: true` plans exactly and still changes nothing.
import { sh, raw, type Command } from '../../../runner/quote.js';
import { ModuleFailure } from '../../../runner/module-api.js';
import type { PackageBackend, PackageStatus } from './types.js';

/** Options that point apt at other lists and keep its binary caches out of /var/cache. */
const TEMP_LISTS = raw('-o Dir::State::Lists="$tmp/lists" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=');

export const apt: PackageBackend = {
  name: 'apt',
  requires: ['dpkg-query', 'apt-cache', 'apt-get'],
  env: { DEBIAN_FRONTEND: 'noninteractive' },

  parseRequest(spec) {
    // name[:arch][=version]; the version may hold '*'. Names are checked: dpkg-query and apt-get
    // read glob and regex characters as patterns that could match (and remove) other packages.
    const m = /^([a-z0-9][a-z0-9+.-]*(?::[a-z0-9-]+)?)(?:=([A-Za-z0-9.+~:*-]+))?$/.exec(spec);
    if (!m) throw new ModuleFailure(`invalid package name ${JSON.stringify(spec)} (wildcards are not supported)`);
    return m[2] !== undefined ? { spec, name: m[1]!, version: m[2] } : { spec, name: m[1]! };
  },

  queryCommand(requests, options) {
    const refresh = options.update_cache === true;
    return sh`set -- ${requests.map((r) => r.name)}
stamp=$(stat -c %Y -- /var/lib/apt/periodic/update-success-stamp /var/lib/apt/lists 2>/dev/null | sort -n | tail -n 1)
age=$(( $(date +%s) - \${stamp:-0} ))
printf 'cache-age\\t%s\\n' "$age"
tmp=
if [ ${refresh ? 'yes' : 'no'} = yes ] && [ "$age" -ge ${options.cache_valid_time ?? 0} ] && [ $# -gt 0 ]; then
  tmp=$(mktemp -d) || exit 1
  trap 'rm -rf -- "$tmp"' EXIT
  mkdir -p "$tmp/lists/partial"
  if ! apt-get -q ${TEMP_LISTS} update >"$tmp/out" 2>&1; then cat "$tmp/out" >&2; exit 4; fi
fi
policy() { if [ -n "$tmp" ]; then apt-cache ${TEMP_LISTS} policy -- "$1"; else apt-cache policy -- "$1"; fi; }
for p in "$@"; do
  # Several architectures may be listed: an installed one wins.
  s=$(dpkg-query -W -f='\${db:Status-Status} \${Version}\\n' -- "$p" 2>/dev/null | awk '$1 == "installed" { print; found = 1; exit } NR == 1 { first = $0 } END { if (!found) print first }')
  c=$(policy "$p" 2>/dev/null | sed -n 's/^ *Candidate: //p' | head -n 1)
  printf 'pkg\\t%s\\t%s\\n' "$s" "$c"
done`;
  },

  parseQuery(stdout, requests, options) {
    const lines = stdout.split('\n');
    const age = Number(lines.find((l) => l.startsWith('cache-age\t'))?.split('\t')[1] ?? 'NaN');
    const rows = lines.filter((l) => l.startsWith('pkg\t')).map((l) => l.split('\t'));
    if (rows.length !== requests.length) throw new ModuleFailure(`unexpected output from the apt query:\n${stdout}`);
    const statuses: PackageStatus[] = requests.map((request, i) => {
      const [, state = '', candidate = ''] = rows[i]!;
      const [status = '', version = ''] = state.split(' ');
      return {
        request,
        installed: status === 'installed' ? version : null,
        residual: status === 'config-files',
        // No line at all: apt has never heard of it; '(none)': known but nothing installable.
        candidate: candidate === '' || candidate === '(none)' ? null : candidate,
      };
    });
    const cacheStale = options.update_cache === true && !(age < (options.cache_valid_time ?? 0));
    return { statuses, cacheStale };
  },

  commands(actions, options) {
    const commands: Command[] = [];
    // The stamp is what cache_valid_time reads (Ubuntu's apt hook writes it too): /var/lib/apt/lists
    // alone keeps its old time when no index changed.
    if (actions.refresh) commands.push(sh`apt-get -q update && mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/update-success-stamp`);
    const flags = [
      ...(options.install_recommends === false ? ['--no-install-recommends'] : options.install_recommends === true ? ['--install-recommends'] : []),
      ...(options.default_release ? ['-t', options.default_release] : []),
      ...(options.autoremove ? ['--auto-remove'] : []),
    ];
    const installs = [...actions.install, ...actions.upgrade].map((s) => s.request.spec);
    if (installs.length > 0) {
      // Ansible's default dpkg_options: keep changed config files, take new defaults otherwise, never ask.
      commands.push(sh`apt-get ${['-y', '-q', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', ...flags, 'install', '--', ...installs]}`);
    }
    if (actions.remove.length > 0) {
      const extra = [...(options.purge ? ['--purge'] : []), ...(options.autoremove ? ['--auto-remove'] : [])];
      commands.push(sh`apt-get ${['-y', '-q', ...extra, 'remove', '--', ...actions.remove.map((s) => s.request.name)]}`);
    }
    return commands;
  },
};

/** Whether an installed version satisfies a wanted one ('1.2*' matches '1.2.3'), like Ansible's fnmatch. */
export function versionMatches(installed: string, wanted: string): boolean {
  const pattern = wanted.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${pattern}$`).test(installed);
}
