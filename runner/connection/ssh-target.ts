// From what the inventory and the command line say about a host to the
// ConnectionTarget drover connects with, the way Ansible's ssh connection
// builds its `ssh` command line and OpenSSH then reads ssh_config:
//   drover's --known-hosts / --accept-new-host-keys, then -o Port (ansible_port),
//   -o IdentityFile (ansible_ssh_private_key_file, --private-key), -o User
//   (ansible_user, -u), -o ConnectTimeout (ansible_ssh_timeout, -T), then
//   ansible_ssh_common_args and ansible_ssh_extra_args, then the config files.
// First value wins, so inventory vars beat ssh_config, and ssh_config fills
// what they leave unset. A ProxyJump host is resolved like `ssh -W` would
// resolve it: from the config files (and -F), not from the target's options.
import { shlexSplit } from '../shlex.js';
import { keywordEffect, resolveSshSettings, type SshSettings } from './ssh-config.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from './ssh-errors.js';
import { ConnectionError, type ConnectionTarget } from './types.js';

/** What is known about a host before ssh_config is read. */
export interface TargetRequest {
  name: string;
  /** ansible_host, or the inventory name. */
  address: string;
  port?: number;
  user?: string;
  privateKeyFile?: string;
  password?: string;
  connectTimeoutMs?: number;
  sshArgs?: string;
  sshCommonArgs?: string;
  sshExtraArgs?: string;
  knownHostsFile?: string;
  acceptNewHostKeys?: boolean;
}

const MAX_JUMPS = 8;
const warned = new Set<string>();

/** The options of `ssh_common_args` / `ssh_extra_args` as [keyword, value] pairs; -F FILE separately. */
export function parseSshArgs(text: string, what: string): { options: Array<[string, string]>; configFile?: string } {
  const words = shlexSplit(text);
  const options: Array<[string, string]> = [];
  let configFile: string | undefined;
  const refuse = (why: string): never => {
    throw new ConnectionError('other', `${what} ${JSON.stringify(text)}: ${why}`);
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const m = /^-([oJFpli])(.*)$/.exec(word);
    if (m) {
      const value = m[2] !== '' ? (m[2] as string) : words[++i];
      if (value === undefined) refuse(`${word} needs a value`);
      const v = value as string;
      if (m[1] === 'o') {
        const kv = /^\s*([A-Za-z0-9]+)\s*(?:=\s*|\s+)(.*)$/.exec(v);
        if (!kv) refuse(`-o ${v} is not KEYWORD=VALUE`);
        const [, keyword, optionValue] = kv as RegExpExecArray;
        if (keywordEffect(keyword as string) === 'not-applied') refuse(`-o ${keyword} is not supported by drover (it applies ${'HostName, User, Port, IdentityFile, IdentitiesOnly, ProxyJump, ProxyCommand, StrictHostKeyChecking, UserKnownHostsFile, ConnectTimeout, ServerAlive*'})`);
        options.push([keyword as string, optionValue as string]);
      } else if (m[1] === 'F') configFile ??= v;
      else options.push([{ J: 'ProxyJump', p: 'Port', l: 'User', i: 'IdentityFile' }[m[1] as 'J' | 'p' | 'l' | 'i'], v]);
      continue;
    }
    // Flags that change nothing drover does: compression, quiet/verbose output, no X11, stdin from /dev/null.
    if (/^-[Cqvxn]+$/.test(word)) continue;
    refuse(`${word} is not supported by drover (use -o KEYWORD=VALUE, -J, -F, -p, -l or -i)`);
  }
  return configFile === undefined ? { options } : { options, configFile };
}

function globalOptions(r: TargetRequest): Array<[string, string]> {
  const options: Array<[string, string]> = [];
  if (r.knownHostsFile !== undefined) options.push(['UserKnownHostsFile', r.knownHostsFile]);
  if (r.acceptNewHostKeys) options.push(['StrictHostKeyChecking', 'accept-new']);
  return options;
}

/** The ConnectionTarget for an ssh host, with ssh_config applied and its jump hosts resolved. */
export function resolveSshTarget(r: TargetRequest): ConnectionTarget {
  const options = globalOptions(r);
  if (r.port !== undefined) options.push(['Port', String(r.port)]);
  if (r.privateKeyFile !== undefined) options.push(['IdentityFile', r.privateKeyFile]);
  if (r.user !== undefined) options.push(['User', r.user]);
  options.push(['ConnectTimeout', String(Math.max(1, Math.round((r.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS) / 1000)))]);
  let configFile: string | undefined;
  for (const [text, what] of [[r.sshArgs, 'ssh_args'], [r.sshCommonArgs, 'ansible_ssh_common_args'], [r.sshExtraArgs, 'ansible_ssh_extra_args']] as const) {
    if (text === undefined) continue;
    const parsed = parseSshArgs(text, `host ${r.name}: ${what}`);
    options.push(...parsed.options);
    configFile ??= parsed.configFile;
  }
  const settings = resolveSshSettings({ alias: r.address, options, configFile });
  const target = targetFrom(r.name, settings, r, 0);
  if (r.privateKeyFile !== undefined) target.privateKeyFile = r.privateKeyFile;
  if (r.password !== undefined) target.password = r.password;
  return target;
}

function targetFrom(name: string, s: SshSettings, r: TargetRequest, depth: number): ConnectionTarget {
  for (const source of s.notApplied) {
    if (warned.has(source)) continue;
    warned.add(source);
    process.stderr.write(`drover: warning: ${source} is not applied by drover (ignored)\n`);
  }
  const target: ConnectionTarget = {
    name,
    transport: 'ssh',
    address: s.hostName,
    port: s.port,
    user: s.user,
    identityFiles: s.identityFiles,
    identitiesOnly: s.identitiesOnly,
    knownHostsFile: s.userKnownHostsFiles[0],
    knownHostsFiles: s.userKnownHostsFiles,
    acceptNewHostKeys: s.strictHostKeyChecking !== 'yes',
    keepalive: { intervalMs: s.serverAliveIntervalMs, countMax: s.serverAliveCountMax },
  };
  if (s.connectTimeoutMs !== undefined) target.connectTimeoutMs = s.connectTimeoutMs;
  if (s.proxyCommand !== undefined) target.proxyCommand = s.proxyCommand;
  if (s.proxyJump) target.via = jumpTarget({ hops: s.proxyJump, settings: s, request: r, depth: depth + 1, behind: name });
  return target;
}

/** `ssh -J a,b target` is `ssh -W target` run on b, and b is reached with `-J a`. */
function jumpTarget(input: { hops: string[]; settings: SshSettings; request: TargetRequest; depth: number; behind: string }): ConnectionTarget {
  const { hops, settings, request, depth, behind } = input;
  if (depth > MAX_JUMPS) throw new ConnectionError('other', `${behind}: more than ${MAX_JUMPS} jump hosts (a ProxyJump loop?)`);
  const last = (hops[hops.length - 1] as string).replace(/^ssh:\/\//, '');
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(last);
  if (!m) throw new ConnectionError('other', `${behind}: ProxyJump ${JSON.stringify(hops.join(','))} is not [user@]host[:port]`);
  const options = globalOptions(request);
  if (m[1]) options.push(['User', m[1]]);
  if (m[3]) options.push(['Port', m[3]]);
  if (hops.length > 1) options.push(['ProxyJump', hops.slice(0, -1).join(',')]);
  const alias = (m[2] as string).replace(/^\[|\]$/g, '');
  const jump = resolveSshSettings({ alias, options, configFile: settings.configFile });
  // A jump host with no ConnectTimeout of its own gets drover's, so it cannot hang a run.
  const target = targetFrom(`jump host ${alias}`, jump, request, depth);
  target.connectTimeoutMs ??= request.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return target;
}
