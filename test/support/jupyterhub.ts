// Debian's JupyterHub as a service inside a namespace test host, which has no
// systemd: an LSB init script (/etc/init.d/jupyterhub, the role scenario's file) that starts the hub
// from /etc/jupyterhub/jupyterhub_config.py on the host's loopback, so the
// jupyterhub module restarts it with `service jupyterhub restart` exactly as
// on any init-script host. Also: fetching hub pages from inside the host.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../runner/paths.js';
import type { HostGround } from '../../runner/testground/driver.js';

// The same init script the jupyterhub role's drover test scenario installs (one copy).
const INIT_SCRIPT = readFileSync(join(projectRoot(), 'roles/jupyterhub/tests/default/files/jupyterhub.init'), 'utf8');

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
