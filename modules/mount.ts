// mount: an fstab entry and the running mount, like ansible.posix.mount.
//   present   the fstab line only        unmounted  not mounted (fstab untouched)
//   mounted   fstab line + mounted       absent     not mounted and no fstab line
//   remounted mount -o remount (always a change, as in Ansible)
// The running mount is read from /proc/self/mountinfo. Where Ansible's
// `mounted` only runs `mount -o remount` after an fstab change (so a new src
// or fstype never reaches the running system), drover compares what is
// mounted with the wanted src/fstype and unmounts and mounts again when they
// differ; a change of options alone is a remount. Bind mounts are compared by
// being mounted only (their source reads as the underlying device); an image
// mounted with -o loop by the file behind its loop device.
import { defineModule, ModuleFailure, type Plan } from '../runner/module-api.js';
import { sh, type Command } from '../runner/quote.js';
import type { Host } from '../runner/host/types.js';
import { applyEdit, describeEdit, joinLines, readConfigFile, splitLines, type ConfigEdit } from './support/config-file.js';
import { fstabLine, normaliseMountPoint, parseFstabLine, parseMountinfo, type FstabEntry, type MountedFs } from './support/mountinfo.js';

interface MountState {
  edit: ConfigEdit;
  /** Commands in order, after the fstab is written. */
  commands: Command[];
}

const isBind = (opts: string) => opts.split(',').some((o) => o === 'bind' || o === 'rbind');
const sameFstype = (wanted: string, running: string) => wanted === 'auto' || wanted === running || (wanted === 'nfs' && running === 'nfs4');

/** The device a UUID=/LABEL= or /dev/... source names, as the kernel reports it. */
async function resolveSource(host: Host, src: string): Promise<string> {
  if (/^(UUID|LABEL|PARTUUID|PARTLABEL)=/.test(src)) {
    const r = await host.run(sh`findfs ${src}`);
    return r.rc === 0 ? r.stdout.trim() : src;
  }
  if (!src.startsWith('/dev/')) return src;
  const r = await host.run(sh`readlink -f -- ${src}`);
  return r.rc === 0 ? r.stdout.trim() : src;
}

/** An image file mounted with -o loop reads as /dev/loopN: the file it is backed by, and the image the entry names, both resolved. */
async function sameLoopImage(host: Host, src: string, loopDevice: string): Promise<boolean> {
  const device = /^\/dev\/(loop\d+)$/.exec(loopDevice)?.[1];
  if (!device || src.startsWith('/dev/')) return false;
  const r = await host.run(sh`cat -- ${`/sys/block/${device}/loop/backing_file`} && readlink -f -- ${src}`);
  const [backing, image] = r.stdout.split('\n');
  return r.rc === 0 && backing !== undefined && backing === image;
}

/** Whether the running mount is what the entry asks for (src, fstype; bind mounts: mounted at all). */
async function matches(host: Host, wanted: FstabEntry, running: MountedFs): Promise<boolean> {
  if (isBind(wanted.opts)) return true;
  if (!sameFstype(wanted.fstype, running.fstype)) return false;
  return (await resolveSource(host, wanted.src)) === running.source || (await sameLoopImage(host, wanted.src, running.source));
}

export default defineModule({
  name: 'mount',
  aliases: ['ansible.posix.mount'],
  summary: 'Manage an /etc/fstab entry and whether it is mounted now.',
  changedWhen: 'the fstab line is added, changed or removed, or a mount, unmount or remount is needed (remounted: always).',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path', 'state'],
    properties: {
      path: { type: 'string', pattern: '^/', description: 'The mount point (absolute; alias name). Created for state=mounted.' },
      src: { type: 'string', minLength: 1, description: "What to mount: a device, 'UUID=...', 'server:/export', 'tmpfs', or a directory with opts 'bind'. Required for present and mounted." },
      fstype: { type: 'string', minLength: 1, description: "Filesystem type ('ext4', 'nfs', 'tmpfs', 'none' for bind). Required for present and mounted." },
      opts: { type: 'string', minLength: 1, default: 'defaults', description: "Mount options, comma separated ('defaults', 'ro,noatime', 'bind')." },
      dump: { type: ['string', 'integer'], default: '0', description: 'fstab dump field.' },
      passno: { type: ['string', 'integer'], default: '0', description: 'fstab fsck order field.' },
      state: { enum: ['mounted', 'unmounted', 'present', 'absent', 'remounted'], description: 'See the table in the module description: fstab line and/or running mount.' },
      fstab: { type: 'string', minLength: 1, default: '/etc/fstab', description: 'The fstab file to edit.' },
      backup: { type: 'boolean', default: false, description: 'Keep the previous fstab as PATH.<pid>.<date>~.' },
    },
  },
  paramAliases: { name: 'path' },
  async plan(host, params): Promise<Plan<MountState>> {
    const path = normaliseMountPoint(params.path);
    const wantsLine = params.state === 'present' || params.state === 'mounted';
    if (wantsLine && (params.src === undefined || params.fstype === undefined)) throw new ModuleFailure(`src and fstype are required with state=${params.state}`);
    const entry: FstabEntry = { src: params.src ?? '', path, fstype: params.fstype ?? '', opts: params.opts, dump: String(params.dump), passno: String(params.passno) };

    const file = await readConfigFile(host, params.fstab);
    const lines = splitLines(file.text);
    let seen = false;
    const after = lines.flatMap((line) => {
      const current = parseFstabLine(line);
      if (current?.path !== path || params.state === 'unmounted' || params.state === 'remounted') return [line];
      if (!wantsLine || seen) return [];
      seen = true;
      return [fstabLine(current) === fstabLine(entry) ? line : fstabLine(entry)];
    });
    if (wantsLine && !seen) after.push(fstabLine(entry));
    const edit: ConfigEdit = { file, after: after.join('\n') === lines.join('\n') ? file.text : joinLines(after) };
    const { changes, diff } = describeEdit(edit, `${params.state === 'absent' ? 'remove' : 'set'} ${path}`);

    const running = parseMountinfo((await host.check(sh`cat /proc/self/mountinfo`)).stdout).filter((m) => m.path === path).pop();
    const commands: Command[] = [];
    const mount = sh`mount -t ${entry.fstype} -o ${entry.opts} -- ${entry.src} ${path}`;
    const umount = sh`umount -- ${path}`;
    const now = running ? `${running.source} ${running.fstype}\n` : '';
    const wanted = `${entry.src} ${entry.fstype}\n`;
    const act = (sentence: string, after: string, ...steps: Command[]) => {
      commands.push(...steps);
      changes.push(sentence);
      diff.push({ label: `mounted on ${path}`, before: now, after });
    };
    if (params.state === 'mounted') {
      if (!running) act(`mount ${entry.src} on ${path}`, wanted, sh`mkdir -p -- ${path}`, mount);
      else if (!(await matches(host, entry, running))) act(`mount ${entry.src} (${entry.fstype}) on ${path} instead of ${running.source} (${running.fstype})`, wanted, umount, mount);
      else if (edit.after !== edit.file.text) act(`remount ${path} with ${entry.opts}`, now, sh`mount -o ${`remount,${entry.opts}`} -- ${path}`);
    } else if ((params.state === 'unmounted' || params.state === 'absent') && running) {
      act(`unmount ${path}`, '', umount);
    } else if (params.state === 'remounted') {
      if (!running) throw new ModuleFailure(`${path} is not mounted, so it cannot be remounted`);
      act(`remount ${path}`, now, sh`mount -o ${params.opts === 'defaults' ? 'remount' : `remount,${params.opts}`} -- ${path}`);
    }
    return { changes, diff, state: { edit, commands } };
  },
  async apply(host, params, plan) {
    const { edit, commands } = plan.state!;
    const { backupPath } = await applyEdit(host, edit, { backup: params.backup });
    for (const command of commands) await host.check(command);
    return { result: backupPath ? { backup_file: backupPath } : {} };
  },
});
