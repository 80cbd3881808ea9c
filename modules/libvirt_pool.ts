// libvirt_pool: a directory-backed storage pool (name, path), active and
// autostart, and the volumes in it. A pool whose path changed is redefined
// and restarted. Undefining a pool keeps its directory and images.
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import type { Host } from '../runner/host/types.js';
import { planLifecycle } from './support/libvirt-lifecycle.js';
import { readObject, runSteps, uriParam, virsh, type VirshStep } from './support/libvirt-virsh.js';
import { planVolumes, readVolumes, volumesSchema, type VolumeSpec } from './support/libvirt-volumes.js';
import { el } from './support/libvirt-xml.js';

export default defineModule({
  name: 'libvirt_pool',
  summary: 'Manage a directory-backed libvirt storage pool and its volumes.',
  changedWhen: 'the pool was defined, redefined (and restarted if active), its directory created, started, stopped, undefined or its autostart flag changed, or a volume was created, grown or deleted.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'Pool name.' },
      uri: uriParam,
      path: { type: 'string', pattern: '^/', description: 'Directory of the pool on the target host (created when the pool starts, if missing). Required unless state is absent.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the pool is defined; absent stops and undefines it, keeping its directory and images.' },
      active: { type: 'boolean', default: true, description: 'Whether the pool runs (its volumes can be used and listed).' },
      autostart: { type: 'boolean', description: 'Start the pool when libvirtd starts. Unset: left as it is.' },
      volumes: volumesSchema,
    },
  },
  async plan(host, params) {
    const { name, uri } = params;
    const current = await readObject(host, 'pool', uri, name);
    const currentActive = current?.info.State === 'running';
    if (params.state === 'present' && params.path === undefined) throw new ModuleFailure('path is required for a present pool');
    const volumes = (params.volumes ?? []) as readonly VolumeSpec[];
    if (volumes.length > 0 && (params.state === 'absent' || !params.active)) throw new ModuleFailure('volumes need a present, active pool');
    const path = params.path ?? '';
    const desired = el('pool', { type: 'dir' }, [el('name', {}, name), el('target', {}, [el('path', {}, path)])]);
    // pool-build creates the directory; only when missing, since it also resets the mode of an existing one.
    const dirMissing = params.state === 'present' && params.active && (await host.stat(path)) === null;
    const beforeStart: VirshStep[] = dirMissing ? [{ command: virsh(uri, 'pool-build', '--pool', name) }] : [];
    const planned = planLifecycle({ kind: 'pool', uri, name, current, currentActive, state: params.state, desired, active: params.active, autostart: params.autostart, beforeStart });
    if (dirMissing) planned.changes.push(`create directory ${path}`);
    // libvirt lists the volumes of a running pool only; otherwise the files in the directory tell which exist.
    const redefined = planned.changes.some((c) => c.startsWith('redefine'));
    const names = volumes.map((v) => v.name);
    const existing = currentActive && !redefined ? await readVolumes(host, uri, name, names) : await filesPresent(host, path, names);
    const vols = await planVolumes(host, uri, name, volumes, existing);
    return {
      changes: [...planned.changes, ...vols.changes],
      diff: planned.diff,
      state: [...planned.state, ...vols.steps],
      result: { name, state: current ? 'present' : 'absent', active: currentActive },
    };
  },
  async apply(host, params, plan) {
    await runSteps(host, plan.state as VirshStep[]);
    return { result: { name: params.name, state: params.state, active: params.state === 'present' && params.active } };
  },
});

/** Volumes of a pool that is not running yet, by their files: present, size unknown (null) until libvirt reads them. */
async function filesPresent(host: Host, dir: string, names: readonly string[]): Promise<Map<string, number | null>> {
  const found = new Map<string, number | null>();
  for (const name of names) if (dir !== '' && (await host.stat(`${dir.replace(/\/+$/, '')}/${name}`)) !== null) found.set(name, null);
  return found;
}
