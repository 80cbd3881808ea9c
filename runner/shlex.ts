// Python's shlex.split (POSIX mode), the one word splitter drover uses:
// Ansible splits INI host lines with it (comments on: `pass='a#b'` keeps the
// '#', `pass=a#b` does not) and free-form command lines (comments off), so the
// same text yields the same words here. Words are data: callers quote each
// one with `sh`, nothing is ever parsed by a remote shell.

/** Thrown for an unterminated quote or a trailing backslash, with shlex's wording. */
export class ShlexError extends Error {}

const WHITESPACE = ' \t\r\n';

/** Python `shlex.split(line, comments=COMMENTS, posix=True)`. */
export function shlexSplit(line: string, options: { comments?: boolean } = {}): string[] {
  const comments = options.comments ?? false;
  const words: string[] = [];
  let word = '';
  let inWord = false; // a word has started (possibly an empty quoted one)
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (WHITESPACE.includes(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === '#' && comments) {
      break; // the rest of the line is a comment, even in the middle of a word
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new ShlexError('No escaped character');
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShlexError('No closing quotation');
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new ShlexError('No closing quotation');
        const d = line[i]!;
        if (d === '"') break;
        // Inside double quotes a backslash escapes only '"' and '\'.
        if (d === '\\' && i + 1 < line.length && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          word += line[i + 1];
          i += 2;
        } else if (d === '\\' && i + 1 >= line.length) {
          throw new ShlexError('No escaped character');
        } else {
          word += d;
          i++;
        }
      }
      inWord = true;
      i++;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
