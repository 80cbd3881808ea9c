// Last-resort teardown when the process ends without calling stop(): on exit
// (normal end, uncaught exception) and on SIGINT/SIGTERM/SIGHUP. Only
// synchronous work is possible in an 'exit' handler, so each ground registers
// a synchronous stopper. A SIGKILL of the controller cannot be caught: the
// hosts then die through their parent-death signal and the next ground's
// start sweeps the bridge and temp dir (network.ts sweepStale).

type SyncStopper = () => void;

const stoppers = new Set<SyncStopper>();
let installed = false;
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function runAll(): void {
  for (const stop of [...stoppers]) {
    try {
      stop();
    } catch {
      // Keep going: one ground's failure must not leave the others running.
    }
  }
  stoppers.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  // If someone else handles this signal, let them decide what happens next;
  // otherwise restore the default action and re-raise so the process still dies.
  const alone = process.listenerCount(signal) <= 1;
  uninstall();
  if (alone) process.kill(process.pid, signal);
}

// Handlers are present only while a ground is alive, so an idle process keeps
// Node's default signal behaviour.
function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.removeListener('exit', runAll);
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

/** Register a synchronous stopper; returns the function that unregisters it. */
export function registerExitCleanup(stop: SyncStopper): () => void {
  install();
  stoppers.add(stop);
  return () => {
    stoppers.delete(stop);
    if (stoppers.size === 0) uninstall();
  };
}
