// Basic facts in one round trip: one script prints key=value lines, a pure
// parser turns them into BasicFacts. Nothing on the target needs Python; when
// it has one, its version is a fact, as with Ansible (roles test it).
import { sh, type Command } from '../quote.js';
import type { BasicFacts } from './types.js';

/**
 * Ansible's interpreter discovery, as far as the facts need it: /usr/bin/python3 where it exists
 * (what its distribution map picks on Debian 10+, Ubuntu 16+, RHEL 9), else the first of its
 * INTERPRETER_PYTHON_FALLBACK list that is on PATH.
 */
const PYTHON_FALLBACK = ['python3.11', 'python3.10', 'python3.9', 'python3.8', 'python3.7', 'python3.6', 'python3.5', '/usr/libexec/platform-python', 'python2.7', '/usr/bin/python', 'python'];

/** What the setup module's python collector and platform.python_version() report, as one JSON line. */
const PYTHON_PROBE = `import sys, platform, json
try:
    from ssl import SSLContext
    ssl = True
except ImportError:
    ssl = False
v = sys.version_info
print(json.dumps({"python": {"version": {"major": v[0], "minor": v[1], "micro": v[2], "releaselevel": v[3], "serial": v[4]}, "version_info": list(v), "executable": sys.executable, "has_sslcontext": ssl, "type": getattr(sys, "implementation", None) and sys.implementation.name or "cpython"}, "python_version": platform.python_version()}))`;

/** The facts script; `python` is the host's ansible_python_interpreter, when the inventory names one. */
export function factsCommand(python?: string): Command {
  return sh`py=${python ?? ''}
if [ -z "$py" ]; then
  if [ -x /usr/bin/python3 ]; then py=/usr/bin/python3; else for p in ${PYTHON_FALLBACK}; do if command -v "$p" >/dev/null 2>&1; then py=$p; break; fi; done; fi
fi
[ -n "$py" ] && printf 'python=%s\n' "$("$py" -c ${PYTHON_PROBE} 2>/dev/null)"
ID= VERSION_ID= VERSION_CODENAME= ID_LIKE= NAME=
[ -r /etc/os-release ] && . /etc/os-release
printf 'id=%s\\nid_like=%s\\nname=%s\\nversion_id=%s\\ncodename=%s\\n' "$ID" "$ID_LIKE" "$NAME" "$VERSION_ID" "$VERSION_CODENAME"
printf 'hostname=%s\\n' "$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)"
printf 'fqdn=%s\\n' "$(hostname -f 2>/dev/null || hostname 2>/dev/null)"
printf 'arch=%s\\nkernel=%s\\nsystem=%s\\n' "$(uname -m)" "$(uname -r)" "$(uname -s)"
printf 'vcpus=%s\\n' "$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"
printf 'memkb=%s\\n' "$(awk '/^MemTotal:/{print $2}' /proc/meminfo 2>/dev/null)"
printf 'user=%s\\n' "$(id -un)"
printf 'init=%s\\n' "$(cat /proc/1/comm 2>/dev/null)"
printf 'fips=%s\\n' "$(cat /proc/sys/crypto/fips_enabled 2>/dev/null)"
for m in apt-get dnf yum zypper apk pacman; do if command -v $m >/dev/null 2>&1; then printf 'pkg=%s\\n' $m; break; fi; done
r=$(ip -4 route show default 2>/dev/null | head -n 1)
printf 'route=%s\\n' "$r"
dev=$(printf '%s\\n' "$r" | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p')
[ -n "$dev" ] && printf 'addr=%s\\n' "$(ip -4 -o addr show dev "$dev" 2>/dev/null | awk '{print $4}' | head -n 1)"
exit 0`;
}

const FAMILIES: Record<string, string> = {
  debian: 'Debian', ubuntu: 'Debian', rhel: 'RedHat', centos: 'RedHat', rocky: 'RedHat', almalinux: 'RedHat',
  fedora: 'RedHat', ol: 'RedHat', suse: 'Suse', opensuse: 'Suse', 'opensuse-leap': 'Suse', sles: 'Suse',
  alpine: 'Alpine', arch: 'Archlinux',
};

const DISTRIBUTION_NAMES: Record<string, string> = {
  debian: 'Debian', ubuntu: 'Ubuntu', rhel: 'RedHat', centos: 'CentOS', rocky: 'Rocky', almalinux: 'AlmaLinux',
  fedora: 'Fedora', ol: 'OracleLinux', alpine: 'Alpine', arch: 'Archlinux', sles: 'SLES', 'opensuse-leap': 'openSUSE Leap',
};

const SERVICE_MANAGERS: Record<string, string> = { systemd: 'systemd', init: 'sysvinit', 'openrc-init': 'openrc' };

export function parseFacts(output: string): BasicFacts {
  const kv = new Map<string, string>();
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !kv.has(line.slice(0, eq))) kv.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const get = (key: string) => kv.get(key) ?? '';
  const id = get('id');
  const family = FAMILIES[id] ?? get('id_like').split(' ').map((like) => FAMILIES[like]).find(Boolean) ?? (get('name') || 'Unknown');
  const version = get('version_id');
  const route = get('route');
  return {
    os_family: family,
    distribution: DISTRIBUTION_NAMES[id] ?? (get('name').split(' ')[0] || 'Unknown'),
    distribution_version: version,
    distribution_major_version: version.split('.')[0] ?? '',
    distribution_release: get('codename'),
    hostname: get('hostname').split('.')[0] ?? '',
    fqdn: get('fqdn'),
    architecture: get('arch'),
    processor_vcpus: Number(get('vcpus')) || 0,
    memtotal_mb: Math.floor((Number(get('memkb')) || 0) / 1024),
    default_ipv4: {
      address: get('addr').split('/')[0] || undefined,
      interface: /\bdev (\S+)/.exec(route)?.[1],
      gateway: /\bvia (\S+)/.exec(route)?.[1],
    },
    kernel: get('kernel'),
    system: get('system'),
    user_id: get('user'),
    service_mgr: SERVICE_MANAGERS[get('init')] ?? (get('init') || 'unknown'),
    pkg_mgr: (get('pkg') || 'unknown').replace(/-get$/, ''),
    fips: get('fips') === '1',
    ...pythonFacts(get('python')),
  };
}

/** python and python_version, when the probe printed them (no interpreter: neither fact, unlike Ansible, which needs one). */
function pythonFacts(line: string): Pick<BasicFacts, 'python' | 'python_version'> {
  if (!line.startsWith('{')) return {};
  try {
    const parsed = JSON.parse(line) as Pick<BasicFacts, 'python' | 'python_version'>;
    return { python: parsed.python, python_version: parsed.python_version };
  } catch {
    return {};
  }
}
