// Commands running on hosts right now, each with a way to end it there, so
// that a run stopped at once (SIGTERM, SIGHUP, a second Ctrl-C) does not leave
// them running after drover exits: with ssh, closing the connection ends the
// remote shell but not what it started (a `sleep 3600` would live on).
const running = new Set<() => Promise<void>>();

/** Registers `kill` while `work` runs. */
export async function whileRunning<T>(kill: () => Promise<void>, work: Promise<T>): Promise<T> {
  running.add(kill);
  try {
    return await work;
  } finally {
    running.delete(kill);
  }
}

/** Ends every running command on its host, waiting at most `graceMs` for the hosts to confirm. */
export async function killRunningCommands(graceMs: number): Promise<void> {
  const kills = [...running].map((kill) => kill().catch(() => undefined));
  running.clear();
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
  await Promise.race([Promise.all(kills), grace]);
  clearTimeout(timer);
}
