// Handlers notified in a run that then failed or was interrupted never ran:
// Ansible forgets them, so a changed config whose "restart" never happened
// stays silently stale. drover records them per playbook + inventory in
// PLAYBOOK_DIR/.drover/pending-handlers/KEY.json (docs/pending-handlers.md),
// and `drover run --flush-pending-handlers` notifies them again at the start
// of the next run, so they run at the play's handler flush even when nothing
// changes any more. A run that leaves nothing pending removes the file.
//
// Notifications are recorded as they happen, not at exit: each one, and each
// handler that ran, is a line appended to KEY.journal (written at once, so it
// survives the process being killed by SIGTERM, SIGHUP, a second Ctrl-C or
// SIGKILL; fdatasync'd shortly after, so it survives a crash of the machine
// too). The next run replays the journal onto KEY.json; a run that ends
// normally or after one Ctrl-C folds it into KEY.json and removes it.
import { createHash } from 'node:crypto';
import { closeSync, fdatasync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
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

/** One journal line: a notification, or handlers (names and topics) that ran. */
interface JournalEntry {
  op: 'notify' | 'ran';
  host: string;
  play: number;
  names: string[];
}

export class PendingHandlers {
  private fd: number | undefined;
  private syncing = false;
  private syncAgain = false;

  private constructor(
    readonly file: string,
    private readonly header: Omit<PendingFile, 'pending'>,
    /** What earlier runs left, then what this run notified and did not run. */
    private readonly pending: PendingMap,
    private readonly flush: boolean,
    /** What earlier runs left, for the warning (before this run changed anything). */
    private readonly previous: PendingMap,
  ) {}

  get journal(): string {
    return this.file.replace(/\.json$/, '.journal');
  }

  /** The record for this playbook and inventory (empty when there is none), with a killed run's journal replayed. */
  static async load(playbook: string, inventory: readonly string[], options: { flush: boolean }): Promise<PendingHandlers> {
    const header = { playbook: resolve(playbook), inventory: inventory.map((i) => resolve(i)) };
    const key = createHash('sha256').update(JSON.stringify(header)).digest('hex').slice(0, 16);
    const file = join(dirname(header.playbook), '.drover', 'pending-handlers', `${key}.json`);
    const pending: PendingMap = ((await readIfThere(file, (text) => JSON.parse(text) as PendingFile))?.pending ?? {}) as PendingMap;
    const journal = (await readIfThere(file.replace(/\.json$/, '.journal'), (text) => text)) ?? '';
    for (const line of journal.split('\n')) {
      // A line cut short by a crash is the last one: what it said never reached the disk.
      if (line.trim() === '') continue;
      try {
        apply(pending, JSON.parse(line) as JournalEntry);
      } catch {
        break;
      }
    }
    return new PendingHandlers(file, header, pending, options.flush, structuredClone(pending));
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

  /** A task notified `name` (a handler name or listen topic) on `host`. */
  notified(host: string, play: number, name: string): void {
    this.record({ op: 'notify', host, play, names: [name] });
  }

  /** Handlers ran on `host`: these names and topics are no longer pending. */
  ran(host: string, play: number, names: string[]): void {
    if (names.length > 0) this.record({ op: 'ran', host, play, names });
  }

  /** After a play: a notification left in the host's state is recorded already; the next play starts clean. */
  collect(hosts: readonly string[], states: ReadonlyMap<string, HostState>): void {
    for (const host of hosts) states.get(host)?.notified.clear();
  }

  /** Fold the journal into the record (removed when nothing is pending) and remove the journal. */
  async save(): Promise<void> {
    if (this.fd !== undefined) {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = undefined;
    }
    if (Object.keys(this.pending).length === 0) await rm(this.file, { force: true });
    else {
      await mkdir(dirname(this.file), { recursive: true });
      const temp = `${this.file}.${process.pid}.tmp`;
      await writeFile(temp, `${JSON.stringify({ ...this.header, pending: this.pending } satisfies PendingFile, null, 2)}\n`);
      await rename(temp, this.file);
    }
    await rm(this.journal, { force: true });
  }

  private record(entry: JournalEntry): void {
    apply(this.pending, entry);
    if (this.fd === undefined) {
      mkdirSync(dirname(this.journal), { recursive: true });
      this.fd = openSync(this.journal, 'a', 0o600);
    }
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    this.sync();
  }

  /** One fdatasync at a time; lines written meanwhile are covered by the next. */
  private sync(): void {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    const fd = this.fd;
    if (fd === undefined) return;
    this.syncing = true;
    fdatasync(fd, () => {
      this.syncing = false;
      if (this.syncAgain && this.fd === fd) {
        this.syncAgain = false;
        this.sync();
      }
    });
  }
}

function apply(pending: PendingMap, entry: JournalEntry): void {
  const key = String(entry.play);
  if (entry.op === 'notify') {
    const into = ((pending[entry.host] ??= {})[key] ??= []);
    for (const name of entry.names) if (!into.includes(name)) into.push(name);
    return;
  }
  const plays = pending[entry.host];
  const left = plays?.[key]?.filter((n) => !entry.names.includes(n));
  if (!plays || !left) return;
  if (left.length > 0) plays[key] = left;
  else delete plays[key];
  if (Object.keys(plays).length === 0) delete pending[entry.host];
}

async function readIfThere<T>(file: string, parse: (text: string) => T): Promise<T | undefined> {
  try {
    return parse(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read pending handlers ${file}: ${(error as Error).message}`);
  }
}
