// backup: archive a list of sensitive files into a backup directory, keeping
// the newest N archives (the Callysto "make backup" step). A new archive is
// made only when the files changed since the newest one: its name carries a
// fingerprint of the archived content (content, names, modes, owners; not
// times), so a second run with nothing changed reports ok, not a needless copy.
// A file missing at plan time is planned as archived (under --check, the task
// that makes it has not run); apply looks again and fails if it is still missing.
import { defineModule, ModuleFailure, type Plan } from '../runner/module-api.js';
import type { Host } from '../runner/host/types.js';
import { sh, type Command } from '../runner/quote.js';

interface BackupState {
  /** Paths that did not exist at plan time: apply plans again. */
  missing?: string[];
  fingerprint: string;
  prune: string[];
  dirMissing: boolean;
}

/** Archive names: NAME-YYYYmmddTHHMMSSZ-FINGERPRINT.tar.gz (sortable by time). */
const ARCHIVE = /^(.+)-(\d{8}T\d{6}Z)-([0-9a-f]{16})\.tar\.gz$/;

/**
 * tar of the files piped into `sink`; member order and times fixed so equal
 * content gives equal bytes (`./` keeps a name from reading as an option).
 * POSIX sh has no pipefail, so tar's own status travels on stderr.
 */
async function tarInto(host: Host, paths: readonly string[], sink: Command): Promise<string> {
  const members = paths.map((p) => `./${p.replace(/^\/+/, '')}`);
  const tar = sh`tar -C / --sort=name --mtime=@0 --numeric-owner --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -cf - -- ${members}`;
  const result = await host.check(sh`umask 077; { ${tar}; echo "tar-status:$?" >&2; } | ${sink}`);
  if (!result.stderr.includes('tar-status:0')) throw new ModuleFailure(`tar could not read the files: ${result.stderr.replace(/tar-status:\d+\n?/, '').trim()}`);
  return result.stdout;
}

export default defineModule({
  name: 'backup',
  summary: 'Archive files into a backup directory (tar.gz, mode 0600), keeping the newest N archives.',
  changedWhen: 'the files differ from the newest archive (a new archive is written), or archives beyond `keep` were removed.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['paths', 'dest'],
    properties: {
      paths: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^/', description: 'An absolute path.' }, description: 'Files and directories to archive (absolute paths; directories recursively).' },
      dest: { type: 'string', pattern: '^/', description: 'Backup directory (created 0700 if missing).' },
      name: { type: 'string', pattern: '^[A-Za-z0-9._-]+$', default: 'backup', description: 'Archive name prefix: NAME-TIMESTAMP-FINGERPRINT.tar.gz.' },
      keep: { type: 'integer', minimum: 1, default: 7, description: 'How many archives of this name to keep (the oldest are removed).' },
    },
  },
  plan: (host, params) => planBackup(host, params),
  async apply(host, params, planned) {
    const plan = (planned.state as BackupState).missing ? await planBackup(host, params) : planned;
    const s = plan.state as BackupState;
    if (s.missing) throw new ModuleFailure(`nothing to back up at ${s.missing.join(', ')} (no such file or directory)`);
    const name = params.name ?? 'backup';
    if (s.dirMissing) await host.check(sh`mkdir -p -m 0700 -- ${params.dest}`);
    let archive: string | undefined;
    if (plan.changes.some((c) => c.startsWith('archive '))) {
      const stamp = (await host.check(sh`date -u +%Y%m%dT%H%M%SZ`)).stdout.trim();
      archive = `${params.dest}/${name}-${stamp}-${s.fingerprint}.tar.gz`;
      const temp = `${params.dest}/.${name}-${stamp}.tmp`;
      // Written beside its final name and renamed: a half-written archive never looks like a backup.
      try {
        await tarInto(host, params.paths, sh`gzip -n > ${temp}`);
      } catch (error) {
        await host.run(sh`rm -f -- ${temp}`);
        throw error;
      }
      await host.check(sh`mv -f -- ${temp} ${archive}`);
    }
    if (s.prune.length) await host.check(sh`rm -f -- ${s.prune.map((f) => `${params.dest}/${f}`)}`);
    return { result: { archive, removed: s.prune } };
  },
});

type BackupParams = { readonly paths: readonly string[]; readonly dest: string; readonly name?: string; readonly keep?: number };

/** What to archive and prune; while some paths are missing, the plan names them and apply must look again. */
async function planBackup(host: Host, params: BackupParams): Promise<Plan<BackupState>> {
  const name = params.name ?? 'backup';
  const keep = params.keep ?? 7;
  const missing = (await Promise.all(params.paths.map(async (p) => ((await host.stat(p)) ? null : p)))).filter((p): p is string => p !== null);
  if (missing.length) {
    const change = `archive ${params.paths.join(', ')} to ${params.dest} (${missing.join(', ')} does not exist yet: an earlier task must create it)`;
    return { changes: [change], state: { missing, fingerprint: '', prune: [], dirMissing: false }, result: { dest: params.dest } };
  }
  const fingerprint = (await tarInto(host, params.paths, sh`sha256sum`)).slice(0, 16);
  const dirStat = await host.stat(params.dest);
  if (dirStat && dirStat.kind !== 'directory') throw new ModuleFailure(`${params.dest} is a ${dirStat.kind}, not a directory`);
  const existing = dirStat ? (await host.check(sh`ls -1 -- ${params.dest}`)).stdout.split('\n').filter((f) => ARCHIVE.exec(f)?.[1] === name).sort() : [];
  const newest = existing.at(-1);
  const upToDate = newest !== undefined && ARCHIVE.exec(newest)![3] === fingerprint;
  const kept = upToDate ? existing : [...existing, `${name}-<now>-${fingerprint}.tar.gz`];
  const prune = kept.slice(0, Math.max(0, kept.length - keep));
  const changes = [
    ...(upToDate ? [] : [`archive ${params.paths.join(', ')} to ${params.dest}/${name}-<now>-${fingerprint}.tar.gz`]),
    ...(prune.length ? [`remove ${prune.length} old archive(s) of ${name}, keeping ${keep}`] : []),
  ];
  return {
    changes,
    diff: changes.length ? [{ label: `archives in ${params.dest}`, before: lines(existing), after: lines(kept.slice(prune.length)) }] : [],
    state: { fingerprint, prune, dirMissing: dirStat === null },
    result: { dest: params.dest, fingerprint, archives: upToDate ? existing.slice(prune.length) : undefined },
  };
}

function lines(names: readonly string[]): string {
  return names.length ? `${names.join('\n')}\n` : '';
}
