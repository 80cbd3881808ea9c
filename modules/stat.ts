// stat: what is at a path, as Ansible's stat module reports it (same field
// names, same defaults: sha1 checksum, mime type, file attributes), read in
// one round trip. It only reads: plan returns the result, there is no apply.
import { defineModule } from '../runner/module-api.js';
import { joinCommands, raw, sh } from '../runner/quote.js';
import { expandUser, parsePathInfo, pathInfoCommand } from './support/path-info.js';

const ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
const SUM_COMMANDS: Record<(typeof ALGORITHMS)[number], string> = {
  md5: 'md5sum', sha1: 'sha1sum', sha224: 'sha224sum', sha256: 'sha256sum', sha384: 'sha384sum', sha512: 'sha512sum',
};

// lsattr letters, as Ansible names them (module_utils/common/file.py).
const FILE_ATTRIBUTES: Record<string, string> = {
  A: 'noatime', a: 'append', c: 'compressed', C: 'nocow', d: 'nodump', D: 'dirsync', e: 'extents', E: 'encrypted', h: 'blocksize',
  i: 'immutable', I: 'indexed', j: 'journalled', N: 'inline', s: 'zero', S: 'synchronous', t: 'notail', T: 'blockroot', u: 'undelete',
  X: 'compressedraw', Z: 'compresseddirty',
};

const TYPE_FLAGS = { isdir: 'directory', ischr: 'char', isblk: 'block', isreg: 'file', isfifo: 'fifo', islnk: 'link', issock: 'socket' } as const;
const PERMISSION_FLAGS = { wusr: 0o200, rusr: 0o400, xusr: 0o100, wgrp: 0o20, rgrp: 0o40, xgrp: 0o10, woth: 0o2, roth: 0o4, xoth: 0o1, isuid: 0o4000, isgid: 0o2000 } as const;

export default defineModule({
  name: 'stat',
  summary: 'Retrieve facts about a path (existence, type, mode, owner, size, times, checksum, link target).',
  changedWhen: 'never: it only reads.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', minLength: 1, description: 'The path to look at (aliases dest, name).' },
      follow: { type: 'boolean', default: false, description: 'Report on what a symlink points to instead of the link.' },
      get_checksum: { type: 'boolean', default: true, description: 'Checksum a readable regular file with checksum_algorithm.' },
      checksum_algorithm: { enum: ALGORITHMS, default: 'sha1', description: 'Algorithm of the checksum field (aliases checksum, checksum_algo).' },
      get_md5: { type: 'boolean', default: false, description: 'Also return an md5 field (deprecated in Ansible).' },
      get_mime: { type: 'boolean', default: true, description: "Add mimetype and charset, from the host's `file` command (aliases mime, mime_type, mime-type)." },
      get_attributes: { type: 'boolean', default: true, description: 'Add version, attributes and attr_flags from lsattr (aliases attr, attributes).' },
    },
  },
  paramAliases: { dest: 'path', name: 'path', checksum: 'checksum_algorithm', checksum_algo: 'checksum_algorithm', mime: 'get_mime', mime_type: 'get_mime', 'mime-type': 'get_mime', attr: 'get_attributes', attributes: 'get_attributes' },
  async plan(host, params) {
    const path = await expandUser(host, params.path);
    const flag = (on: boolean) => raw(on ? 'true' : 'false');
    // The command name comes from drover's own table, never from the playbook's text.
    const sum = raw(SUM_COMMANDS[params.checksum_algorithm]);
    // Line 1: the stat fields. Then, if something is there: access bits, checksum, md5, mime, lsattr.
    const result = await host.check(
      joinCommands([
        pathInfoCommand([path], params.follow),
        sh`p=${path}; if ${raw(params.follow ? '[ -e "$p" ]' : '{ [ -e "$p" ] || [ -L "$p" ]; }')}; then
r=false; w=false; x=false; [ -r "$p" ] && r=true; [ -w "$p" ] && w=true; [ -x "$p" ] && x=true; echo "$r $w $x"
regular=false; { ${flag(params.follow)} || ! [ -L "$p" ]; } && [ -f "$p" ] && [ -r "$p" ] && regular=true
v=-; if $regular && ${flag(params.get_checksum)}; then v=$(${sum} < "$p" | cut -d' ' -f1); fi; printf '%s\\n' "$v"
v=-; if $regular && ${flag(params.get_md5)}; then v=$(md5sum < "$p" | cut -d' ' -f1); fi; printf '%s\\n' "$v"
v=; if ${flag(params.get_mime)} && command -v file >/dev/null 2>&1; then v=$(file -b --mime-type --mime-encoding -- "$p" 2>/dev/null | head -n 1); fi; printf '%s\\n' "$v"
v=; if ${flag(params.get_attributes)}; then v=$(lsattr -vd -- "$p" 2>/dev/null | head -n 1); fi; printf '%s\\n' "$v"
fi`,
      ]),
    );
    const lines = result.stdout.split('\n');
    const info = parsePathInfo(lines[0] ?? '', path);
    if (!info) return { changes: [], result: { stat: { exists: false } } };
    const [readable, writeable, executable] = (lines[1] ?? '').split(' ').map((v) => v === 'true');
    const mode = parseInt(info.mode, 8);
    const stat: Record<string, unknown> = { exists: true, path, mode: info.mode };
    for (const [name, kind] of Object.entries(TYPE_FLAGS)) stat[name] = info.kind === kind;
    Object.assign(stat, { uid: info.uid, gid: info.gid, size: info.size, inode: info.inode, dev: info.dev, nlink: info.nlink, atime: info.atime, mtime: info.mtime, ctime: info.ctime });
    for (const [name, bit] of Object.entries(PERMISSION_FLAGS)) stat[name] = (mode & bit) !== 0;
    Object.assign(stat, { blocks: info.blocks, block_size: info.blockSize, device_type: info.rdev, readable, writeable, executable });
    if (info.kind === 'link') Object.assign(stat, { lnk_source: info.realPath, lnk_target: info.linkTarget });
    if (info.owner !== undefined) stat.pw_name = info.owner;
    if (info.group !== undefined) stat.gr_name = info.group;
    if (lines[3] && lines[3] !== '-') stat.md5 = lines[3];
    if (lines[2] && lines[2] !== '-') stat.checksum = lines[2];
    if (params.get_mime) {
      // 'text/plain; charset=us-ascii'; 'unknown' when `file` is missing or says nothing useful.
      const m = /^([^;]+);\s*charset=(\S+)/.exec(lines[4] ?? '');
      Object.assign(stat, { mimetype: m ? m[1]!.trim() : 'unknown', charset: m ? m[2] : 'unknown' });
    }
    if (params.get_attributes) {
      // '949559398  --------------e------- /path': version, then the flags.
      const [version, flags] = (lines[5] ?? '').split(/\s+/);
      const attrFlags = flags !== undefined ? flags.replace(/-/g, '') : undefined;
      Object.assign(stat, {
        version: attrFlags !== undefined ? version : null,
        attributes: attrFlags !== undefined ? [...attrFlags].filter((f) => f in FILE_ATTRIBUTES).map((f) => FILE_ATTRIBUTES[f]) : [],
        attr_flags: attrFlags ?? '',
      });
    }
    return { changes: [], result: { stat } };
  },
});
