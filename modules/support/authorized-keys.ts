// authorized_keys content, pure: parse lines the way ansible.posix's
// authorized_key does (a key is identified by its base64 blob; options and
// comment belong to it), and compute the new content. Lines that stay are
// kept byte for byte; only added, replaced or removed keys change the file.
import { ModuleFailure } from '../../runner/module-api.js';

const KEY_TYPES = new Set([
  'sk-ecdsa-sha2-nistp256@openssh.com', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com', 'ssh-ed25519', 'ssh-dss', 'ssh-rsa',
]);

export interface AuthorizedKey {
  type: string;
  blob: string;
  /** Options in their order: [name, value or null]. */
  options: [string, string | null][];
  comment: string;
}

/** A key line, or null for comments, blank and invalid lines. */
export function parseKeyLine(line: string): AuthorizedKey | null {
  // Ansible splits on whitespace only (no quote handling) and finds the first known key type.
  const parts = line.replace(/\\#/g, '#').trim().split(/\s+/).filter((p) => p !== '');
  if (parts.length === 0 || parts[0]!.startsWith('#')) return null;
  const typeIndex = parts.findIndex((p) => KEY_TYPES.has(p));
  if (typeIndex < 0 || typeIndex + 1 >= parts.length) return null;
  return {
    type: parts[typeIndex]!,
    blob: parts[typeIndex + 1]!,
    options: parseOptions(parts.slice(0, typeIndex).join(' ')),
    comment: parts.slice(typeIndex + 2).join(' '),
  };
}

/** 'no-pty,command="a, b"' -> [['no-pty', null], ['command', '"a, b"']]; commas inside quotes do not split. */
export function parseOptions(text: string): [string, string | null][] {
  const options: [string, string | null][] = [];
  for (const part of text.match(/(?:[^,"']|"[^"]*"|'[^']*')+/g) ?? []) {
    const eq = part.indexOf('=');
    options.push(eq >= 0 ? [part.slice(0, eq), part.slice(eq + 1)] : [part, null]);
  }
  return options;
}

export function formatKey(key: AuthorizedKey): string {
  const options = key.options.map(([k, v]) => (v === null ? k : `${k}=${v}`)).join(',');
  return `${options ? `${options} ` : ''}${key.type} ${key.blob}${key.comment ? ` ${key.comment}` : ''}`;
}

/** Same key, same type, same options (order aside, as Python dicts compare), same comment. */
function sameKey(a: AuthorizedKey, b: AuthorizedKey): boolean {
  const opts = (k: AuthorizedKey) => JSON.stringify([...k.options].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return a.type === b.type && a.blob === b.blob && a.comment === b.comment && opts(a) === opts(b);
}

/** Short, safe name of a key for change sentences: type, end of the blob, comment. */
export function keyLabel(key: AuthorizedKey): string {
  return `${key.type} ...${key.blob.slice(-12)}${key.comment ? ` ${key.comment}` : ''}`;
}

export interface KeyWanted {
  /** One or more key lines; blank lines and '#' comments are ignored. */
  key: string;
  state: 'present' | 'absent';
  exclusive?: boolean;
  key_options?: string;
  comment?: string;
}

export function updateAuthorizedKeys(existing: string, wanted: KeyWanted): { content: string; changes: string[] } {
  const requested = wanted.key.split(/\r?\n/).filter((l) => l !== '' && !l.startsWith('#')).map((line) => {
    const parsed = parseKeyLine(line);
    if (!parsed) throw new ModuleFailure(`invalid key specified: ${line}`);
    if (wanted.key_options !== undefined) parsed.options = parseOptions(wanted.key_options);
    if (wanted.comment !== undefined) parsed.comment = wanted.comment;
    return parsed;
  });
  const lines = existing === '' ? [] : existing.replace(/\n$/, '').split('\n');
  const kept: string[] = [];
  const changes: string[] = [];
  const byBlob = new Map(requested.map((k) => [k.blob, k]));
  const seen = new Set<string>();
  for (const line of lines) {
    const current = parseKeyLine(line);
    const want = current ? byBlob.get(current.blob) : undefined;
    if (wanted.state === 'absent') {
      if (want) changes.push(`remove key ${keyLabel(current!)}`);
      else kept.push(line);
    } else if (want) {
      // A second line with the same key is dropped, as Ansible's dict of keys does.
      if (seen.has(want.blob)) continue;
      seen.add(want.blob);
      if (sameKey(current!, want)) kept.push(line);
      else {
        kept.push(formatKey(want));
        changes.push(`update options/comment of key ${keyLabel(want)}`);
      }
    } else if (wanted.exclusive) {
      if (line.trim() !== '') changes.push(current ? `remove key ${keyLabel(current)} (exclusive)` : `remove line ${JSON.stringify(line)} (exclusive)`);
    } else kept.push(line);
  }
  if (wanted.state === 'present') {
    for (const key of requested) {
      if (seen.has(key.blob)) continue;
      seen.add(key.blob);
      kept.push(formatKey(key));
      changes.push(`add key ${keyLabel(key)}`);
    }
  }
  return { content: kept.length ? `${kept.join('\n')}\n` : '', changes };
}
