// The small text rules of ssh_config values: ~ for the home directory,
// %-tokens (%h %p %r %n ...) as OpenSSH expands them, and the wildcards of an
// Include path.
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConnectionError } from './types.js';

export function tildeExpand(path: string): string {
  if (path === '~') return homedir();
  return path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

/** Replace %x tokens; an unknown one is an error, as in OpenSSH ("unknown key %x"). */
export function expandTokens(text: string, tokens: Record<string, string>, keyword: string): string {
  return text.replace(/%(.)?/g, (whole, key: string | undefined) => {
    const value = key === undefined ? undefined : tokens[key];
    if (value === undefined) throw new ConnectionError('other', `ssh config ${keyword} ${JSON.stringify(text)}: unknown token ${whole} (drover knows ${Object.keys(tokens).map((k) => `%${k}`).join(' ')})`);
    return value;
  });
}

const wildcard = (segment: string): RegExp => new RegExp(`^${segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);

/** The files an absolute Include path names, sorted (wildcards in any path segment; dot files only when asked). */
export function globFiles(absolute: string): string[] {
  let found = ['/'];
  for (const segment of absolute.split('/').filter(Boolean)) {
    if (!/[*?]/.test(segment)) {
      found = found.map((dir) => join(dir, segment)).filter((p) => existsSync(p));
      continue;
    }
    const re = wildcard(segment);
    found = found.flatMap((dir) => {
      try {
        return readdirSync(dir).filter((n) => re.test(n) && (segment.startsWith('.') || !n.startsWith('.'))).sort().map((n) => join(dir, n));
      } catch {
        return [];
      }
    });
  }
  return found;
}
