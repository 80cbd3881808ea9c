// wait_for: wait for a port to listen or close, connections to drain, a file
// to appear (optionally containing a pattern) or go, or just wait. Read-only,
// so it runs entirely in plan and never reports a change.
//
// Ports are checked from the host's /proc/net/tcp{,6} (the kernel's socket
// table: every Linux has it, no ss/netstat/nc/bash needed), so "listening"
// means a LISTEN socket on the port bound to the address `host` resolves to
// (or to the wildcard). A `host` that is not one of the target's own
// addresses cannot be seen there: then `nc -z` is used if the target has it,
// otherwise the task fails saying so.
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import type { Host } from '../runner/host/types.js';
import { sh } from '../runner/quote.js';
import { netSnapshotCommand, normaliseAddress, parseNetSnapshot, WILDCARDS, type NetSnapshot } from './support/proc-net.js';
import { compilePython, toBytes } from './support/python-regex.js';

const ACTIVE = ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'SYN_RECV', 'SYN_SENT', 'TIME_WAIT'];
const seconds = { type: ['number', 'string'], pattern: '^[0-9]+(\\.[0-9]+)?$', minimum: 0 } as const;
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

type Check = () => Promise<{ done: boolean; result?: Record<string, unknown> }>;

export default defineModule({
  name: 'wait_for',
  summary: 'Wait for a port, a file (and a pattern in it), or connections to drain; or just wait.',
  changedWhen: 'never.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      host: { type: 'string', minLength: 1, default: '127.0.0.1', description: 'Name or address whose port to watch (as seen from the target).' },
      port: { type: ['integer', 'string'], pattern: '^[0-9]+$', minimum: 1, maximum: 65535, description: 'TCP port to wait for.' },
      path: { type: 'string', minLength: 1, description: 'File to wait for (present) or to disappear (absent).' },
      search_regex: { type: 'string', description: 'With path: wait until the file contents match this (Python) regular expression, multiline.' },
      state: { enum: ['started', 'stopped', 'present', 'absent', 'drained'], default: 'started', description: 'What to wait for.' },
      timeout: { ...seconds, default: 300, description: 'Give up after this many seconds (counted from the start, delay included).' },
      delay: { ...seconds, default: 0, description: 'Seconds to wait before the first check.' },
      sleep: { ...seconds, default: 1, description: 'Seconds between checks.' },
      connect_timeout: { ...seconds, default: 5, description: 'Seconds for one nc connection attempt (remote hosts only).' },
      active_connection_states: { type: 'array', items: { type: 'string' }, default: ACTIVE, description: 'Connection states that count as active for drained.' },
      exclude_hosts: { type: 'array', items: { type: 'string' }, description: 'With drained: ignore connections from these addresses.' },
      msg: { type: 'string', description: 'Message on timeout instead of the default one.' },
    },
  },
  async plan(host, params) {
    const [timeout, delay, interval] = [Number(params.timeout), Number(params.delay), Number(params.sleep)];
    const port = params.port !== undefined ? Number(params.port) : undefined;
    const state = params.state;
    if (port !== undefined && params.path !== undefined) throw new ModuleFailure('port and path parameter can not both be passed to wait_for');
    if (params.path !== undefined && state === 'drained') throw new ModuleFailure('state=drained should only be used for checking a port in the wait_for module');
    if (port !== undefined && params.search_regex !== undefined) throw new ModuleFailure('search_regex with port is not supported (drover does not open connections from the target)');
    const start = Date.now();
    const elapsed = () => Math.floor((Date.now() - start) / 1000);
    if (delay > 0) await sleep(delay);
    const base = { state, port, path: params.path, search_regex: params.search_regex };
    if (port === undefined && params.path === undefined) {
      await sleep(Math.max(0, timeout - delay));
      return { changes: [], result: { ...base, elapsed: elapsed() } };
    }
    let check: Check;
    let what: string;
    if (params.path !== undefined) [check, what] = pathCheck(host, params.path, state, params.search_regex);
    else [check, what] = await portCheck(host, params.host, port!, state, params);
    const end = start + timeout * 1000;
    // Check, sleep (never past the deadline), check again: the last check falls at the deadline.
    for (;;) {
      const outcome = await check();
      if (outcome.done) return { changes: [], result: { ...base, ...outcome.result, elapsed: elapsed() } };
      const left = end - Date.now();
      if (left <= 0) break;
      await sleep(Math.min(interval, left / 1000));
    }
    throw new ModuleFailure(params.msg ?? `Timeout when waiting for ${what}`, { ...base, elapsed: elapsed() });
  },
});

function pathCheck(host: Host, path: string, state: string, regex: string | undefined): [Check, string] {
  if (state === 'absent' || state === 'stopped') {
    return [async () => ({ done: (await host.run(sh`[ -e ${path} ] || [ -L ${path} ]`)).rc !== 0 }), `${path} to be absent.`];
  }
  if (regex === undefined) return [async () => ({ done: (await host.run(sh`[ -e ${path} ]`)).rc === 0 }), `file ${path}`];
  // Python's re.MULTILINE, on the file's bytes, as Ansible searches it.
  const { regex: re } = compilePython(toBytes(`(?m)${regex}`), 'search_regex');
  const text = (s: string | undefined) => (s === undefined ? null : Buffer.from(s, 'latin1').toString('utf8'));
  const check: Check = async () => {
    const content = await host.readFile(path).catch(() => null);
    const m = content ? re.exec(content.toString('latin1')) : null;
    if (!m) return { done: false };
    const groupdict = Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, text(v)]));
    return { done: true, result: { match_groups: m.slice(1).map(text), match_groupdict: groupdict } };
  };
  return [check, `search string ${regex} in ${path}`];
}

async function portCheck(host: Host, name: string, port: number, state: string, params: { connect_timeout: number | string; active_connection_states: readonly string[]; exclude_hosts?: readonly string[] }): Promise<[Check, string]> {
  const label = `${name}:${port}`;
  const addresses = await resolve(host, name);
  const wildcard = WILDCARDS.has(normaliseAddress(name));
  const snapshot = async (): Promise<NetSnapshot> => parseNetSnapshot((await host.check(netSnapshotCommand())).stdout);
  const isLocal = (s: NetSnapshot) => wildcard || addresses.some((a) => s.localAddresses.has(a) || a.startsWith('127.') || a === '::1');
  const listening = (s: NetSnapshot) => s.sockets.some((k) => k.state === 'LISTEN' && k.localPort === port &&
    (wildcard || addresses.includes(k.localAddress) || k.localAddress === '::' || (k.localAddress === '0.0.0.0' && addresses.some((a) => !a.includes(':')))));
  if (state === 'drained') {
    const states = new Set(params.active_connection_states);
    const excluded = new Set((params.exclude_hosts ?? []).map(normaliseAddress));
    return [async () => {
      const s = await snapshot();
      const active = s.sockets.filter((k) => k.localPort === port && states.has(k.state) && !excluded.has(k.remoteAddress) && (wildcard || addresses.includes(k.localAddress)));
      return { done: active.length === 0 };
    }, `${label} to drain`];
  }
  const wantOpen = state === 'started' || state === 'present';
  const first = await snapshot();
  if (!isLocal(first) && addresses.length > 0) {
    // Not an address of the target: its socket table cannot tell; try nc.
    const probe = sh`if command -v nc >/dev/null 2>&1; then nc -z -w ${String(Math.ceil(Number(params.connect_timeout)))} ${name} ${String(port)} >/dev/null 2>&1; echo "nc $?"; else echo no-nc; fi`;
    return [async () => {
      const out = (await host.check(probe)).stdout.trim();
      if (out === 'no-nc') throw new ModuleFailure(`cannot check ${label} from ${host.name}: ${name} is not one of its addresses and it has no nc (drover reads listening ports from /proc/net/tcp, which shows only the host's own sockets)`);
      return { done: (out === 'nc 0') === wantOpen };
    }, wantOpen ? label : `${label} to stop.`];
  }
  let next: NetSnapshot | null = first;
  return [async () => {
    const s = next ?? (await snapshot());
    next = null;
    return { done: listening(s) === wantOpen };
  }, wantOpen ? label : `${label} to stop.`];
}

/** The addresses a name stands for on the target (an address stands for itself). */
async function resolve(host: Host, name: string): Promise<string[]> {
  if (/^[\d.]+$/.test(name) || name.includes(':')) return [normaliseAddress(name)];
  const out = await host.run(sh`getent ahosts -- ${name} | awk '{ print $1 }' | sort -u`);
  return out.stdout.split('\n').map((a) => a.trim()).filter((a) => a !== '').map(normaliseAddress);
}
