// Where a bug of drover's goes: its stack, with the host and task it stopped,
// is written to a debug log (--debug-log FILE, else a new file under drover's
// state directory), and the path is printed once at the end, so the screen
// shows a one-line "drover bug" and the report has everything. The engine has
// masked the stack like every event, so no secret reaches the file.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EngineEvent, Reporter } from '../engine/events.js';
import { displayPath } from '../playbook/yaml-source.js';
import { droverStateDir } from './run-log.js';

export function defaultDebugLogFile(now: Date = new Date(), env: NodeJS.ProcessEnv = process.env): string {
  return join(droverStateDir(env), 'debug', `${now.toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`);
}

export class DebugLogReporter implements Reporter {
  private bugs = 0;

  constructor(
    private readonly file: string,
    private readonly tell: (line: string) => void = (line) => process.stderr.write(line),
  ) {}

  handle(event: EngineEvent): void {
    if (event.type !== 'drover.bug') return;
    if (this.bugs === 0) mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    this.bugs += 1;
    const header = `drover bug on host ${event.host}, task '${event.task.name}' (${event.task.location || 'no location'}), play '${event.task.play}':`;
    appendFileSync(this.file, `${new Date().toISOString()} ${header}\n${event.stack}\n\n`, { mode: 0o600 });
  }

  close(): Promise<void> {
    if (this.bugs > 0) {
      const hosts = this.bugs === 1 ? 'a host' : `${this.bugs} hosts`;
      this.tell(`drover: a bug of drover's stopped ${hosts}; the stack is in ${displayPath(this.file)}: please report it with the command you ran\n`);
    }
    return Promise.resolve();
  }
}
