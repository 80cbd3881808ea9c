// Volumes of a libvirt storage pool: read their capacity in one round trip,
// and plan creating (from a size, as a clone of another volume, or uploaded
// from an image file on the host), growing and deleting them. An existing
// volume is never re-created: its content is the guest's data.
import { ModuleFailure } from '../../runner/module-api.js';
import type { Host } from '../../runner/host/types.js';
import { joinCommands, raw, sh } from '../../runner/quote.js';
import { virsh, type VirshStep } from './libvirt-virsh.js';

export const volumesSchema = {
  type: 'array',
  description: 'Volumes in the pool (needs active: true).',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'Volume name (the file name in a dir pool).' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'absent deletes the volume and its data.' },
      capacity: { type: ['string', 'integer'], pattern: '^[0-9]+ *([KMGTP](i?B)?|B)?$', description: "Size, e.g. '10G' (binary units: K, M, G, T, P) or bytes. A new volume gets it; an existing smaller one is grown (never shrunk)." },
      format: { enum: ['raw', 'qcow2'], default: 'raw', description: 'Image format of a new volume.' },
      clone_from: { type: 'string', minLength: 1, description: 'Create the volume as a full copy of this volume of the same pool (a base image).' },
      upload_from: { type: 'string', minLength: 1, description: 'Create the volume from this image file on the target host (vol-upload); format should say what the file is.' },
    },
  },
} as const;

export interface VolumeSpec {
  name: string;
  state: 'present' | 'absent';
  capacity?: string | number;
  format: 'raw' | 'qcow2';
  clone_from?: string;
  upload_from?: string;
}

const UNITS: Record<string, number> = { '': 1, B: 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50 };

/** '10G' -> 10737418240. Binary units, as virsh and qemu-img read them. */
export function parseSize(size: string | number): number {
  if (typeof size === 'number') return size;
  const m = /^([0-9]+) *([KMGTP]?)(i?B)?$/.exec(size.trim());
  if (!m) throw new ModuleFailure(`not a size: ${JSON.stringify(size)} (e.g. 512M, 10G, or bytes)`);
  return Number(m[1]) * (UNITS[m[2] as string] as number);
}

/** Capacity in bytes of each named volume; absent volumes are missing from the map. */
export async function readVolumes(host: Host, uri: string, pool: string, names: readonly string[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (names.length === 0) return found;
  // "Storage volume not found" is libvirt's message for VIR_ERR_NO_STORAGE_VOL; any other failure is an error.
  const reads = names.map((name) => sh`V=${name}
if out=$(virsh -q -c "$U" vol-info --bytes --pool "$P" --vol "$V" 2>&1); then printf '%s\\n' "$out" | sed -n 's/^Capacity: *\\([0-9]*\\) bytes$/\\1/p'
elif printf '%s' "$out" | grep -q 'Storage volume not found'; then echo absent
else printf '%s\\n' "$out" >&2; exit 1; fi`);
  const out = await host.check(joinCommands([sh`U=${uri} P=${pool}`, ...reads]));
  const lines = out.stdout.trim().split('\n');
  names.forEach((name, i) => {
    const line = lines[i] ?? '';
    if (/^[0-9]+$/.test(line)) found.set(name, Number(line));
    else if (line !== 'absent') throw new ModuleFailure(`cannot read the capacity of volume ${name}: ${JSON.stringify(line)}`);
  });
  return found;
}

/** The size of an image file on the host, needed before vol-upload can create its volume. */
async function fileSize(host: Host, path: string): Promise<number> {
  const stat = await host.stat(path);
  if (!stat || stat.kind !== 'file') throw new ModuleFailure(`upload_from: ${path} is not a file on the host`);
  return stat.size;
}

/** Changes and steps for each volume, given the capacities read (empty when the pool does not run yet). */
export async function planVolumes(host: Host, uri: string, pool: string, specs: readonly VolumeSpec[], existing: ReadonlyMap<string, number | null>): Promise<{ changes: string[]; steps: VirshStep[] }> {
  const changes: string[] = [];
  const steps: VirshStep[] = [];
  const run = (...args: string[]) => steps.push({ command: virsh(uri, ...args) });
  for (const v of specs) {
    // null: the volume exists, its capacity unknown (its pool is not running yet).
    const have = existing.has(v.name) ? (existing.get(v.name) as number | null) : undefined;
    const what = `volume ${v.name} in pool ${pool}`;
    if (v.state === 'absent') {
      if (have === undefined) continue;
      run('vol-delete', '--pool', pool, '--vol', v.name);
      changes.push(`delete ${what}`);
      continue;
    }
    if ([v.clone_from, v.upload_from].filter((s) => s !== undefined).length > 1) throw new ModuleFailure(`${what}: give clone_from or upload_from, not both`);
    const want = v.capacity === undefined ? undefined : parseSize(v.capacity);
    if (have === undefined) {
      if (v.clone_from !== undefined) {
        run('vol-clone', '--pool', pool, '--vol', v.clone_from, '--newname', v.name);
        changes.push(`create ${what} as a copy of ${v.clone_from}`);
      } else if (v.upload_from !== undefined) {
        const size = await fileSize(host, v.upload_from);
        run('vol-create-as', '--pool', pool, '--name', v.name, '--capacity', String(size), '--format', v.format);
        run('vol-upload', '--pool', pool, '--vol', v.name, '--file', v.upload_from);
        changes.push(`create ${what} from ${v.upload_from}`);
      } else {
        if (want === undefined) throw new ModuleFailure(`${what}: a new volume needs capacity, clone_from or upload_from`);
        run('vol-create-as', '--pool', pool, '--name', v.name, '--capacity', String(want), '--format', v.format);
        changes.push(`create ${what} (${want} bytes, ${v.format})`);
        continue;
      }
    }
    // A clone or upload takes its source's size; capacity then grows it.
    if (want !== undefined && have !== null && (have === undefined || want > have)) {
      steps.push({ command: growCommand(uri, pool, v.name, want) });
      if (have !== undefined) changes.push(`grow ${what} from ${have} to ${want} bytes`);
    }
  }
  return { changes, steps };
}

/** vol-resize, only if the volume is still smaller: a clone's size is known only once it exists. */
function growCommand(uri: string, pool: string, name: string, bytes: number) {
  return sh`U=${uri} P=${pool} V=${name} C=${bytes}
have=$(virsh -q -c "$U" vol-info --bytes --pool "$P" --vol "$V" | sed -n 's/^Capacity: *\\([0-9]*\\) bytes$/\\1/p')
${raw('[ "$have" -ge "$C" ] || virsh -q -c "$U" vol-resize --pool "$P" --vol "$V" --capacity "$C"')}`;
}
