// Split a command line into words exactly as Ansible's command module does
// (Python's shlex.split, POSIX mode, no comments), so a playbook that worked
// under Ansible passes the same argv here. The words are then quoted one by
// one with `sh`: nothing of the string is ever parsed by a remote shell.
import { ModuleFailure } from '../../runner/module-api.js';

const WHITESPACE = ' \t\r\n';

/** shlex.split(text): quotes group, backslash escapes, no globbing, no variables. */
export function shlexSplit(text: string): string[] {
  const words: string[] = [];
  let word = '';
  // A word exists once any character or quote was seen: `''` is an empty word.
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (WHITESPACE.includes(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === "'") {
      // Single quotes: everything literal up to the next one.
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ModuleFailure(`cannot split the command line: no closing quotation in ${JSON.stringify(text)}`);
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      // Double quotes: a backslash escapes only '"' and '\' (Python's rule, not the shell's).
      i++;
      for (;;) {
        if (i >= text.length) throw new ModuleFailure(`cannot split the command line: no closing quotation in ${JSON.stringify(text)}`);
        const d = text[i]!;
        if (d === '"') break;
        if (d === '\\' && i + 1 < text.length && (text[i + 1] === '"' || text[i + 1] === '\\')) {
          word += text[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      inWord = true;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new ModuleFailure(`cannot split the command line: it ends with a lone backslash: ${JSON.stringify(text)}`);
      word += text[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
