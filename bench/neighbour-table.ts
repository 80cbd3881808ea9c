// The controller's IPv4 neighbour table holds one entry per namespace host it
// talks to; past net.ipv4.neigh.default.gc_thresh3 (1,024 by default, for the
// whole machine) the kernel refuses new entries and connects fail with
// EHOSTUNREACH: the 1,000-host run lost 4 hosts that way. The bench raises the
// thresholds for its run and puts the machine's values back afterwards (also
// when it dies of a signal).
import { readFileSync, writeFileSync } from 'node:fs';
import { registerExitCleanup } from '../runner/testground/exit-cleanup.js';

const KNOBS = ['gc_thresh1', 'gc_thresh2', 'gc_thresh3'] as const;
const path = (knob: string) => `/proc/sys/net/ipv4/neigh/default/${knob}`;

/** Room for `entries` neighbours (with the kernel's usual 1:4:8 spacing); returns the restore. */
export function raiseNeighbourTable(entries: number): () => void {
  const saved = KNOBS.map((k) => readFileSync(path(k), 'utf8').trim());
  const wanted = [entries / 2, entries * 2, entries * 4].map((n) => Math.ceil(n));
  // Never lower a threshold someone else raised.
  KNOBS.forEach((k, i) => writeFileSync(path(k), String(Math.max(Number(saved[i]), wanted[i] as number))));
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    KNOBS.forEach((k, i) => writeFileSync(path(k), saved[i] as string));
    unregister();
  };
  const unregister = registerExitCleanup(restore);
  return restore;
}

/** The current thresholds, for the bench's report. */
export function neighbourThresholds(): string {
  return KNOBS.map((k) => `${k}=${readFileSync(path(k), 'utf8').trim()}`).join(' ');
}
