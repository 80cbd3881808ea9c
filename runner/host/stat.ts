// The stat fact: one command and a pure parser. "absent" and "wrong kind" are
// different answers, so modules can say "a directory is in the way".
import { sh, raw, type Command } from '../quote.js';
import type { FileKind, FileStat } from './types.js';

export function statCommand(path: string, checksum: boolean): Command {
  return sh`p=${path}
if [ -L "$p" ]; then t=link; elif [ -d "$p" ]; then t=directory; elif [ -f "$p" ]; then t=file; elif [ -e "$p" ]; then t=other; else echo absent; exit 0; fi
echo "$t"
stat -c '%a %u %g %U %G %s %Y' -- "$p"
if [ "$t" = file ] && ${raw(checksum ? 'true' : 'false')}; then sha256sum < "$p" | cut -d' ' -f1; else echo -; fi
if [ "$t" = link ]; then readlink -- "$p"; fi`;
}

export function parseStat(output: string): FileStat | null {
  const lines = output.split('\n');
  if (lines[0] === 'absent') return null;
  const kind = lines[0] as FileKind;
  const [mode = '0', uid = '0', gid = '0', owner = '', group = '', size = '0', mtime = '0'] = (lines[1] ?? '').split(' ');
  const stat: FileStat = {
    kind,
    mode: mode.padStart(4, '0'),
    uid: Number(uid),
    gid: Number(gid),
    owner,
    group,
    size: Number(size),
    mtime: Number(mtime),
  };
  if (lines[2] && lines[2] !== '-') stat.sha256 = lines[2];
  // A link target may itself contain newlines: everything after line 3, minus the final newline.
  if (kind === 'link') stat.linkTarget = lines.slice(3).join('\n').replace(/\n$/, '');
  return stat;
}
