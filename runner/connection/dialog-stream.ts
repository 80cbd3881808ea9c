// A dialog (ExecOptions.dialog) over a transport that gives the command a
// stdin stream of its own (an exec channel, a local process): answers are
// written to the stream, and release or hang-up ends it.
import { PassThrough } from 'node:stream';
import type { ExecOptions } from './types.js';

export function dialogStream(stdin: ExecOptions['stdin'], dialog: NonNullable<ExecOptions['dialog']>): { input: PassThrough; onStderr: (chunk: Buffer) => void } {
  const input = new PassThrough();
  let ended = false;
  const end = (bytes: string | Buffer): void => {
    if (ended) return;
    ended = true;
    input.end(bytes);
  };
  const onStderr = dialog({
    send: (text) => {
      if (!ended) input.write(text);
    },
    release: () => end(stdin ?? ''),
    hangUp: () => end(''),
  });
  return { input, onStderr };
}
