// What is left of network namespaces: the tests that prove hosts are gone
// compare these sets before and after.
import { readdirSync, readlinkSync } from 'node:fs';

/** Network namespaces any process on the machine is in. */
export function liveNetns(): Set<string> {
  const seen = new Set<string>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      seen.add(readlinkSync(`/proc/${pid}/ns/net`));
    } catch {
      // Exited meanwhile, or not ours to read.
    }
  }
  return seen;
}
