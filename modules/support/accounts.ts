// Users and groups as the account database reports them (getent, so NSS
// sources count, as in Ansible), read in one round trip: the user's passwd
// entry, primary and supplementary group names, the shadow hash (compared,
// never shown), and every group the task names (by name or gid).
import { ModuleFailure } from '../../runner/module-api.js';
import { sh, type Command } from '../../runner/quote.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
}

export interface UserInfo extends PasswdEntry {
  /** Primary group name. */
  group: string;
  /** Supplementary group names (the primary one left out). */
  groups: string[];
  /** The shadow password field ('!' prefix: locked); '' when unreadable. */
  hash: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
}

/** One script: the user (if `user` given) and each group in `groups`, one line each. */
export function accountQueryCommand(user: string | undefined, groups: readonly string[]): Command {
  const userPart = user === undefined
    ? sh`:`
    : sh`n=${user}
if p=$(getent passwd -- "$n"); then
  printf 'passwd\\t%s\\n' "$p" | head -n 1
  printf 'primary\\t%s\\n' "$(id -gn -- "$n" 2>/dev/null)"
  printf 'groups\\t%s\\n' "$(id -Gn -- "$n" 2>/dev/null)"
  printf 'shadow\\t%s\\n' "$(getent shadow -- "$n" 2>/dev/null | head -n 1 | cut -d: -f2)"
fi`;
  return sh`${userPart}
set -- ${groups}
for g in "$@"; do printf 'group\\t%s\\n' "$(getent group -- "$g" | head -n 1 | cut -d: -f1,3)"; done`;
}

export interface AccountQuery {
  user: UserInfo | null;
  /** Each requested group (same order), or null when it does not exist. */
  groups: (GroupEntry | null)[];
}

export function parsePasswd(line: string): PasswdEntry | null {
  const f = line.split(':');
  if (f.length < 7) return null;
  return { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), comment: f[4]!, home: f[5]!, shell: f.slice(6).join(':') };
}

export function parseAccountQuery(stdout: string): AccountQuery {
  let user: UserInfo | null = null;
  const groups: (GroupEntry | null)[] = [];
  const fields = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const key = line.slice(0, tab);
    const value = line.slice(tab + 1);
    if (key === 'group') {
      const [name = '', gid = ''] = value.split(':');
      groups.push(name !== '' && /^\d+$/.test(gid) ? { name, gid: Number(gid) } : null);
    } else if (!fields.has(key)) fields.set(key, value);
  }
  const passwd = fields.has('passwd') ? parsePasswd(fields.get('passwd')!) : null;
  if (fields.has('passwd') && !passwd) throw new ModuleFailure(`unexpected passwd entry: ${fields.get('passwd')}`);
  if (passwd) {
    const primary = fields.get('primary') ?? '';
    const all = (fields.get('groups') ?? '').split(' ').filter((g) => g !== '');
    user = { ...passwd, group: primary, groups: [...new Set(all.filter((g) => g !== primary))], hash: fields.get('shadow') ?? '' };
  }
  return { user, groups };
}

/** Ansible's list parameters also take "a,b" as one string; '' means the empty list. */
export function listParam(value: string | readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = typeof value === 'string' ? value.split(',') : value;
  return items.map((v) => v.trim()).filter((v) => v !== '');
}
