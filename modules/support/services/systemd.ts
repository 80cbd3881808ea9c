// systemd: state from `systemctl is-active`, `is-enabled` (its exit status
// matters: 0 means enabled, static, generated...) and the unit's LoadState,
// in one round trip.
import { ModuleFailure } from '../../../runner/module-api.js';
import { sh } from '../../../runner/quote.js';
import type { ServiceBackend } from './types.js';

export const systemd: ServiceBackend = {
  name: 'systemd',

  queryCommand(service) {
    return sh`n=${service}
printf 'active\\t%s\\n' "$(systemctl is-active -- "$n" 2>/dev/null)"
e=$(systemctl is-enabled -- "$n" 2>/dev/null)
printf 'enabled-rc\\t%s\\nenabled\\t%s\\n' "$?" "$e"
printf 'load\\t%s\\n' "$(systemctl show --property=LoadState --value -- "$n" 2>/dev/null)"`;
  },

  parseQuery(stdout) {
    const kv = new Map<string, string>();
    for (const line of stdout.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab > 0) kv.set(line.slice(0, tab), line.slice(tab + 1).split('\n')[0]!.trim());
    }
    if (!kv.has('active') || !kv.has('enabled-rc')) throw new ModuleFailure(`unexpected output from systemctl:\n${stdout}`);
    const active = kv.get('active') ?? '';
    const enabledState = kv.get('enabled') ?? '';
    const load = kv.get('load') ?? '';
    return {
      exists: load !== 'not-found' && load !== '',
      running: active === 'active' || active === 'activating' || active === 'reloading',
      stopping: active === 'deactivating',
      // Like Ansible: exit 0 is enabled (static, generated too), except a lone 'indirect' or 'alias'.
      enabled: kv.get('enabled-rc') === '0' && enabledState !== 'indirect' && enabledState !== 'alias',
      masked: enabledState === 'masked' || enabledState === 'masked-runtime' || load === 'masked',
      details: { ActiveState: active, UnitFileState: enabledState, LoadState: load },
    };
  },

  actionCommand(action, service) {
    if (action === 'daemon-reload') return sh`systemctl daemon-reload`;
    return sh`systemctl ${action} -- ${service}`;
  },
};

