// package, apt and dnf: install, upgrade or remove packages. `package` picks
// the backend from the host's pkg_mgr fact (or `use`); `apt` and `dnf` are the
// same module pinned to one backend, with their own common extra parameters,
// so playbooks written for ansible.builtin.apt / .dnf run unchanged.
import { defineModule } from '../runner/module-api.js';
import { apt as aptBackend } from './support/packages/apt.js';
import { dnf as dnfBackend } from './support/packages/dnf.js';
import { applyPackages, chooseBackend, nameList, normaliseState, planPackages } from './support/packages/run.js';

const name = {
  type: ['string', 'array'],
  items: { type: 'string' },
  description: 'Package name(s): a list, or one string with commas between names.',
} as const;

const state = {
  enum: ['present', 'installed', 'latest', 'absent', 'removed'],
  default: 'present',
  description: 'present/installed: install if missing; latest: also upgrade; absent/removed: remove.',
} as const;

const CHANGED = 'a package was installed, upgraded or removed (apt: also a cache update with no names).';

export default defineModule({
  name: 'package',
  summary: "Manage packages with the host's package manager (apt or dnf).",
  changedWhen: CHANGED,
  paramAliases: { pkg: 'name' },
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name,
      state,
      use: { enum: ['auto', 'apt', 'dnf', 'yum'], default: 'auto', description: 'The backend; auto follows the pkg_mgr fact.' },
    },
  },
  async plan(host, params) {
    const backend = await chooseBackend(host, params.use);
    return planPackages(host, backend, nameList(params.name), { state: normaliseState(params.state) });
  },
  apply: (host, _params, plan) => applyPackages(host, plan),
});

export const apt = defineModule({
  name: 'apt',
  summary: 'Manage Debian/Ubuntu packages with apt-get.',
  changedWhen: CHANGED,
  paramAliases: { package: 'name', pkg: 'name', 'update-cache': 'update_cache', 'install-recommends': 'install_recommends', 'default-release': 'default_release' },
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      name,
      state,
      update_cache: { type: 'boolean', default: false, description: 'Run apt-get update first (the plan reads candidates from freshly downloaded lists).' },
      cache_valid_time: { type: 'integer', minimum: 0, default: 0, description: 'Skip update_cache if the cache is younger than this many seconds.' },
      purge: { type: 'boolean', default: false, description: 'With absent: also remove configuration files.' },
      autoremove: { type: 'boolean', default: false, description: 'Also remove dependencies nobody needs any more.' },
      install_recommends: { type: 'boolean', description: "Install recommended packages (default: apt's configuration)." },
      default_release: { type: 'string', description: 'Prefer this release (apt-get -t).' },
      force_apt_get: { type: 'boolean', description: 'Accepted for compatibility; drover always uses apt-get.' },
    },
  },
  async plan(host, params) {
    return planPackages(host, aptBackend, nameList(params.name), {
      state: normaliseState(params.state),
      update_cache: params.update_cache,
      cache_valid_time: params.cache_valid_time,
      purge: params.purge,
      autoremove: params.autoremove,
      install_recommends: params.install_recommends,
      default_release: params.default_release,
    });
  },
  apply: (host, _params, plan) => applyPackages(host, plan),
});

const repoList = { type: ['string', 'array'], items: { type: 'string' }, description: 'Repository ids: a list or a comma-separated string.' } as const;

export const dnf = defineModule({
  name: 'dnf',
  aliases: ['yum'],
  summary: 'Manage Fedora/RHEL packages with dnf.',
  changedWhen: CHANGED,
  paramAliases: { pkg: 'name', 'expire-cache': 'update_cache' },
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      name,
      state,
      update_cache: { type: 'boolean', default: false, description: 'Refresh the repository metadata first.' },
      enablerepo: repoList,
      disablerepo: repoList,
      disable_gpg_check: { type: 'boolean', default: false, description: 'Install packages without checking their signatures.' },
      install_weak_deps: { type: 'boolean', default: true, description: 'Also install weak dependencies (Recommends).' },
    },
  },
  async plan(host, params) {
    return planPackages(host, dnfBackend, nameList(params.name), {
      state: normaliseState(params.state),
      update_cache: params.update_cache,
      enablerepo: nameList(params.enablerepo),
      disablerepo: nameList(params.disablerepo),
      disable_gpg_check: params.disable_gpg_check,
      install_weak_deps: params.install_weak_deps,
    });
  },
  apply: (host, _params, plan) => applyPackages(host, plan),
});
