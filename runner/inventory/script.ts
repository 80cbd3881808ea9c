// Executable inventory scripts, as Ansible's `script` inventory plugin runs
// them: `SCRIPT --list` prints a JSON mapping of groups (a list of hosts, or
// {hosts, vars, children}, or a bare mapping of vars for a group-named host)
// and, optionally, `_meta.hostvars`; without `_meta.hostvars` the script is
// asked `SCRIPT --host NAME` for each host. The script runs on the controller
// with no shell, once per inventory load.
import { execa } from 'execa';
import { InventoryError } from './errors.js';
import type { InventoryData } from './data.js';
import type { SourceFile } from './ini.js';
import { isMapping as isPlainObject } from '../template/values.js';

/** Longer than any sane inventory script, short enough that a hung one is noticed. */
const SCRIPT_TIMEOUT_MS = 120_000;

export async function readInventoryScript(file: SourceFile, data: InventoryData): Promise<void> {
  const listed = await runScript(file, ['--list']);
  const hostvars = isPlainObject(listed._meta) && 'hostvars' in listed._meta ? listed._meta.hostvars : undefined;
  const label = `${file.rel} (script)`;
  const hosts = new Set<string>();
  for (const [group, body] of Object.entries(listed)) {
    if (group !== '_meta') addGroup({ file, data, label, hosts }, group, body);
  }
  if (hostvars !== undefined && !isPlainObject(hostvars)) throw new InventoryError(`Improperly formatted host information: _meta.hostvars must be a mapping`, { file: file.rel });
  for (const host of hosts) {
    const vars = hostvars !== undefined ? (hostvars[host] ?? {}) : await runScript(file, ['--host', host]);
    if (!isPlainObject(vars)) throw new InventoryError(`the variables of host ${host} must be a mapping, got ${JSON.stringify(vars)}`, { file: file.rel });
    for (const [key, value] of Object.entries(vars)) data.setHostVar(host, key, value, label);
  }
}

interface GroupContext {
  file: SourceFile;
  data: InventoryData;
  label: string;
  hosts: Set<string>;
}

function addGroup(ctx: GroupContext, group: string, raw: unknown): void {
  const { data, file, label } = ctx;
  data.addGroup(group);
  // Ansible's shapes: a list is the group's hosts; a mapping without hosts/vars/children is one host's vars.
  const body: Record<string, unknown> = !isPlainObject(raw)
    ? { hosts: raw }
    : ['hosts', 'vars', 'children'].some((k) => k in raw)
      ? raw
      : { hosts: [group], vars: raw };
  if ('hosts' in body) {
    if (!Array.isArray(body.hosts)) throw new InventoryError(`You defined a group '${group}' with bad data for the host list: ${JSON.stringify(body.hosts)}`, { file: file.rel });
    for (const host of body.hosts) {
      const name = String(host);
      ctx.hosts.add(name);
      data.addHost(name, group, undefined, file.abs, label);
    }
  }
  if ('vars' in body) {
    if (!isPlainObject(body.vars)) throw new InventoryError(`You defined a group '${group}' with bad data for variables: ${JSON.stringify(body.vars)}`, { file: file.rel });
    for (const [key, value] of Object.entries(body.vars)) data.setGroupVar(group, key, value, label);
  }
  if (Array.isArray(body.children)) {
    for (const child of body.children) {
      data.addGroup(String(child));
      data.addChild(group, String(child));
    }
  }
}

async function runScript(file: SourceFile, args: string[]): Promise<Record<string, unknown>> {
  const r = await execa(file.abs, args, { reject: false, stdin: 'ignore', timeout: SCRIPT_TIMEOUT_MS, stripFinalNewline: false });
  const command = `${file.rel} ${args.join(' ')}`;
  if (r.failed && r.exitCode === undefined) throw new InventoryError(`problem running ${command} (${r.shortMessage})`, { file: file.rel });
  if (r.exitCode !== 0) throw new InventoryError(`Inventory script (${file.rel}) had an execution error: ${String(r.stderr).trim()}`, { file: file.rel });
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(r.stdout));
  } catch (error) {
    throw new InventoryError(`failed to parse executable inventory script results from ${command}: ${(error as Error).message}`, { file: file.rel });
  }
  if (!isPlainObject(parsed)) throw new InventoryError(`failed to parse executable inventory script results from ${command}: needs to be a json dict`, { file: file.rel });
  return parsed;
}
