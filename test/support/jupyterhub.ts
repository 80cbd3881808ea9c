// Debian's JupyterHub as a service inside a namespace test host, which has no
// systemd: an LSB init script (/etc/init.d/jupyterhub) that starts the hub
// from /etc/jupyterhub/jupyterhub_config.py on the host's loopback, so the
// jupyterhub module restarts it with `service jupyterhub restart` exactly as
// on any init-script host. Also: fetching hub pages from inside the host.
import type { HostGround } from '../../runner/testground/driver.js';

const INIT_SCRIPT = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          jupyterhub
# Required-Start:
# Required-Stop:
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: JupyterHub (drover test host)
### END INIT INFO
PATH=/usr/sbin:/usr/bin:/sbin:/bin
PIDFILE=/run/jupyterhub.pid
running() { [ -f $PIDFILE ] && kill -0 "$(cat $PIDFILE)" 2>/dev/null; }
start() {
  running && return 0
  mkdir -p /var/lib/jupyterhub && cd /var/lib/jupyterhub || exit 1
  # Debian's proxy is a node package: NODE_PATH, or it dies on "Cannot find module 'commander'".
  NODE_PATH=/usr/share/nodejs setsid jupyterhub -f /etc/jupyterhub/jupyterhub_config.py </dev/null >>/var/log/jupyterhub.log 2>&1 &
  echo $! > $PIDFILE
}
stop() {
  running || return 0
  pid=$(cat $PIDFILE); kill "$pid"
  # The hub stops its proxy on the way out; wait, or the next start finds the ports taken.
  i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
  rm -f $PIDFILE
}
case "$1" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) running && exit 0; exit 3 ;;
  *) exit 2 ;;
esac
`;

export interface HubService {
  /** The hub's PID, or null when it is not running. */
  pid(): Promise<number | null>;
  /** GET a URL inside the host: status code, Location header, body. */
  fetch(url: string): Promise<{ status: number; location: string; body: string }>;
  /** Stop the hub (init script, then its PID). Idempotent. */
  stop(): Promise<void>;
}

export async function installHubService(ground: HostGround, host: string): Promise<HubService> {
  const exec = (script: string, ...args: string[]) => ground.exec(host, ['sh', '-c', script, 'sh', ...args]);
  const r = await ground.exec(host, ['sh', '-c', 'cat > /etc/init.d/jupyterhub && chmod 755 /etc/init.d/jupyterhub'], { stdin: INIT_SCRIPT });
  if (r.rc !== 0) throw new Error(`installing the init script: ${r.stderr}`);
  return {
    async pid() {
      const out = await exec('[ -f /run/jupyterhub.pid ] && kill -0 "$(cat /run/jupyterhub.pid)" 2>/dev/null && cat /run/jupyterhub.pid');
      return out.rc === 0 ? Number(out.stdout.trim()) : null;
    },
    async fetch(url) {
      const out = await exec('curl -sS --max-time 5 -o /tmp/drover-fetch -w "%{http_code} %{redirect_url}" -- "$1" && printf "\\n" && cat /tmp/drover-fetch', url);
      if (out.rc !== 0) throw new Error(`GET ${url}: ${out.stderr}`);
      const [head = '', ...body] = out.stdout.split('\n');
      const [status = '0', location = ''] = head.split(' ');
      return { status: Number(status), location, body: body.join('\n') };
    },
    async stop() {
      await exec('/etc/init.d/jupyterhub stop');
    },
  };
}
