// libvirt_domain's typed fields and the <domain> XML they stand for. Only
// what a field states is written; libvirt fills in the rest (machine type,
// controllers, addresses) and the comparison ignores what was not written.
import { ModuleFailure } from '../../runner/module-api.js';
import { el, type XmlElement } from './libvirt-xml.js';
import { MAC_PATTERN } from './libvirt-virsh.js';


export const domainFieldsSchema = {
  domain_type: { enum: ['kvm', 'qemu'], description: "Hypervisor type: 'kvm' (hardware virtualisation) or 'qemu' (software emulation, TCG). Default kvm." },
  memory: { type: 'integer', minimum: 1, description: 'Memory in MiB.' },
  vcpus: { type: 'integer', minimum: 1, description: 'Number of virtual CPUs. Default 1.' },
  boot: {
    type: 'array',
    items: { enum: ['network', 'hd', 'cdrom'] },
    description: "Boot order, first to try first: 'network' is PXE. Default ['hd'] (['network', 'hd'] with pxe).",
  },
  pxe: { type: 'boolean', description: "Boot from the network first (PXE), then the disk: the same as boot: ['network', 'hd']." },
  kernel: { type: 'string', description: 'Direct kernel boot: path of the kernel on the target host.' },
  initrd: { type: 'string', description: 'Direct kernel boot: path of the initrd on the target host.' },
  cmdline: { type: 'string', description: 'Direct kernel boot: the kernel command line.' },
  disks: {
    type: 'array',
    description: 'Disks in order; targets default to vda, vdb, ... on the virtio bus.',
    items: {
      type: 'object',
      additionalProperties: false,
      properties: {
        path: { type: 'string', minLength: 1, description: 'Image file on the target host (or give pool and volume).' },
        pool: { type: 'string', minLength: 1, description: 'Storage pool of the volume.' },
        volume: { type: 'string', minLength: 1, description: 'Volume name in the pool.' },
        format: { enum: ['raw', 'qcow2'], default: 'raw', description: 'Image format (libvirt never guesses it, for safety).' },
        device: { enum: ['disk', 'cdrom'], default: 'disk', description: 'Disk or CD-ROM.' },
        target: { type: 'string', pattern: '^[a-z]+$', description: 'Guest device name (vda, sda, hdc). Default by position.' },
        bus: { enum: ['virtio', 'sata', 'scsi', 'ide'], description: 'Disk bus. Default virtio (sata for a cdrom).' },
        readonly: { type: 'boolean', default: false, description: 'Attach read-only.' },
      },
    },
  },
  interfaces: {
    type: 'array',
    description: 'Network interfaces in order.',
    items: {
      type: 'object',
      additionalProperties: false,
      properties: {
        network: { type: 'string', minLength: 1, description: 'libvirt network to connect to (or give bridge).' },
        bridge: { type: 'string', minLength: 1, description: 'Host bridge to connect to.' },
        mac: { type: 'string', pattern: MAC_PATTERN, description: 'Fixed MAC address (e.g. for DHCP reservations and PXE). Without it libvirt picks one, which is then kept.' },
        model: { type: 'string', default: 'virtio', description: 'NIC model (virtio, e1000, rtl8139).' },
      },
    },
  },
  serial_log: { type: 'string', description: "Write the guest's first serial port (ttyS0) to this file on the target host." },
} as const;

/** The typed fields as the module sees them (all optional: a domain may be given as XML instead). */
export interface DomainFields {
  domain_type?: 'kvm' | 'qemu';
  memory?: number;
  vcpus?: number;
  boot?: readonly ('network' | 'hd' | 'cdrom')[];
  pxe?: boolean;
  kernel?: string;
  initrd?: string;
  cmdline?: string;
  disks?: readonly { path?: string; pool?: string; volume?: string; format?: 'raw' | 'qcow2'; device?: 'disk' | 'cdrom'; target?: string; bus?: 'virtio' | 'sata' | 'scsi' | 'ide'; readonly?: boolean }[];
  interfaces?: readonly { network?: string; bridge?: string; mac?: string; model?: string }[];
  serial_log?: string;
}

export const DOMAIN_FIELD_NAMES = Object.keys(domainFieldsSchema) as (keyof DomainFields)[];

const BUS_PREFIX: Record<string, string> = { virtio: 'vd', sata: 'sd', scsi: 'sd', ide: 'hd' };

/** a, b, ... z, aa, ab: the suffix Linux gives the n-th disk. */
function diskLetters(index: number): string {
  return index < 26 ? String.fromCharCode(97 + index) : diskLetters(Math.floor(index / 26) - 1) + diskLetters(index % 26);
}

function disksXml(disks: NonNullable<DomainFields['disks']>): XmlElement[] {
  const perPrefix = new Map<string, number>();
  return disks.map((d, i) => {
    const device = d.device ?? 'disk';
    const bus = d.bus ?? (device === 'cdrom' ? 'sata' : 'virtio');
    const prefix = BUS_PREFIX[bus] as string;
    const n = perPrefix.get(prefix) ?? 0;
    perPrefix.set(prefix, n + 1);
    const byVolume = d.pool !== undefined || d.volume !== undefined;
    if (byVolume === (d.path !== undefined) || (byVolume && (d.pool === undefined || d.volume === undefined))) {
      throw new ModuleFailure(`disks[${i}]: give either path, or pool and volume`);
    }
    return el('disk', { type: byVolume ? 'volume' : 'file', device }, [
      el('driver', { name: 'qemu', type: d.format ?? 'raw' }),
      el('source', byVolume ? { pool: d.pool, volume: d.volume } : { file: d.path }),
      el('target', { dev: d.target ?? `${prefix}${diskLetters(n)}`, bus }),
      d.readonly && el('readonly'),
    ]);
  });
}

function interfacesXml(interfaces: NonNullable<DomainFields['interfaces']>): XmlElement[] {
  return interfaces.map((nic, i) => {
    if ((nic.network === undefined) === (nic.bridge === undefined)) throw new ModuleFailure(`interfaces[${i}]: give either network or bridge`);
    return el('interface', { type: nic.network !== undefined ? 'network' : 'bridge' }, [
      nic.mac !== undefined && el('mac', { address: nic.mac.toLowerCase() }),
      el('source', nic.network !== undefined ? { network: nic.network } : { bridge: nic.bridge }),
      el('model', { type: nic.model ?? 'virtio' }),
    ]);
  });
}

function osXml(f: DomainFields): XmlElement {
  if ((f.initrd !== undefined || f.cmdline !== undefined) && f.kernel === undefined) throw new ModuleFailure('initrd and cmdline need kernel (direct kernel boot)');
  if (f.pxe !== undefined && f.boot !== undefined) throw new ModuleFailure('give boot or pxe, not both');
  const boot = f.boot ?? (f.pxe ? ['network', 'hd'] : f.kernel !== undefined ? [] : ['hd']);
  return el('os', {}, [
    el('type', {}, 'hvm'),
    f.kernel !== undefined && el('kernel', {}, f.kernel),
    f.initrd !== undefined && el('initrd', {}, f.initrd),
    f.cmdline !== undefined && el('cmdline', {}, f.cmdline),
    ...boot.map((dev) => el('boot', { dev })),
  ]);
}

/** The <domain> the typed fields describe. */
export function domainXml(name: string, f: DomainFields): XmlElement {
  if (f.memory === undefined) throw new ModuleFailure('memory is required when the domain is given by fields (or give xml)');
  return el('domain', { type: f.domain_type ?? 'kvm' }, [
    el('name', {}, name),
    el('memory', { unit: 'MiB' }, f.memory),
    el('vcpu', {}, f.vcpus ?? 1),
    osXml(f),
    // ACPI lets `shutoff` ask the guest to power down instead of pulling the plug.
    el('features', {}, [el('acpi'), el('apic')]),
    el('devices', {}, [
      ...disksXml(f.disks ?? []),
      ...interfacesXml(f.interfaces ?? []),
      f.serial_log !== undefined && el('serial', { type: 'file' }, [el('source', { path: f.serial_log }), el('target', { port: 0 })]),
    ]),
  ]);
}
