// Handlers notified in a run that then failed or was interrupted never ran:
// Ansible forgets them, so a changed config whose "restart" never happened
// stays silently stale. drover records them per playbook + inventory in
// PLAYBOOK_DIR/.drover/pending-handlers/KEY.json (docs/pending-handlers.md),
// and `drover run --flush-pending-handlers` notifies them again at the start
// of the next run, so they run at the play's handler flush even when nothing
// changes any more. A run that leaves nothing pending removes the file.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { HostState } from './state.js';

/** host -> play index -> handler names or listen topics still to run. */
type PendingMap = Record<string, Record<string, string[]>>;

interface PendingFile {
  playbook: string;
  inventory: string[];
  pending: PendingMap;
}

export class PendingHandlers {
  private constructor(
    readonly file: string,
    private readonly header: Omit<PendingFile, 'pending'>,
    /** What earlier runs left. */
    private readonly previous: PendingMap,
    private readonly flush: boolean,
    private readonly next: PendingMap = {},
  ) {}

  /** The record for this playbook and inventory (empty when there is none). */
  static async load(playbook: string, inventory: readonly string[], options: { flush: boolean }): Promise<PendingHandlers> {
    const header = { playbook: resolve(playbook), inventory: inventory.map((i) => resolve(i)) };
    const key = createHash('sha256').update(JSON.stringify(header)).digest('hex').slice(0, 16);
    const file = join(dirname(header.playbook), '.drover', 'pending-handlers', `${key}.json`);
    let previous: PendingMap = {};
    try {
      previous = (JSON.parse(await readFile(file, 'utf8')) as PendingFile).pending ?? {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read pending handlers ${file}: ${(error as Error).message}`);
    }
    return new PendingHandlers(file, header, previous, options.flush);
  }

  /** Handler names recorded by earlier runs, per host, for a warning when they are not flushed. */
  recorded(): Record<string, string[]> {
    return Object.fromEntries(Object.entries(this.previous).map(([host, plays]) => [host, [...new Set(Object.values(plays).flat())]]));
  }

  /** Before a play: with --flush-pending-handlers, what earlier runs left is notified again. */
  seed(play: number, hosts: readonly string[], states: ReadonlyMap<string, HostState>): void {
    if (!this.flush) return;
    for (const host of hosts) for (const name of this.previous[host]?.[play] ?? []) states.get(host)?.notified.add(name);
  }

  /** After a play: whatever is still notified did not run. */
  collect(play: number, hosts: readonly string[], states: ReadonlyMap<string, HostState>): void {
    for (const host of hosts) {
      const notified = states.get(host)?.notified;
      if (!notified?.size) continue;
      (this.next[host] ??= {})[play] = [...notified];
      notified.clear();
    }
  }

  /** Write what is pending now (the old record is kept, merged, unless it was flushed); remove the file when nothing is. */
  async save(): Promise<void> {
    const pending: PendingMap = this.flush ? {} : structuredClone(this.previous);
    for (const [host, plays] of Object.entries(this.next)) {
      for (const [play, names] of Object.entries(plays)) {
        const into = ((pending[host] ??= {})[play] ??= []);
        for (const name of names) if (!into.includes(name)) into.push(name);
      }
    }
    if (Object.keys(pending).length === 0) {
      await rm(this.file, { force: true });
      return;
    }
    await mkdir(dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify({ ...this.header, pending } satisfies PendingFile, null, 2)}\n`);
    await rename(temp, this.file);
  }
}
