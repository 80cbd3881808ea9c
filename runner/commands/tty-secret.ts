// Asking for a password at the terminal, as Python's getpass (which Ansible's
// -k, -K and --ask-vault-pass use): on the controlling terminal, /dev/tty, not
// stdin, so a pipe on stdin does not answer it; nothing is echoed (a
// vars_prompt with private: false echoes). Without a
// terminal, a clear error naming the file-based alternative instead of a
// prompt nobody can answer.
import { closeSync, openSync, writeSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { InputError } from '../errors.js';
import type { VarQuestion } from '../engine/vars-prompt.js';

/**
 * The line typed after `prompt` (without echo). `flag` and `instead` name
 * what asked and what to use without a terminal, for the error.
 */
export function askSecret(prompt: string, flag: string, instead: string): Promise<string> {
  return askAtTerminal(prompt, { echo: false, flag, instead });
}

/** A play's vars_prompt question (runner/engine/vars-prompt.ts), asked again to confirm when it says so. */
export async function askVarAtTerminal(question: VarQuestion): Promise<string> {
  const options = { echo: !question.private, flag: 'vars_prompt', instead: '-e NAME=VALUE' };
  for (;;) {
    const first = await askAtTerminal(question.text, options);
    if (!question.confirm) return first;
    if ((await askAtTerminal(`confirm ${question.text}`, options)) === first) return first;
    sayAtTerminal('***** VALUES ENTERED DO NOT MATCH ****\n');
  }
}

function sayAtTerminal(text: string): void {
  const fd = openSync('/dev/tty', 'w');
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

async function askAtTerminal(prompt: string, options: { echo: boolean; flag: string; instead: string }): Promise<string> {
  const { flag, instead } = options;
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    throw new InputError([{ message: `${flag} asks for ${options.echo ? 'an answer' : 'a password'} on the terminal, and this drover has none (no controlling terminal): use ${instead}` }]);
  }
  const input = new ReadStream(fd);
  input.setRawMode(true);
  writeSync(fd, prompt);
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      input.on('data', (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return resolve(typed);
          // Ctrl-D on an empty line: end of input, which Ansible takes as no password.
          if (ch === '\u0004' && typed === '') return resolve('');
          if (ch === '\u0003') return reject(new InputError([{ message: `${flag}: interrupted at the ${options.echo ? '' : 'password '}prompt` }]));
          if (ch === '\u007f' || ch === '\b') {
            if (options.echo && typed !== '') writeSync(fd, '\b \b');
            typed = [...typed].slice(0, -1).join('');
          } else if (ch === '\u0015') {
            if (options.echo) writeSync(fd, '\b \b'.repeat([...typed].length));
            typed = '';
          } else if (ch >= ' ') {
            if (options.echo) writeSync(fd, ch);
            typed += ch;
          }
        }
      });
      input.on('error', reject);
    });
  } finally {
    input.setRawMode(false);
    writeSync(fd, '\n');
    input.destroy();
    try {
      closeSync(fd);
    } catch {
      // Already closed with the stream.
    }
  }
}
