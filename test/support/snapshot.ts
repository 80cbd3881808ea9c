// What a host's filesystem looks like, read from outside ssh (inside the
// host's namespaces), so a check-mode run can be shown to have changed nothing.
import type { TestGround } from '../../runner/testground/namespace-hosts.js';

/** Path, kind, mode, owner and sha256 of everything under `roots`, sorted. */
export async function snapshot(ground: TestGround, host: string, roots: string[]): Promise<string> {
  const script = `for r in "$@"; do [ -e "$r" ] && find "$r" -xdev -printf '%p %y %m %u:%g %s\\n'; done | sort
for r in "$@"; do [ -e "$r" ] && find "$r" -xdev -type f -exec sha256sum {} +; done | sort
getent passwd webapp; getent group webapp; true`;
  const result = await ground.exec(host, ['sh', '-c', script, 'snapshot', ...roots]);
  if (result.rc !== 0) throw new Error(`snapshot of ${host} failed: ${result.stderr}`);
  return result.stdout;
}
