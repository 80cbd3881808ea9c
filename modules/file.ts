// file: what kind of thing is at a path (absent, file, directory, symlink,
// hard link, touched file) and its mode/owner/group/times. A port of
// Ansible's file.py: the same state defaults, errors and changed answers.
// plan reads everything in one round trip and returns ordered steps; apply
// runs exactly those steps. The link states live in support/file-links.ts.
import { defineModule, ModuleFailure, type TypeOf } from '../runner/module-api.js';
import type { FileStat, Host } from '../runner/host/types.js';
import { sh } from '../runner/quote.js';
import { applyAttributes, attributeChanges, attributeSchemaProperties, resolveMode, type Attributes } from './support/file-attributes.js';
import { applyRecurse, planRecurse } from './support/file-recurse.js';
import { resolveTimes, timeSchemaProperties, timesChange, timesCommand, timesDiff } from './support/file-times.js';
import { asFileStat, expandUser, pathInfo, type PathInfo } from './support/path-info.js';
import { failOnMissing, missingAccounts } from './support/file-owners.js';
import { applyFlags, flagsSchemaProperties, flagsSentence, planFlags } from './support/file-flags.js';
import { planHard, planSymlink, pyBasename, pyDirname, pyJoin, stateOf, stateDiff, type FilePlan, type Step, type TimesStep } from './support/file-links.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: {
    path: { type: 'string', minLength: 1, description: 'The path to manage (aliases dest, name).' },
    state: {
      enum: ['absent', 'directory', 'file', 'hard', 'link', 'touch'],
      description: "What should be at path. Default: what is there now, else 'file' ('directory' with recurse). 'file' never creates a file: use 'touch'.",
    },
    src: { type: 'string', description: 'What a link points to (state=link: relative to the link; state=hard: an existing file).' },
    recurse: { type: 'boolean', default: false, description: 'state=directory: set mode/owner/group on everything below path too.' },
    force: { type: 'boolean', default: false, description: 'state=link/hard: replace a file (or an empty directory) at path, and allow a link to a missing src.' },
    follow: { type: 'boolean', default: true, description: 'When path is a symlink, set attributes on its target (and follow links when recursing).' },
    ...timeSchemaProperties,
    ...attributeSchemaProperties,
    ...flagsSchemaProperties,
    _diff_peek: { type: 'boolean', description: "Ansible's internal parameter (its action plugins send it): when given at all, only report whether path looks binary (appears_binary: a NUL byte in its first 8 KiB) and change nothing." },
  },
} as const;

type FileParams = TypeOf<typeof schema>;

/** Mode/owner/group for one path: the change sentences and the step that makes them. */
function attributeStep(path: string, current: PathInfo | null, wanted: Attributes, isDir: boolean): FilePlan {
  const stat = current ? asFileStat(current) : null;
  const changes = attributeChanges(path, wanted, stat, isDir);
  return { changes, steps: changes.length ? [{ op: 'attributes', path, current: stat, isDir, noMode: false }] : [] };
}

function merge(...plans: FilePlan[]): FilePlan {
  return { changes: plans.flatMap((p) => p.changes), steps: plans.flatMap((p) => p.steps) };
}

async function planDirectory(host: Host, path: string, current: PathInfo | null, params: FileParams, times: TimesStep): Promise<FilePlan> {
  if (current === null) {
    // Like Ansible, every missing component is created and gets mode/owner/group, not only the last one.
    const parts = path.split('/').filter(Boolean);
    const prefixes = parts.map((_, i) => (path.startsWith('/') ? '/' : '') + parts.slice(0, i + 1).join('/'));
    const found = await pathInfo(host, prefixes.map((p) => ({ path: p, follow: true })));
    const missing = prefixes.filter((_, i) => found[i] === null);
    const steps: Step[] = missing.flatMap((dir): Step[] => [{ op: 'mkdir', path: dir }, { op: 'attributes', path: dir, current: null, isDir: true, noMode: false }]);
    const changes = [`create directory ${path}${missing.length > 1 ? ` (and ${missing.length - 1} missing parent${missing.length > 2 ? 's' : ''})` : ''}`];
    changes.push(...attributeChanges(path, params, null, true));
    return { changes, steps: timesChange(times, null) ? [...steps, { ...times, path }] : steps };
  }
  if (current.kind !== 'directory') throw new ModuleFailure(`${path} already exists as a ${stateOf(current)}`, { path });
  const plan = merge(attributeStep(path, current, params, true), timesPlan(path, current, times));
  if (!params.recurse) return plan;
  const recurse = await planRecurse(host, path, params, params.follow);
  if (recurse.count === 0) return plan;
  return merge(plan, { changes: [`set attributes on ${recurse.count} entr${recurse.count === 1 ? 'y' : 'ies'} under ${path}`], steps: [{ op: 'recurse', plan: recurse }] });
}

function timesPlan(path: string, current: PathInfo | null, times: TimesStep): FilePlan {
  if (!timesChange(times, current)) return { changes: [], steps: [] };
  return { changes: [`set access/modification time of ${path}`], steps: [{ ...times, path }] };
}

const fileModule = defineModule({
  name: 'file',
  summary: 'Manage files, directories, symlinks and hard links, and their mode, owner, group and times.',
  changedWhen: 'the path is created, removed, relinked, or its mode/owner/group/times change; state=touch always changes unless both times are preserve.',
  schema,
  paramAliases: { dest: 'path', name: 'path', attr: 'attributes' },
  async plan(host, params, ctx) {
    let path = await expandUser(host, params.path);
    const src = params.src !== undefined ? await expandUser(host, params.src) : undefined;
    // Everything plan may need, in one round trip (the src-related paths only when there is a src).
    const items = [{ path }, { path, follow: true }];
    if (src !== undefined) {
      const inside = pyJoin(path, pyBasename(src));
      items.push({ path: src, follow: true }, { path: inside }, { path: inside, follow: true }, { path: pyJoin(path, src), follow: true }, { path: pyJoin(pyDirname(path), src), follow: true });
    }
    const found = await pathInfo(host, items);
    let [own = null, followed = null] = found;
    // Ansible: a directory at path means "the file inside it", named after src (except for link and absent).
    if (params.state !== 'link' && params.state !== 'absent' && followed?.kind === 'directory' && src !== undefined && pyBasename(src)) {
      path = pyJoin(path, pyBasename(src));
      [own = null, followed = null] = [found[3] ?? null, found[4] ?? null];
    }
    const prev = stateOf(own);
    const accounts = await missingAccounts(host, params.owner, params.group);
    if (params.state !== 'absent') accounts.warnings.forEach((w) => ctx.checkModeWarn(w));
    const state = params.state ?? (prev !== 'absent' ? prev : params.recurse ? 'directory' : 'file');
    if (params.recurse && state !== 'directory') throw new ModuleFailure("recurse option requires state to be 'directory'", { path });
    if (src !== undefined && state !== 'link' && state !== 'hard') throw new ModuleFailure("src option requires state to be 'link' or 'hard'", { path });
    // As Ansible's file.py: after those checks, _diff_peek short-circuits everything else, whatever its value.
    if (params._diff_peek !== undefined) return { changes: [], result: { path, appears_binary: await appearsBinary(host, path) } };
    const times = { op: 'times' as const, path, ...(await resolveTimes(host, params, state)) };
    // With follow, attributes and times apply to what a symlink points to.
    const resolved = params.follow && own?.kind === 'link' ? { path: followed?.realPath ?? own.realPath, info: followed } : { path, info: own };

    let plan: FilePlan;
    switch (state) {
      case 'absent':
        plan = own ? { changes: [`remove ${stateOf(own)} ${path}`], steps: [{ op: 'remove', path, recursive: own.kind === 'directory' }] } : { changes: [], steps: [] };
        break;
      case 'touch': {
        const create: FilePlan = own ? { changes: [], steps: [] } : { changes: [`create empty file ${path}`], steps: [{ op: 'touch', path }] };
        const target = own ? resolved : { path, info: null };
        const attrs = attributeStep(target.path, target.info, params, target.info?.kind === 'directory');
        plan = merge(create, attrs, timesPlan(target.path, target.info, times));
        break;
      }
      case 'file':
        if (resolved.info === null || (resolved.info.kind === 'directory' || resolved.info.kind === 'link')) {
          throw new ModuleFailure(`file (${resolved.path}) is ${stateOf(resolved.info)}, cannot continue`, { path: resolved.path, state: stateOf(resolved.info) });
        }
        plan = merge(attributeStep(resolved.path, resolved.info, params, false), timesPlan(resolved.path, resolved.info, times));
        break;
      case 'directory':
        plan = await planDirectory(host, resolved.path, resolved.info, params, times);
        break;
      case 'link':
        plan = await planSymlink(host, { path, src, own, followed, params, times, srcProbes: found.slice(5), warn: (m) => ctx.warn(m) });
        break;
      case 'hard':
        plan = planHard({ path, src, own, followed, srcInfo: found[2] ?? null, params, times });
        break;
    }
    // Setting the owner or group of something that exists needs the account (a new directory is made first, as in Ansible).
    if (plan.steps.some((s) => (s.op === 'attributes' && s.current !== null) || s.op === 'recurse')) failOnMissing(accounts, path);
    if (params.attributes !== undefined && state !== 'absent') {
      if (params.recurse) throw new ModuleFailure('drover does not set attributes (chattr flags) recursively: give the paths below the directory one by one', { path });
      const change = await planFlags(host, state === 'link' || state === 'hard' ? path : resolved.path, params.attributes);
      if (change) plan = merge(plan, { changes: [flagsSentence(change)], steps: [{ op: 'flags', change }] });
    }
    const target = state === 'link' || state === 'hard' || state === 'touch' ? { dest: path, ...(src !== undefined ? { src } : {}) } : { path };
    // file and directory work on what a followed link points to, and Ansible's diff names that.
    const worked = state === 'file' || state === 'directory' ? { path: resolved.path, prev: stateOf(resolved.info) } : { path, prev };
    const resultDiff = state === 'absent' && own === null ? {} : { diff: await ansibleDiff(host, { ...worked, state, plan, mode: modeChange(params, resolved.info), times: state === 'link' || state === 'hard' ? null : timesDiff(times, resolved.info) }) };
    return {
      changes: plan.changes,
      diff: plan.changes.length && prev !== (state === 'touch' ? 'file' : state) ? [stateDiff(path, prev, state === 'touch' ? 'file' : state)] : [],
      state: { steps: plan.steps, path, target },
      // Touching an absent path, Ansible's check mode answers only dest (execute_touch returns early); apply adds what is there then.
      result: { ...target, ...resultDiff, ...(state === 'touch' && own === null ? {} : { state: state === 'touch' ? 'file' : state }), ...describe(own) },
    };
  },
  async apply(host, params, plan) {
    const { steps, path, target } = plan.state as { steps: Step[]; path: string; target: Record<string, unknown> };
    let created: string | undefined;
    try {
      for (const step of steps) {
        await runStep(host, params, step);
        if (step.op === 'touch') created = step.path;
      }
    } catch (error) {
      // As Ansible's execute_touch: the file it has just made goes again when its attributes cannot be set.
      if (created !== undefined) await host.run(sh`rm -f -- ${created}`);
      throw error;
    }
    // Like Ansible's add_path_info: what is at the path now.
    const [after = null] = await pathInfo(host, [{ path }]);
    return { result: { ...target, state: stateOf(after), ...describe(after) } };
  },
});

type Sides = Record<'before' | 'after', Record<string, unknown>>;

/**
 * The registered result's diff, as Ansible's file module returns it whatever --diff says: its
 * initial_diff (path; the state when it changes; what a directory being removed holds), then the
 * link's old and new text and the mode, as set_fs_attributes_if_different adds them.
 */
async function ansibleDiff(host: Host, d: { path: string; prev: string; state: string; plan: FilePlan; mode: Sides | null; times: Sides | null }): Promise<Sides> {
  const diff: Sides = { before: { path: d.path }, after: { path: d.path } };
  if (d.prev !== d.state) {
    diff.before.state = d.prev;
    diff.after.state = d.state;
    if (d.state === 'absent' && d.prev === 'directory') diff.before.path_content = await directoryContent(host, d.path);
  }
  if (d.plan.relink) {
    diff.before.src = d.plan.relink.before;
    diff.after.src = d.plan.relink.after;
  }
  for (const part of [d.mode, d.times]) {
    Object.assign(diff.before, part?.before);
    Object.assign(diff.after, part?.after);
  }
  return diff;
}

/** Ansible's '0%03o' of the mode before and after, when it changes. */
function modeChange(params: FileParams, current: PathInfo | null): Sides | null {
  if (params.mode === undefined || current === null) return null;
  const after = resolveMode(params.mode, current.mode, current.kind === 'directory');
  if (after === current.mode) return null;
  return { before: { mode: pythonMode(current.mode) }, after: { mode: pythonMode(after) } };
}

/** Ansible writes modes as '0%03o': '0644', '01777'. */
function pythonMode(mode: string): string {
  return `0${parseInt(mode, 8).toString(8).padStart(3, '0')}`;
}

/** os.walk's directories (links to directories included, as Python's is_dir sees them) and files below path. */
async function directoryContent(host: Host, path: string): Promise<{ directories: string[]; files: string[] }> {
  const start = path.startsWith('/') ? path : `./${path}`;
  const out = await host.run(sh`find ${start} -mindepth 1 \\( -xtype d -printf 'd%p\\0' \\) -o -printf 'f%p\\0' | base64 -w0`);
  const records = Buffer.from(out.stdout, 'base64').toString('latin1').split('\0').filter(Boolean);
  const cut = start === path ? 1 : 3;
  const named = (kind: string) => records.filter((r) => r.startsWith(kind)).map((r) => Buffer.from(r.slice(cut), 'latin1').toString('utf8'));
  return { directories: named('d'), files: named('f') };
}

/** Ansible's path info in results: owner, group, mode, size. */
function describe(info: PathInfo | null): Record<string, unknown> {
  if (!info) return {};
  return { uid: info.uid, gid: info.gid, owner: info.owner ?? String(info.uid), group: info.group ?? String(info.gid), mode: pythonMode(info.mode), size: info.size };
}

async function runStep(host: Host, params: FileParams, step: Step): Promise<void> {
  switch (step.op) {
    case 'remove':
      await host.check(step.recursive ? sh`rm -rf -- ${step.path}` : sh`rm -f -- ${step.path}`);
      return;
    case 'touch':
      await host.check(sh`touch -- ${step.path}`);
      return;
    case 'mkdir':
      // Another process may have made it since plan: that is fine, as in Ansible.
      await host.check(sh`mkdir -- ${step.path} || [ -d ${step.path} ]`);
      return;
    case 'link': {
      const ln = step.hard ? sh`ln -- ${step.src}` : sh`ln -s -- ${step.src}`;
      // Replace atomically: make the link beside the old thing, then rename over it.
      if (!step.replace) await host.check(sh`${ln} ${step.path}`);
      else {
        const tmp = pyJoin(pyDirname(step.path), `.drover-${process.pid}.${Date.now()}.tmp`);
        const rmdir = step.rmdir ? sh`rmdir -- ${step.path} && ` : sh``;
        await host.check(sh`${rmdir}${ln} ${tmp} && { mv -T -f -- ${tmp} ${step.path} || { rm -f -- ${tmp}; exit 1; }; }`);
      }
      return;
    }
    case 'attributes': {
      const wanted: Attributes = step.noMode ? { owner: params.owner, group: params.group } : params;
      const current: FileStat | null = step.current ?? (await host.stat(step.path));
      if (attributeChanges(step.path, wanted, current, step.isDir).length) await applyAttributes(host, step.path, wanted, current, step.isDir);
      return;
    }
    case 'times': {
      const command = timesCommand(step.path, step);
      if (command) await host.check(command);
      return;
    }
    case 'recurse':
      await applyRecurse(host, step.plan);
      return;
    case 'flags':
      await applyFlags(host, step.change);
      return;
  }
}

/** Ansible's execute_diff_peek: a NUL byte in the first 8192 bytes; a file it cannot read counts as text. */
async function appearsBinary(host: Host, path: string): Promise<boolean> {
  const head = sh`head -c 8192 -- ${path} 2>/dev/null`;
  const r = await host.run(sh`all=$(${head} | wc -c); text=$(${head} | tr -d '\000' | wc -c); [ "$all" = "$text" ] || echo binary`);
  return r.stdout.trim() === 'binary';
}

export default fileModule;
