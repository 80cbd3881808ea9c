// From a host's (templated) variables to how to reach it and whether to
// become another user. Ansible lets several names set the same option and
// the last one in its list wins (ansible_ssh_host over ansible_host); the
// drover_* names come last, so they win over every ansible_* name.
// The implicit localhost needs no special case here: its vars carry
// ansible_connection=local (see Inventory.hostVarLayers), as in Ansible.

import os from 'node:os';
import { resolveSshTarget, type TargetRequest } from '../connection/ssh-target.js';
import { ConnectionError, type ConnectionTarget } from '../connection/types.js';
import { InventoryError } from './errors.js';
import { ansibleBoolean } from '../validate/coerce.js';

export type { ConnectionTarget } from '../connection/types.js';

/** Every variable name that sets a connection or become option, by option (the last set one wins). */
export const CONNECTION_VAR_NAMES = {
  address: ['ansible_host', 'ansible_ssh_host', 'drover_host'],
  port: ['ansible_port', 'ansible_ssh_port', 'drover_port'],
  user: ['ansible_user', 'ansible_ssh_user', 'drover_user'],
  key: ['ansible_private_key_file', 'ansible_ssh_private_key_file', 'drover_private_key_file', 'drover_ssh_private_key_file'],
  password: ['ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password', 'drover_password'],
  connection: ['ansible_connection', 'drover_connection'],
  sshArgs: ['ansible_ssh_args'],
  sshCommonArgs: ['ansible_ssh_common_args'],
  sshExtraArgs: ['ansible_ssh_extra_args'],
  timeout: ['ansible_ssh_timeout'],
  become: ['ansible_become', 'drover_become'],
  becomeUser: ['ansible_become_user', 'drover_become_user'],
  becomeMethod: ['ansible_become_method', 'drover_become_method'],
  // Ansible's become plugins list ansible_become_password before ansible_become_pass: the later one wins.
  becomePassword: ['ansible_become_password', 'ansible_become_pass', 'drover_become_password'],
};

/** drover's transport for one of Ansible's connection plugin names (smart and paramiko reach the host by ssh too), or undefined. */
export function transportOf(plugin: string): ConnectionTarget['transport'] | undefined {
  if (plugin === 'local' || plugin === 'ansible.builtin.local') return 'local';
  if (['ssh', 'smart', 'paramiko', 'paramiko_ssh', 'ansible.builtin.ssh', 'ansible.builtin.paramiko_ssh'].includes(plugin)) return 'ssh';
  return undefined;
}

/** The last of `names` that is set (not undefined or null), with its name. */
function pick(vars: Record<string, unknown>, names: string[]): { name: string; value: unknown } | undefined {
  let found: { name: string; value: unknown } | undefined;
  for (const name of names) {
    const value = vars[name];
    if (value !== undefined && value !== null) found = { name, value };
  }
  return found;
}

function text(host: string, vars: Record<string, unknown>, names: string[]): string | undefined {
  const v = pick(vars, names);
  if (v === undefined) return undefined;
  if (typeof v.value === 'string' || typeof v.value === 'number') return String(v.value);
  throw new InventoryError(`host ${host}: ${v.name} must be a string, got ${JSON.stringify(v.value)}`);
}

function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'root';
  }
}

/**
 * How to reach `hostName`, from its variables (already templated). `defaults`
 * are the command line's connection flags (-u, --private-key, -T,
 * --ssh-common-args, --known-hosts ...): a host's variables win over them, as
 * in Ansible. For ssh, ssh_config then fills what neither sets.
 */
export function connectionTarget(hostName: string, vars: Record<string, unknown>, defaults: Partial<ConnectionTarget> = {}): ConnectionTarget {
  const conn = pick(vars, CONNECTION_VAR_NAMES.connection);
  // -c (or ANSIBLE_TRANSPORT) is the default of hosts that set no ansible_connection, as in Ansible.
  const transport = conn === undefined ? (defaults.transport ?? 'ssh') : transportOf(String(conn.value));
  if (transport === undefined) throw new InventoryError(`host ${hostName}: ${conn!.name}=${String(conn!.value)} is not supported (drover connects with ssh or local)`);

  const address = text(hostName, vars, CONNECTION_VAR_NAMES.address) ?? hostName;
  const port = portOf(hostName, vars);
  if (transport === 'local') {
    // A local connection runs as the controller's user whatever ansible_user says, as in Ansible.
    return { ...defaults, name: hostName, transport, address, port: port ?? 22, user: currentUser() };
  }
  const timeout = pick(vars, CONNECTION_VAR_NAMES.timeout);
  const request: TargetRequest = {
    name: hostName,
    address,
    port,
    user: text(hostName, vars, CONNECTION_VAR_NAMES.user) ?? defaults.user,
    privateKeyFile: text(hostName, vars, CONNECTION_VAR_NAMES.key) ?? defaults.privateKeyFile,
    password: text(hostName, vars, CONNECTION_VAR_NAMES.password) ?? defaults.password,
    connectTimeoutMs: timeout === undefined ? defaults.connectTimeoutMs : seconds(hostName, timeout) * 1000,
    sshArgs: text(hostName, vars, CONNECTION_VAR_NAMES.sshArgs) ?? defaults.sshArgs,
    sshCommonArgs: text(hostName, vars, CONNECTION_VAR_NAMES.sshCommonArgs) ?? defaults.sshCommonArgs,
    sshExtraArgs: text(hostName, vars, CONNECTION_VAR_NAMES.sshExtraArgs) ?? defaults.sshExtraArgs,
    knownHostsFile: defaults.knownHostsFile,
    acceptNewHostKeys: defaults.acceptNewHostKeys,
  };
  try {
    return resolveSshTarget(request);
  } catch (e) {
    // A bad ssh option or ssh_config is the user's input: refused before any host is contacted.
    if (e instanceof ConnectionError) throw new InventoryError(e.message);
    throw e;
  }
}

function portOf(hostName: string, vars: Record<string, unknown>): number | undefined {
  const portVar = pick(vars, CONNECTION_VAR_NAMES.port);
  if (portVar === undefined) return undefined;
  const n = typeof portVar.value === 'string' && /^\s*[0-9]+\s*$/.test(portVar.value) ? Number(portVar.value) : portVar.value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new InventoryError(`host ${hostName}: ${portVar.name} must be a port number (1-65535), got ${JSON.stringify(portVar.value)}`);
  }
  return n;
}

function seconds(hostName: string, v: { name: string; value: unknown }): number {
  const n = Number(v.value);
  if (!Number.isFinite(n) || n <= 0) throw new InventoryError(`host ${hostName}: ${v.name} must be a number of seconds, got ${JSON.stringify(v.value)}`);
  return n;
}

/** The ways drover switches user on a host (ansible_become_method). */
export const BECOME_METHODS = ['sudo', 'su'] as const;
export type BecomeMethod = (typeof BECOME_METHODS)[number];

/** Whether and how to switch user on the host. */
export interface BecomeSettings {
  become: boolean;
  /** Default 'root', as in Ansible. */
  user: string;
  /** Default 'sudo'. */
  method: BecomeMethod;
  password?: string;
}

/**
 * The become options a host's variables set (already templated), and only
 * those: as in Ansible, a set variable wins over the become keywords of the
 * play and task.
 */
export function becomeOverrides(vars: Record<string, unknown>, hostName = 'this host'): Partial<BecomeSettings> {
  const out: Partial<BecomeSettings> = {};
  const b = pick(vars, CONNECTION_VAR_NAMES.become);
  if (b !== undefined) out.become = toBoolean(b.value, b.name, hostName);
  const user = text(hostName, vars, CONNECTION_VAR_NAMES.becomeUser);
  if (user !== undefined) out.user = user;
  const method = pick(vars, CONNECTION_VAR_NAMES.becomeMethod);
  if (method !== undefined) {
    if (!(BECOME_METHODS as readonly unknown[]).includes(method.value)) {
      throw new InventoryError(`host ${hostName}: ${method.name}=${JSON.stringify(method.value)} is not supported (drover becomes with ${BECOME_METHODS.join(' or ')})`);
    }
    out.method = method.value as BecomeMethod;
  }
  const password = text(hostName, vars, CONNECTION_VAR_NAMES.becomePassword);
  if (password !== undefined) out.password = password;
  return out;
}

/** The become settings from a host's variables, with Ansible's defaults. */
export function becomeSettings(vars: Record<string, unknown>, hostName = 'this host'): BecomeSettings {
  return { become: false, user: 'root', method: 'sudo', ...becomeOverrides(vars, hostName) };
}

/** Ansible's boolean() (the one rule keywords use too): INI :vars give strings such as 'yes' or 'True'. */
export function toBoolean(value: unknown, name: string, hostName: string): boolean {
  const converted = ansibleBoolean(value);
  if (converted !== undefined) return converted;
  throw new InventoryError(`host ${hostName}: ${name} must be a boolean (yes/no, true/false), got ${JSON.stringify(value)}`);
}
