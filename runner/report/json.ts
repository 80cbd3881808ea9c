// --json: one JSON object per line per event (JSON Lines), the event objects
// exactly as the engine emits them, so their field names are the contract
// (runner/engine/events.ts). Each line is written as soon as its event
// arrives: a consumer tailing the pipe sees progress live, and a crash loses
// at most the event being written.
import type { EngineEvent, Reporter } from '../engine/events.js';
import { toJson } from './format.js';
import { Sink, type OutputStream } from './style.js';

export class JsonReporter implements Reporter {
  private readonly sink: Sink;

  constructor(stream: OutputStream) {
    this.sink = new Sink(stream);
  }

  handle(event: EngineEvent): void {
    this.sink.write(toJsonLine(event));
  }

  close(): Promise<void> {
    return this.sink.flushed();
  }
}

/** One event as one line; compact JSON escapes newlines inside strings, so a line is always one event. */
export function toJsonLine(event: EngineEvent): string {
  return toJson(event) + '\n';
}
