// cron: one named job (or environment variable) in a user's crontab or in an
// /etc/cron.d file, like ansible.builtin.cron. A job is found by its marker
// comment, the line just before it. Markers: drover reads both '#Ansible: NAME'
// and '#drover: NAME', keeps the one an entry already has, and writes
// '#Ansible: NAME' for new entries. Writing Ansible's own marker is on purpose:
// while a site runs both tools (or migrates one playbook at a time) they then
// manage the same entry, and a job can never end up in the crontab twice, run
// twice as often, under two different markers.
import { defineModule, ModuleFailure, type Plan } from '../runner/module-api.js';
import { sh } from '../runner/quote.js';
import type { Host } from '../runner/host/types.js';
import { bytesToText, textToBytes } from './support/raw-text.js';
import { applyEdit, describeEdit, joinLines, readConfigFile, splitLines, type ConfigEdit } from './support/config-file.js';

const MARKER = /^#(Ansible|drover): (.*)$/;
const SPECIAL = ['reboot', 'yearly', 'annually', 'monthly', 'weekly', 'daily', 'hourly'] as const;
const TIME_FIELDS = ['minute', 'hour', 'day', 'month', 'weekday'] as const;

const timeField = (what: string) => ({ type: ['string', 'integer'], default: '*', description: `${what} when the job runs ('*', '*/5', '1-5', '0,30').` }) as const;

/** Where the entries live: a cron.d file (read and written like any config file) or a user's crontab. */
type Where = { kind: 'file'; edit: ConfigEdit } | { kind: 'crontab'; user?: string; before: string; after: string };

/** The table as raw text (raw-text.ts): through base64, so that bytes that are not UTF-8 survive. */
async function readCrontab(host: Host, user: string | undefined): Promise<string> {
  const list = user === undefined ? sh`crontab -l` : sh`crontab -u ${user} -l`;
  const r = await host.run(sh`t=$(mktemp) || exit 1; ${list} > "$t"; rc=$?; base64 -w0 < "$t"; rm -f -- "$t"; exit $rc`);
  if (r.rc === 0) return bytesToText(Buffer.from(r.stdout, 'base64'));
  if (/no crontab for/.test(r.stderr)) return '';
  throw new ModuleFailure(`cannot read the crontab${user === undefined ? '' : ` of ${user}`}: ${r.stderr.trim() || `exit status ${r.rc}`}`);
}

/** New lines with the entry set or removed; the marker an entry has is kept. */
function editJob(lines: string[], name: string, job: string | null): string[] {
  const out: string[] = [];
  let done = false;
  for (let i = 0; i < lines.length; i++) {
    const m = MARKER.exec(lines[i]!);
    if (!m || m[2] !== name) {
      out.push(lines[i]!);
      continue;
    }
    i++; // The job line belongs to the marker.
    // A second entry of the same name (a duplicate left by someone) goes away.
    if (job !== null && !done) out.push(lines[i - 1]!, job);
    done = true;
  }
  if (!done && job !== null) out.push(`#Ansible: ${name}`, job);
  return out;
}

/** Environment variable lines NAME=value; a new one goes first, before the jobs that need it. */
function editEnv(lines: string[], name: string, line: string | null): string[] {
  const isIt = (l: string) => l.startsWith(`${name}=`);
  const at = lines.findIndex(isIt);
  const kept = lines.filter((l, i) => !isIt(l) || (i === at && line !== null));
  if (line === null) return kept;
  if (at < 0) return [line, ...kept];
  return kept.map((l) => (isIt(l) ? line : l));
}

export default defineModule({
  name: 'cron',
  summary: "Manage a named cron job or environment variable in a user's crontab or an /etc/cron.d file.",
  changedWhen: 'the crontab (or cron.d file) content changes: the entry is added, rewritten or removed.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'The entry\'s name, kept in its marker comment (with env: the variable name).' },
      job: { type: 'string', description: 'The command to run (with env: the variable\'s value). Required for state=present.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the entry should be there.' },
      user: { type: 'string', minLength: 1, description: "Whose crontab (default: the connection's user); in a cron_file, the user the job runs as (default root)." },
      cron_file: { type: 'string', minLength: 1, description: 'Use this file instead of a crontab: a bare name is under /etc/cron.d/ (letters, digits, - and _ only, or cron ignores it). Removed when its last line goes.' },
      minute: timeField('Minute'),
      hour: timeField('Hour'),
      day: timeField('Day of the month'),
      month: timeField('Month'),
      weekday: timeField('Day of the week'),
      special_time: { enum: SPECIAL, description: "Instead of the five time fields: '@reboot', '@daily', ..." },
      disabled: { type: 'boolean', default: false, description: 'Keep the job but commented out.' },
      env: { type: 'boolean', default: false, description: 'Manage an environment variable line NAME=job instead of a job (placed before the jobs).' },
    },
  },
  paramAliases: { value: 'job', dom: 'day', dow: 'weekday' },
  async plan(host, params, ctx): Promise<Plan<Where>> {
    const present = params.state === 'present';
    if (present && params.job === undefined) throw new ModuleFailure('job is required with state=present');
    for (const value of [params.name, params.job ?? '', ...TIME_FIELDS.map((f) => String(params[f]))]) {
      if (/[\r\n]/.test(value)) throw new ModuleFailure('name, job and time fields may not contain a line break');
    }
    if (params.special_time !== undefined && TIME_FIELDS.some((f) => String(params[f]) !== '*')) {
      throw new ModuleFailure('special_time and minute/hour/day/month/weekday are mutually exclusive');
    }
    if (params.env && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(params.name)) throw new ModuleFailure(`'${params.name}' is not an environment variable name`);

    let where: Where;
    let text: string | null;
    if (params.cron_file !== undefined) {
      const path = params.cron_file.startsWith('/') ? params.cron_file : `/etc/cron.d/${params.cron_file}`;
      if (!/^[A-Za-z0-9_-]+$/.test(path.slice(path.lastIndexOf('/') + 1))) ctx.warn(`cron ignores ${path}: a cron.d file name may hold only letters, digits, '-' and '_'`);
      const file = await readConfigFile(host, path);
      where = { kind: 'file', edit: { file, after: null } };
      text = file.text;
    } else {
      text = await readCrontab(host, params.user);
      where = { kind: 'crontab', user: params.user, before: text, after: text };
    }

    const lines = splitLines(text);
    let after: string[];
    if (params.env) {
      after = editEnv(lines, params.name, present ? `${params.name}=${params.job}` : null);
    } else {
      const when = params.special_time !== undefined ? `@${params.special_time}` : TIME_FIELDS.map((f) => params[f]).join(' ');
      const runAs = where.kind === 'file' ? ` ${params.user ?? 'root'}` : '';
      after = editJob(lines, params.name, present ? `${params.disabled ? '#' : ''}${when}${runAs} ${params.job}` : null);
    }
    const unchanged = after.join('\n') === lines.join('\n');
    const newText = unchanged ? text : after.length === 0 && where.kind === 'file' ? null : joinLines(after);
    const what = `${present ? 'set' : 'remove'} ${params.env ? 'variable' : 'job'} ${params.name}`;
    if (where.kind === 'file') {
      where.edit.after = newText;
      return { ...describeEdit(where.edit, what), state: where };
    }
    if (unchanged) return { changes: [], state: where };
    const label = `crontab of ${params.user ?? 'the connection user'}`;
    return { changes: [`update ${label}: ${what}`], diff: [{ label, before: where.before, after: newText ?? '' }], state: { ...where, after: newText ?? '' } };
  },
  async apply(host, params, plan) {
    const where = plan.state!;
    if (where.kind === 'file') await applyEdit(host, where.edit);
    // crontab installs the new table itself (temp file + rename in the spool) and tells cron to reload it.
    else await host.check(where.user === undefined ? sh`crontab -` : sh`crontab -u ${where.user} -`, { stdin: textToBytes(where.after) });
    return {};
  },
});
