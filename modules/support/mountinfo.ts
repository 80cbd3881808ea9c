// /etc/fstab and /proc/self/mountinfo: pure parsers and the field escaping
// both use (octal \040 for a space, \011 tab, \012 newline, \134 backslash,
// and \043 for '#', which would otherwise start a comment in fstab), so a
// mount point with a blank in its name round-trips.

export function unescapeField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

export function escapeField(value: string): string {
  return value.replace(/[\\ \t\n#]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** '/mnt/x/' and '/mnt/x' are one mount point. */
export function normaliseMountPoint(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

export interface FstabEntry {
  src: string;
  path: string;
  fstype: string;
  opts: string;
  dump: string;
  passno: string;
}

/** An fstab line's fields, or null for blank lines and comments. */
export function parseFstabLine(line: string): FstabEntry | null {
  const fields = line.trim().split(/\s+/);
  if (fields[0] === '' || fields[0]!.startsWith('#') || fields.length < 2) return null;
  const [src, path, fstype = 'auto', opts = 'defaults', dump = '0', passno = '0'] = fields.map(unescapeField);
  return { src: src!, path: normaliseMountPoint(path!), fstype, opts, dump, passno };
}

export function fstabLine(e: FstabEntry): string {
  return [e.src, e.path, e.fstype, e.opts, e.dump, e.passno].map(escapeField).join(' ');
}

export interface MountedFs {
  path: string;
  /** Path inside the mounted filesystem that is mounted here (not '/' for bind mounts). */
  root: string;
  fstype: string;
  source: string;
}

/** /proc/self/mountinfo: 'ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS'. */
export function parseMountinfo(text: string): MountedFs[] {
  return text.split('\n').flatMap((line) => {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6) return [];
    return [{ root: unescapeField(fields[3]!), path: unescapeField(fields[4]!), fstype: fields[dash + 1]!, source: unescapeField(fields[dash + 2] ?? '') }];
  });
}
