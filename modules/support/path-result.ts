// What Ansible's AnsibleModule.add_path_info adds to a result that names a
// `dest` or `path`: the owner, mode, state and size of what is there now
// (nothing when nothing is). get_url, uri and unarchive return it.
import type { Host } from '../../runner/host/types.js';
import { pathInfo } from './path-info.js';

export async function pathResult(host: Host, path: string): Promise<Record<string, unknown>> {
  // Existence and the kind follow links (os.path.exists, isdir); ids, mode and size are lstat's.
  const [followed = null, own = null] = await pathInfo(host, [{ path, follow: true }, { path }]);
  if (!followed || !own) return {};
  const state = own.kind === 'link' ? 'link' : followed.kind === 'directory' ? 'directory' : followed.nlink > 1 ? 'hard' : 'file';
  return {
    uid: own.uid,
    gid: own.gid,
    owner: own.owner ?? String(own.uid),
    group: own.group ?? String(own.gid),
    // '0%03o' of the permission bits: '0644', '04755'.
    mode: `0${parseInt(own.mode, 8).toString(8).padStart(3, '0')}`,
    state,
    size: own.size,
  };
}
