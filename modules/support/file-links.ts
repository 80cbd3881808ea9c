// The file module's link states (state=link, state=hard) and the small
// vocabulary file.ts shares with them: steps, Ansible's state names, Python's
// path joining. Checks and messages follow Ansible's ensure_symlink and
// ensure_hardlink so that the same playbook fails or passes the same way.
import { ModuleFailure, type DiffEntry } from '../../runner/module-api.js';
import type { FileStat, Host } from '../../runner/host/types.js';
import { sh } from '../../runner/quote.js';
import { attributeChanges, type Attributes } from './file-attributes.js';
import type { FlagsChange } from './file-flags.js';
import type { RecursePlan } from './file-recurse.js';
import { timesChange, type TimeSpec } from './file-times.js';
import { asFileStat, type PathInfo } from './path-info.js';

/** One thing apply does, in order. Plain data: plan computes it, apply runs it. */
export type Step =
  | { op: 'remove'; path: string; recursive: boolean }
  | { op: 'touch'; path: string }
  | { op: 'mkdir'; path: string }
  | { op: 'link'; src: string; path: string; hard: boolean; replace: boolean; rmdir: boolean }
  /** current null: the path is created by an earlier step, so apply reads it first. */
  | { op: 'attributes'; path: string; current: FileStat | null; isDir: boolean; noMode: boolean }
  | { op: 'times'; path: string; atime: TimeSpec; mtime: TimeSpec }
  | { op: 'recurse'; plan: RecursePlan }
  | { op: 'flags'; change: FlagsChange };

export interface FilePlan {
  changes: string[];
  steps: Step[];
  /** An existing symlink is repointed: its old and new text, for Ansible's diff. */
  relink?: { before: string; after: string };
}

export type TimesStep = Step & { op: 'times' };

export type FileState = 'absent' | 'link' | 'directory' | 'hard' | 'file';

/** Ansible's get_state: absent, link, directory, hard (a file with more than one link) or file. */
export function stateOf(info: PathInfo | null): FileState {
  if (info === null) return 'absent';
  if (info.kind === 'link' || info.kind === 'directory') return info.kind;
  return info.nlink > 1 ? 'hard' : 'file';
}

/** Python's os.path.join of two parts (no normalisation, an absolute second part wins). */
export function pyJoin(dir: string, name: string): string {
  if (name.startsWith('/') || dir === '') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

export function pyBasename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function pyDirname(path: string): string {
  const i = path.lastIndexOf('/');
  if (i < 0) return '';
  const head = path.slice(0, i + 1);
  return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '');
}

export function stateDiff(path: string, before: string, after: string): DiffEntry {
  return { label: path, before: `path: ${path}\nstate: ${before}\n`, after: `path: ${path}\nstate: ${after}\n` };
}

function timesPlan(path: string, current: PathInfo | null, times: TimesStep): FilePlan {
  return timesChange(times, current) ? { changes: [`set access/modification time of ${path}`], steps: [{ ...times, path }] } : { changes: [], steps: [] };
}

interface LinkParams extends Attributes {
  force: boolean;
  follow: boolean;
}

interface SymlinkInput {
  path: string;
  src: string | undefined;
  own: PathInfo | null;
  followed: PathInfo | null;
  params: LinkParams;
  times: TimesStep;
  /** pyJoin(path, src) and pyJoin(dirname(path), src), followed: where a relative src points. */
  srcProbes: (PathInfo | null)[];
  warn(message: string): void;
}

export async function planSymlink(host: Host, input: SymlinkInput): Promise<FilePlan> {
  const { path, own, followed, params } = input;
  // Without src, an existing link is kept as it points (Ansible reads it back as src).
  const src = input.src ?? (params.follow && followed && own?.kind === 'link' ? own.linkTarget : undefined);
  const relativeToPath = own?.kind === 'directory';
  const target = src === undefined ? null : (relativeToPath ? input.srcProbes[0] : input.srcProbes[1]) ?? null;
  if (!params.force && input.src !== undefined && target === null) {
    const absrc = pyJoin(relativeToPath ? path : pyDirname(path), input.src);
    throw new ModuleFailure(`src file does not exist, use "force=yes" if you really want to create the link: ${absrc}`, { path, src: input.src });
  }
  const prev = stateOf(own);
  if (prev === 'directory') {
    if (!params.force) throw new ModuleFailure(`refusing to convert from directory to symlink for ${path}`, { path });
    const empty = await host.run(sh`[ -z "$(ls -A -- ${path})" ]`);
    if (empty.rc !== 0) throw new ModuleFailure(`the directory ${path} is not empty, refusing to convert it`, { path });
  } else if ((prev === 'file' || prev === 'hard') && !params.force) {
    throw new ModuleFailure(`refusing to convert from ${prev} to symlink for ${path}`, { path });
  }
  const plan: FilePlan = { changes: [], steps: [] };
  let relinked = false;
  if (prev !== 'link') {
    if (src === undefined) throw new ModuleFailure('src is required for creating new symlinks');
    relinked = true;
    plan.changes.push(`${prev === 'absent' ? 'create' : `replace ${prev} with`} symlink ${path} -> ${src}`);
  } else if (src !== undefined && own?.linkTarget !== src) {
    relinked = true;
    plan.changes.push(`repoint symlink ${path}: ${own?.linkTarget} -> ${src}`);
    plan.relink = { before: own?.linkTarget ?? '', after: src };
  }
  if (relinked) plan.steps.push({ op: 'link', src: src!, path, hard: false, replace: prev !== 'absent', rmdir: prev === 'directory' });

  // Attributes go to what the link points to (follow), else to the link itself: owner and group only.
  if (params.follow) {
    const pointed = relinked ? target : followed;
    if (pointed === null) {
      input.warn('Cannot set fs attributes on a non-existent symlink target. follow should be set to False to avoid this.');
      return plan;
    }
    const changes = attributeChanges(pointed.realPath, params, asFileStat(pointed), pointed.kind === 'directory');
    if (changes.length) plan.steps.push({ op: 'attributes', path: pointed.realPath, current: asFileStat(pointed), isDir: pointed.kind === 'directory', noMode: false });
    const times = timesPlan(pointed.realPath, pointed, input.times);
    return { ...plan, changes: [...plan.changes, ...changes, ...times.changes], steps: [...plan.steps, ...times.steps] };
  }
  const ownership = { owner: params.owner, group: params.group };
  const current = relinked || !own ? null : asFileStat(own);
  const changes = attributeChanges(path, ownership, current, false);
  if (changes.length) plan.steps.push({ op: 'attributes', path, current, isDir: false, noMode: true });
  const times = timesPlan(path, followed, input.times);
  return { ...plan, changes: [...plan.changes, ...changes, ...times.changes], steps: [...plan.steps, ...times.steps] };
}

interface HardInput {
  path: string;
  src: string | undefined;
  own: PathInfo | null;
  followed: PathInfo | null;
  srcInfo: PathInfo | null;
  params: LinkParams;
  times: TimesStep;
}

export function planHard(input: HardInput): FilePlan {
  const { path, src, own, followed, srcInfo, params } = input;
  const prev = stateOf(own);
  // As Ansible: an existing hard link needs no src (only its attributes are managed then).
  if (src === undefined && prev !== 'hard') throw new ModuleFailure('src is required for creating new hardlinks');
  if (src !== undefined && srcInfo === null) throw new ModuleFailure('src does not exist', { dest: path, src });
  const sameInode = src === undefined || (followed !== null && followed.inode === srcInfo!.inode && followed.dev === srcInfo!.dev);
  let linked = false;
  if (src === undefined) linked = false;
  else if (prev === 'absent') linked = true;
  // Ansible compares a symlink's text with src: a symlink to src already counts as done.
  else if (prev === 'link') linked = own?.linkTarget !== src;
  else if (prev === 'directory') {
    if (sameInode) return { changes: [], steps: [] };
    throw new ModuleFailure(`Cannot link: a directory exists at destination ${path}`, { dest: path, src });
  } else if (!sameInode) {
    if (!params.force) throw new ModuleFailure(prev === 'hard' ? 'Cannot link, different hard link exists at destination' : `Cannot link, ${prev} exists at destination`, { dest: path, src });
    linked = true;
  }
  const plan: FilePlan = { changes: [], steps: [] };
  if (linked && src !== undefined) {
    if (prev === 'link') plan.relink = { before: own?.linkTarget ?? '', after: src };
    plan.changes.push(`${prev === 'absent' ? 'create' : `replace ${prev} with`} hard link ${path} to ${src}`);
    plan.steps.push({ op: 'link', src, path, hard: true, replace: prev !== 'absent', rmdir: false });
  }
  // After linking, path is src's inode: its attributes are src's.
  const target = linked ? { path, info: srcInfo } : params.follow && own?.kind === 'link' ? { path: followed?.realPath ?? path, info: followed } : { path, info: own };
  const current = target.info ? asFileStat(target.info) : null;
  const changes = attributeChanges(target.path, params, current, false);
  if (changes.length) plan.steps.push({ op: 'attributes', path: target.path, current, isDir: false, noMode: false });
  const times = timesPlan(target.path, target.info, input.times);
  return { ...plan, changes: [...plan.changes, ...changes, ...times.changes], steps: [...plan.steps, ...times.steps] };
}
