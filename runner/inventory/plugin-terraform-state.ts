// `plugin: drover.terraform_state`: hosts from the instances recorded in a
// terraform.tfstate file (format version 4), the Callysto case of VMs made by
// Terraform and configured by playbooks. Each instance of a resource whose
// type is in resource_types becomes a host named by its hostname_attribute,
// in the group `terraform_<type>`, with ansible_host from the first
// non-empty address_attributes entry and every attribute under
// `terraform_attributes`. The file is read, never written; no terraform
// binary is needed.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isMapping } from '../template/values.js';
import { InventoryError } from './errors.js';
import type { HostReader } from './host-reader.js';

const DEFAULT_RESOURCE_TYPES = ['openstack_compute_instance_v2', 'aws_instance', 'google_compute_instance', 'hcloud_server', 'libvirt_domain', 'digitalocean_droplet'];
const DEFAULT_ADDRESS_ATTRIBUTES = ['access_ip_v4', 'public_ip', 'ipv4_address', 'private_ip', 'access_ip_v6'];

interface TfState {
  version?: number;
  resources?: Array<{
    mode?: string;
    type?: string;
    name?: string;
    module?: string;
    instances?: Array<{ attributes?: Record<string, unknown>; index_key?: unknown; sensitive_attributes?: Array<Array<{ type?: string; value?: unknown }>> }>;
  }>;
}

export const readTerraformHosts: HostReader = async (config, { file, data }) => {
  const fail = (why: string) => new InventoryError(`drover.terraform_state: ${why}`, { file: file.rel });
  const path = resolve(dirname(file.abs), typeof config.path === 'string' ? config.path : 'terraform.tfstate');
  const list = (key: string, fallback: string[]): string[] => {
    const v = config[key] ?? fallback;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw fail(`${key} must be a list of names`);
    return v as string[];
  };
  const types = new Set(list('resource_types', DEFAULT_RESOURCE_TYPES));
  const addressAttributes = list('address_attributes', DEFAULT_ADDRESS_ATTRIBUTES);
  const nameAttribute = typeof config.hostname_attribute === 'string' ? config.hostname_attribute : 'name';
  let state: TfState;
  try {
    state = JSON.parse(await readFile(path, 'utf8')) as TfState;
  } catch (error) {
    throw fail(`cannot read the state file ${path}: ${(error as Error).message}`);
  }
  if (state.version !== 4) throw fail(`${path} is a version ${String(state.version)} state; drover reads version 4 (Terraform 0.12 and later)`);
  const label = `${file.rel} (drover.terraform_state)`;
  const hosts: string[] = [];
  for (const resource of state.resources ?? []) {
    if (resource.mode !== 'managed' || !types.has(resource.type ?? '')) continue;
    const group = `terraform_${resource.type}`;
    data.addGroup(group);
    for (const instance of resource.instances ?? []) {
      // Attributes Terraform marks sensitive (passwords, keys) never become host variables.
      const sensitive = new Set((instance.sensitive_attributes ?? []).map((path) => path[0]?.value).filter((v): v is string => typeof v === 'string'));
      const attributes = Object.fromEntries(Object.entries(isMapping(instance.attributes) ? instance.attributes : {}).filter(([k]) => !sensitive.has(k)));
      const name = attributes[nameAttribute];
      if (typeof name !== 'string' || name === '') throw fail(`an instance of ${resource.type}.${resource.name} has no ${nameAttribute} attribute to name its host`);
      data.addHost(name, group, undefined, file.abs, label);
      const address = addressAttributes.map((a) => attributes[a]).find((v) => typeof v === 'string' && v !== '');
      if (address !== undefined) data.setHostVar(name, 'ansible_host', address, label);
      data.setHostVar(name, 'terraform_resource', `${resource.module ? `${resource.module}.` : ''}${resource.type}.${resource.name}`, label);
      data.setHostVar(name, 'terraform_attributes', attributes, label);
      hosts.push(name);
    }
  }
  return hosts;
};
