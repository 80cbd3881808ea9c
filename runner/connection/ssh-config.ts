// OpenSSH client configuration, evaluated as `ssh` evaluates it: command-line
// options first, then the config file(s) (-F FILE, or ~/.ssh/config followed by
// /etc/ssh/ssh_config), and for each keyword the first value obtained wins
// (IdentityFile accumulates). Files are parsed by the `ssh-config` package; the
// evaluation is ours because that package's compute() skips Include, runs
// `Match exec` through a bash-only wrapper and matches `?` as "zero or one".
// test/ssh-config-matches-openssh.test.ts checks the result against `ssh -G`.
//
// DROVER_SSH_CONFIG=FILE reads only FILE (as `ssh -F FILE`), `none` reads none:
// the test suite sets it so that no test sees the machine's own ~/.ssh/config.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir, hostname, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import SSHConfig, { type Directive, type Line, type Match } from 'ssh-config';
import { expandTokens, globFiles, tildeExpand } from './ssh-tokens.js';
import { ConnectionError } from './types.js';

/** One keyword's value as ssh would see it, with where it came from (for messages). */
interface Setting {
  keyword: string;
  values: string[];
  source: string;
}

type Block = { kind: 'host'; patterns: string[] } | { kind: 'match'; criteria: Array<[string, string[]]> } | { kind: 'all' };
interface ConfigLine extends Setting {
  block: Block;
}

/** What the evaluation yields for one host alias. */
export interface SshSettings {
  /** The name ssh was asked for (the Host pattern subject). */
  alias: string;
  hostName: string;
  port: number;
  user: string;
  identityFiles: string[];
  identitiesOnly: boolean;
  strictHostKeyChecking: 'yes' | 'accept-new' | 'no';
  userKnownHostsFiles: string[];
  connectTimeoutMs?: number;
  serverAliveIntervalMs?: number;
  serverAliveCountMax: number;
  /** Raw ProxyJump hops, first hop first ("none" already removed). */
  proxyJump?: string[];
  /** ProxyCommand with its %-tokens expanded, to run with the user's shell. */
  proxyCommand?: string;
  /** -F FILE, passed on to the jump hosts as OpenSSH does. */
  configFile?: string;
  /** Keywords in effect for this host that drover does not apply, with where they were set. */
  notApplied: string[];
}

/** Keywords drover applies; every other keyword in effect is reported in notApplied. */
const APPLIED = ['hostname', 'user', 'port', 'identityfile', 'identitiesonly', 'proxyjump', 'proxycommand', 'stricthostkeychecking', 'userknownhostsfile', 'connecttimeout', 'serveraliveinterval', 'serveralivecountmax'];
/**
 * Keywords whose effect drover already has by design, or that only change what
 * ssh prints: one persistent connection per host is ControlMaster/ControlPersist;
 * drover never forwards X11 and never sends environment variables. Debian's own
 * /etc/ssh/ssh_config sets SendEnv, HashKnownHosts and GSSAPIAuthentication.
 */
const NO_EFFECT = ['controlmaster', 'controlpersist', 'controlpath', 'compression', 'loglevel', 'batchmode', 'forwardx11', 'forwardx11trusted', 'sendenv', 'hashknownhosts', 'gssapiauthentication', 'gssapidelegatecredentials', 'addkeystoagent', 'preferredauthentications', 'kbdinteractiveauthentication', 'passwordauthentication', 'visualhostkey', 'updatehostkeys', 'checkhostip'];

/** Whether drover applies a keyword, or has its effect by design, or neither. */
export function keywordEffect(keyword: string): 'applied' | 'no-effect' | 'not-applied' {
  const k = keyword.toLowerCase();
  return APPLIED.includes(k) ? 'applied' : NO_EFFECT.includes(k) ? 'no-effect' : 'not-applied';
}

const parsedFiles = new Map<string, { mtimeMs: number; lines: ConfigLine[] }>();

function valuesOf(line: Directive): string[] {
  return typeof line.value === 'string' ? [line.value] : line.value.map((v) => v.val);
}

/** A ProxyCommand's text exactly as written (the package splits it into words and keeps the separators). */
function commandOf(line: Directive): string {
  if (typeof line.value === 'string') return line.value;
  return line.value.map((v) => `${v.separator}${v.quoted ? `"${v.val}"` : v.val}`).join('').trim();
}

/** Flatten one file (and what it Includes) into lines with the block each belongs to. */
function readConfigFile(file: string, system: boolean, depth = 0): ConfigLine[] {
  if (depth > 16) throw new ConnectionError('other', `ssh config ${file}: Include nested too deeply`);
  const mtimeMs = statSync(file).mtimeMs;
  const cached = parsedFiles.get(file);
  if (cached && cached.mtimeMs === mtimeMs) return cached.lines;
  const out: ConfigLine[] = [];
  const visit = (lines: readonly Line[], block: Block): void => {
    for (const line of lines) {
      if (line.type !== SSHConfig.DIRECTIVE) continue;
      const keyword = line.param.toLowerCase();
      if (keyword === 'host' && 'config' in line) visit(line.config, { kind: 'host', patterns: valuesOf(line).flatMap((v) => v.split(/\s+/)) });
      else if (keyword === 'match' && 'criteria' in line) visit((line as Match).config, matchBlock(line as Match, file));
      else if (keyword === 'include') {
        for (const pattern of valuesOf(line).flatMap((v) => v.split(/\s+/)).filter(Boolean)) {
          const expanded = tildeExpand(pattern);
          const abs = isAbsolute(expanded) ? expanded : join(system ? '/etc/ssh' : join(homedir(), '.ssh'), expanded);
          for (const included of globFiles(abs)) for (const l of readConfigFile(included, system, depth + 1)) out.push({ ...l, block: block.kind === 'all' ? l.block : combine(block, l.block) });
        }
      } else out.push({ keyword, values: keyword === 'proxycommand' ? [commandOf(line)] : valuesOf(line), source: `${file}: ${line.param}`, block });
    }
  };
  visit(SSHConfig.parse(readFileSync(file, 'utf8')), { kind: 'all' });
  parsedFiles.set(file, { mtimeMs, lines: out });
  return out;
}

/** An Include inside a Host/Match block applies only where that block does (and the included line's own block). */
function combine(outer: Block, inner: Block): Block {
  if (inner.kind === 'all') return outer;
  return { kind: 'match', criteria: [...blockCriteria(outer), ...blockCriteria(inner)] };
}

function blockCriteria(block: Block): Array<[string, string[]]> {
  if (block.kind === 'host') return [['host-pattern', block.patterns]];
  if (block.kind === 'match') return block.criteria;
  return [];
}

const MATCH_CRITERIA = ['all', 'host', 'originalhost', 'user', 'localuser', 'exec'];
function matchBlock(line: Match, file: string): Block {
  const criteria: Array<[string, string[]]> = Object.entries(line.criteria).map(([k, v]) => [k.toLowerCase(), (typeof v === 'string' ? [v] : v.map((x) => x.val)).flatMap((s) => s.split(','))]);
  const unknown = criteria.find(([k]) => !MATCH_CRITERIA.includes(k));
  if (unknown) throw new ConnectionError('other', `ssh config ${file}: Match ${unknown[0]} is not supported by drover (supported: ${MATCH_CRITERIA.join(', ')})`);
  return { kind: 'match', criteria };
}

/** OpenSSH's pattern-list match: * and ?, case-sensitive (ssh -G agrees), any matching !negation loses. */
export function patternListMatches(patterns: readonly string[], subject: string): boolean {
  let matched = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    const re = new RegExp(`^${(negated ? p.slice(1) : p).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    if (re.test(subject)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

interface MatchContext {
  alias: string;
  hostName: () => string;
  user: () => string;
  tokens: () => Record<string, string>;
}

function blockApplies(block: Block, ctx: MatchContext): boolean {
  for (const [criterion, values] of blockCriteria(block)) {
    const ok =
      criterion === 'all' ? true
      : criterion === 'host-pattern' ? patternListMatches(values, ctx.alias)
      : criterion === 'host' ? patternListMatches(values, ctx.hostName())
      : criterion === 'originalhost' ? patternListMatches(values, ctx.alias)
      : criterion === 'user' ? patternListMatches(values, ctx.user())
      : criterion === 'localuser' ? patternListMatches(values, localUser())
      : spawnSync('/bin/sh', ['-c', expandTokens(values.join(','), ctx.tokens(), 'Match exec')], { stdio: 'ignore' }).status === 0;
    // Like OpenSSH: later criteria (an exec) are not evaluated once one fails.
    if (!ok) return false;
  }
  return true;
}

export function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'root';
  }
}

/** The config files ssh would read, in order. */
function configFiles(configFile: string | undefined): Array<{ file: string; system: boolean }> {
  const chosen = configFile ?? process.env.DROVER_SSH_CONFIG;
  if (chosen === 'none') return [];
  if (chosen !== undefined) {
    const file = tildeExpand(chosen);
    if (!existsSync(file)) throw new ConnectionError('other', `ssh config file ${file} does not exist`);
    return [{ file, system: false }];
  }
  return [{ file: join(homedir(), '.ssh', 'config'), system: false }, { file: '/etc/ssh/ssh_config', system: true }].filter((f) => existsSync(f.file));
}

export interface ResolveRequest {
  /** The host as given to ssh (ansible_host, or the inventory name). */
  alias: string;
  /** Command-line options in ssh's order: [keyword, value] (keyword any case), first wins. */
  options: ReadonlyArray<[string, string]>;
  /** -F FILE from the command line. */
  configFile?: string;
}

/** Evaluate the configuration for one host as `ssh -G` would. */
export function resolveSshSettings(request: ResolveRequest): SshSettings {
  const first = new Map<string, Setting>();
  const identityFiles: Setting[] = [];
  const take = (s: Setting): void => {
    if (s.keyword === 'identityfile') identityFiles.push(s);
    // ProxyJump and ProxyCommand exclude each other: whichever comes first wins, as in OpenSSH.
    else if ((s.keyword === 'proxyjump' && first.has('proxycommand')) || (s.keyword === 'proxycommand' && first.has('proxyjump'))) return;
    else if (!first.has(s.keyword)) first.set(s.keyword, s);
  };
  for (const [keyword, value] of request.options) take({ keyword: keyword.toLowerCase(), values: keyword.toLowerCase() === 'proxycommand' ? [value] : value.split(/\s+/).filter(Boolean), source: 'command line' });
  const get = (k: string): string | undefined => first.get(k)?.values[0];
  const ctx: MatchContext = {
    alias: request.alias,
    // Host blocks match the name as given; the host name connected to is lowercased, as OpenSSH does.
    hostName: () => expandTokens(get('hostname') ?? '%h', { h: request.alias.toLowerCase(), '%': '%' }, 'HostName').toLowerCase(),
    user: () => get('user') ?? localUser(),
    tokens: () => tokensFor(request.alias, ctx.hostName(), get('port') ?? '22', ctx.user()),
  };
  for (const { file, system } of configFiles(request.configFile)) {
    for (const line of readConfigFile(file, system)) if (blockApplies(line.block, ctx)) take(line);
  }
  return settingsFrom({ request, first, identityFiles, ctx });
}

function tokensFor(alias: string, hostName: string, port: string, user: string): Record<string, string> {
  const home = homedir();
  return { '%': '%', h: hostName, n: alias, p: port, r: user, u: localUser(), d: home, l: hostname(), L: hostname().split('.')[0] ?? '' };
}

function number(s: Setting | undefined, what: string): number | undefined {
  if (!s) return undefined;
  const n = Number(s.values[0]);
  if (!Number.isInteger(n) || n < 0) throw new ConnectionError('other', `${s.source}: ${what} must be a whole number, got ${JSON.stringify(s.values[0])}`);
  return n;
}

function settingsFrom(input: { request: ResolveRequest; first: Map<string, Setting>; identityFiles: Setting[]; ctx: MatchContext }): SshSettings {
  const { request, first, identityFiles, ctx } = input;
  const hostName = ctx.hostName();
  const port = number(first.get('port'), 'Port') ?? 22;
  if (port < 1 || port > 65535) throw new ConnectionError('other', `${first.get('port')?.source}: Port must be 1-65535`);
  const user = ctx.user();
  const tokens = tokensFor(request.alias, hostName, String(port), user);
  const yes = (k: string) => /^(yes|true)$/i.test(first.get(k)?.values[0] ?? '');
  const strict = (first.get('stricthostkeychecking')?.values[0] ?? 'ask').toLowerCase();
  const jump = first.get('proxyjump')?.values[0];
  const command = first.get('proxycommand')?.values[0];
  const connectTimeout = number(first.get('connecttimeout'), 'ConnectTimeout');
  const aliveInterval = number(first.get('serveraliveinterval'), 'ServerAliveInterval');
  const knownHosts = first.get('userknownhostsfile')?.values ?? ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];
  const settings: SshSettings = {
    alias: request.alias,
    hostName,
    port,
    user,
    identityFiles: identityFiles.flatMap((s) => s.values).map((f) => tildeExpand(expandTokens(unquote(f), tokens, 'IdentityFile'))),
    identitiesOnly: yes('identitiesonly'),
    // 'ask' cannot ask without a terminal: like 'yes', an unknown key is refused.
    strictHostKeyChecking: strict === 'accept-new' ? 'accept-new' : /^(no|off|false)$/.test(strict) ? 'no' : 'yes',
    userKnownHostsFiles: knownHosts.map((f) => tildeExpand(expandTokens(unquote(f), tokens, 'UserKnownHostsFile'))),
    serverAliveCountMax: number(first.get('serveralivecountmax'), 'ServerAliveCountMax') ?? 3,
    notApplied: [...first.values()].filter((s) => !APPLIED.includes(s.keyword) && !NO_EFFECT.includes(s.keyword) && s.source !== 'command line').map((s) => s.source),
  };
  if (connectTimeout) settings.connectTimeoutMs = connectTimeout * 1000;
  if (aliveInterval) settings.serverAliveIntervalMs = aliveInterval * 1000;
  if (jump !== undefined && jump.toLowerCase() !== 'none') settings.proxyJump = jump.split(',');
  else if (command !== undefined && command.toLowerCase() !== 'none') settings.proxyCommand = expandTokens(command, tokens, 'ProxyCommand');
  if (request.configFile !== undefined) settings.configFile = request.configFile;
  return settings;
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

