// Ansible's fact cache (fact_caching): a host's gathered facts and its
// set_fact `cacheable: true` facts, merged (dict update, as VariableManager's
// set_host_facts). `memory`, the default, keeps them for the run only;
// `jsonfile` also keeps them across runs, in CONNECTION/PREFIX + host name, as
// json.dumps(sort_keys=True, indent=4) of the facts under Ansible's names
// (ansible_os_family: HostState.facts), for fact_caching_timeout seconds after the file was
// written (0: forever). A new run starts from what the cache holds;
// --flush-cache first removes the inventory's hosts from it.
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { pyJson } from '../template/python-json.js';

export interface FactCacheSettings {
  plugin: 'memory' | 'jsonfile';
  /** fact_caching_connection: the jsonfile directory. */
  connection?: string;
  /** fact_caching_prefix (Ansible's default 'ansible_facts'). */
  prefix: string;
  /** fact_caching_timeout in seconds (Ansible's default 86400; 0 never expires). */
  timeout: number;
}

const PREFIX = 'ansible_';

/** Ansible's namespace_facts: the facts as ansible_facts holds them, without the ansible_ prefix (os_family). */
export function namespacedFacts(facts: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(facts).map(([k, v]) => [k.startsWith(PREFIX) ? k.slice(PREFIX.length) : k, v]));
}

/** What a host's fact gathering found (os_family) under the names the setup module gives them (ansible_os_family). */
export function gatheredFacts(facts: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(facts).map(([k, v]) => [`${PREFIX}${k}`, v]));
}

export class FactCache {
  private readonly dir: string | undefined;
  /** What was read or written this run: read again from memory, as Ansible's get() does (a fact does not expire mid-run). */
  private readonly known = new Map<string, Record<string, unknown>>();

  constructor(private readonly settings: FactCacheSettings = { plugin: 'memory', prefix: 'ansible_facts', timeout: 86400 }) {
    if (settings.plugin === 'memory') return;
    if (!settings.connection) throw new InputError([{ message: "error, 'jsonfile' cache plugin requires the 'fact_caching_connection' config option to be set (to a writeable directory path)" }]);
    this.dir = expandUserAndVars(settings.connection);
    mkdirSync(this.dir, { recursive: true });
  }

  /** The host's cached facts, or {} when none are cached or they expired. */
  load(host: string): Record<string, unknown> {
    const known = this.known.get(host);
    if (known !== undefined) return known;
    const facts = this.read(host);
    this.known.set(host, facts);
    return facts;
  }

  private read(host: string): Record<string, unknown> {
    const file = this.fileOf(host);
    if (file === undefined) return {};
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return {};
    }
    if (this.settings.timeout !== 0 && Date.now() - stat.mtimeMs > this.settings.timeout * 1000) return {};
    let cached: unknown;
    try {
      cached = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      rmSync(file, { force: true });
      throw new InputError([{ message: `The cache file ${file} was corrupt, or did not otherwise contain valid data (${(error as Error).message}). It has been removed, so you can re-run your command now.` }]);
    }
    if (typeof cached !== 'object' || cached === null || Array.isArray(cached)) return {};
    return cached as Record<string, unknown>;
  }

  /** Writes the host's facts (all of them) atomically: a temp file in the directory, renamed over the old one. */
  save(host: string, facts: Record<string, unknown>): void {
    this.known.set(host, facts);
    const file = this.fileOf(host);
    if (file === undefined) return;
    const staging = mkdtempSync(join(dirname(file), '.drover-facts-'));
    try {
      writeFileSync(join(staging, 'facts'), pyJson(facts, { sortKeys: true, indent: 4 }), { mode: 0o600 });
      renameSync(join(staging, 'facts'), file);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }

  /** --flush-cache: the hosts' cached facts are removed. */
  flush(hosts: Iterable<string>): void {
    for (const host of hosts) {
      this.known.delete(host);
      const file = this.fileOf(host);
      if (file !== undefined) rmSync(file, { force: true });
    }
  }

  private fileOf(host: string): string | undefined {
    // Ansible's get() never reads the key '' (a host name is never empty in drover's inventory either).
    return this.dir === undefined || host === '' ? undefined : join(this.dir, `${this.settings.prefix}${host}`);
  }
}

/** Python's os.path.expanduser(os.path.expandvars(path)), as BaseFileCacheModule reads the connection. */
function expandUserAndVars(path: string): string {
  const vars = path.replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, a: string | undefined, b: string | undefined) => process.env[(a ?? b) as string] ?? whole);
  return vars === '~' || vars.startsWith('~/') ? join(process.env.HOME ?? homedir(), vars.slice(1)) : vars;
}
