// sysvinit (and any host without systemd as PID 1): `service NAME status`
// for the state, S-links in /etc/rc[2-5].d for "enabled", update-rc.d to
// change it (Debian's tool; chkconfig hosts are not supported).
import { sh } from '../../../runner/quote.js';
import type { ServiceBackend } from './types.js';

export const sysvinit: ServiceBackend = {
  name: 'sysvinit',

  queryCommand(service) {
    // The name is a quoted word everywhere; next to a glob it stays literal.
    return sh`n=${service}
if [ -f "/etc/init.d/$n" ]; then echo script; fi
service "$n" status >/dev/null 2>&1 </dev/null; printf 'status-rc\\t%s\\n' "$?"
for f in /etc/rc2.d/S[0-9][0-9]"$n" /etc/rc3.d/S[0-9][0-9]"$n" /etc/rc4.d/S[0-9][0-9]"$n" /etc/rc5.d/S[0-9][0-9]"$n"; do
  if [ -e "$f" ]; then echo start-link; fi
done`;
  },

  parseQuery(stdout) {
    const lines = stdout.split('\n');
    const rc = lines.find((l) => l.startsWith('status-rc\t'))?.split('\t')[1] ?? '';
    const exists = lines.includes('script');
    return {
      exists,
      running: exists && rc === '0',
      stopping: false,
      enabled: lines.includes('start-link'),
      masked: false,
      details: { status_rc: rc },
    };
  },

  actionCommand(action, service) {
    switch (action) {
      // `defaults` first: it makes the links if the package never did; `enable` then turns K-links into S-links.
      case 'enable':
        return sh`update-rc.d ${service} defaults >/dev/null && update-rc.d ${service} enable`;
      case 'disable':
        return sh`update-rc.d ${service} disable`;
      case 'daemon-reload':
        return sh`true`;
      case 'mask':
      case 'unmask':
        return sh`echo ${`${action} needs systemd`} >&2; exit 1`;
      default:
        // A daemon started here inherits the output: point it at a temp file, not
        // at the connection, or the task would wait for the daemon to exit.
        return sh`o=$(mktemp) || exit 1
service ${service} ${action} </dev/null >"$o" 2>&1; rc=$?
cat -- "$o"; rm -f -- "$o"; exit $rc`;
    }
  },
};
