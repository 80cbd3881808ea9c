// Hostile strings through every module parameter that can reach a remote
// command, on a real sshd host. The parameters are enumerated from the
// registry's schemas (every free string of every module that runs on a host),
// so a new module or parameter fails the coverage test until it is given a
// base below (or an exemption with its reason).
// For each run: the module either fails with a clear ModuleFailure, or the
// value reached the host exactly (as a quoted word in a command, or as the
// bytes of stdin); the canary never appears. Where the result is visible on
// the host (file names, content, argv), it is read back and compared.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRegistry } from '../modules/registry.js';
import { ModuleFailure, type AnyModule } from '../runner/module-api.js';
import { HostHandle } from '../runner/host/handle.js';
import { quote, type Command } from '../runner/quote.js';
import type { RunOptions } from '../runner/host/types.js';
import type { ExecResult } from '../runner/connection/types.js';
import type { Connection } from '../runner/connection/types.js';
import { openConnection } from '../runner/connection/open.js';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { runModule } from './support/module-harness.js';
import { CANARY, hostileSample } from './support/hostile-strings.js';

const HOST = 'fuzzm';
const PER_PARAM = Number(process.env.FUZZ_PER_PARAM ?? 8);
/** A web server inside the fuzz host serving its /etc, for uri. */
const HOST_HTTP_PORT = 8080;
/** A tar archive inside the fuzz host, for unarchive. */
const FUZZ_ARCHIVE = '/srv/fuzz-archive.tar.gz';

interface Target {
  /** Minimal valid parameters around the fuzzed one; `dir` is a fresh directory on the host. */
  base(dir: string): Record<string, unknown>;
  /** Parameters that hold a path: the value becomes a name inside `dir`. */
  paths?: readonly string[];
  /** Values per parameter when this module is slow per run (default PER_PARAM). */
  samples?: number;
  /** Apply too (default), or plan only where applying would install packages or start services. */
  planOnly?: boolean;
  /** Parameters parsed and re-written into file content (sent as stdin, never a shell word): checked for no crash and no canary, not for verbatim bytes. */
  rewritten?: readonly string[];
  /** `type: path` parameters the module expands on the host ($NAME, as Ansible's os.path.expandvars): their values are fuzzed with '$' made '_'. */
  expanded?: readonly string[];
  /** Parameters not fuzzed here, each with why. */
  exempt?: Readonly<Record<string, string>>;
}

const CONTROLLER_PATH = 'a controller path, read on the controller, never sent to the host';
const COMMAND_LINE = 'a command line by design (the user asks for it to run); argv carries untrusted values and is fuzzed';
const PYTHON_REGEX = 'a regular expression evaluated on the controller (python-regex.ts), never sent to the host';
const VALIDATE = "a command template by design ('visudo -cf %s'), run as written like Ansible's";
const HOOK = 'a shell command by design (certbot runs it on issuance), like a command task';
const MODE = 'validated as octal or symbolic before use: hostile values are refused by resolveMode (covered: ModuleFailure)';

/** The template module's Jinja delimiters are read on the controller by the renderer, never sent to the host. */
const JINJA_DELIMITERS = Object.fromEntries(
  ['block_start_string', 'block_end_string', 'variable_start_string', 'variable_end_string', 'comment_start_string', 'comment_end_string'].map((p) => [p, 'a Jinja delimiter the controller-side renderer reads, never sent to the host']),
);

const TARGETS: Record<string, Target> = {
  copy: { base: (d) => ({ dest: `${d}/f`, content: 'x' }), paths: ['dest'], exempt: { src: `${CONTROLLER_PATH}; with remote_src a path on the host, fuzzed below (copy with remote_src)`, validate: VALIDATE } },
  command: { base: () => ({ argv: ['true'] }), paths: ['chdir', 'creates', 'removes'], exempt: { cmd: COMMAND_LINE, executable: "ignored with Ansible's warning: never sent to the host (only named in the warning)" } },
  shell: { base: () => ({ cmd: 'true' }), paths: ['chdir', 'creates', 'removes'], exempt: { cmd: COMMAND_LINE, executable: 'the shell to run the command line with, by design' } },
  package: { base: () => ({ name: 'coreutils' }), planOnly: true },
  apt: { base: () => ({ name: 'coreutils' }), planOnly: true, samples: 2 },
  dnf: { base: () => ({ name: 'coreutils' }), planOnly: true },
  service: { base: () => ({ name: 'ssh', state: 'started' }), planOnly: true },
  systemd: { base: () => ({ name: 'ssh', state: 'started' }), planOnly: true },
  // A new account each time: some values (skeleton, home) are used only when the account is created.
  user: { base: (d) => ({ name: `fz${d.split('/').pop()}` }), paths: ['home', 'skeleton'], samples: 3 },
  group: { base: (d) => ({ name: `fz${d.split('/').pop()}` }) },
  authorized_key: { base: (d) => ({ user: 'root', key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostileFuzzKeyxxxxxxxxxxxxxxxxxxxxxxxxxxxxx fuzz', path: `${d}/keys` }), paths: ['path'], rewritten: ['key_options', 'comment', 'key'] },
  wait_for: {
    base: (d) => ({ path: `${d}/absent`, state: 'absent', timeout: 1 }),
    paths: ['path'],
    exempt: {
      host: 'a name for the host resolver: a hostile name costs a DNS timeout per value; it is quoted by the same sh template',
      exclude_hosts: 'only compared with /proc/net/tcp on the controller side of the parse',
      active_connection_states: 'only compared with /proc/net/tcp on the controller side of the parse',
      search_regex: PYTHON_REGEX,
      msg: 'the failure message, shown on the controller only',
    },
  },
  file: { base: (d) => ({ path: `${d}/f`, state: 'touch' }), paths: ['path', 'src'], rewritten: ['modification_time', 'modification_time_format', 'access_time', 'access_time_format'], exempt: { mode: MODE } },
  template: { base: (d) => ({ src: 'unused', dest: `${d}/f` }), exempt: { src: CONTROLLER_PATH, dest: 'the same destination handling as copy (install-content.ts), fuzzed there', validate: VALIDATE, mode: MODE, owner: 'as copy', group: 'as copy', ...JINJA_DELIMITERS } },
  lineinfile: { base: (d) => ({ path: `${d}/f`, line: 'x', create: true }), paths: ['path'], exempt: { regexp: PYTHON_REGEX, search_string: 'a string searched for in the file on the controller, never sent to the host', insertafter: PYTHON_REGEX, insertbefore: PYTHON_REGEX, validate: VALIDATE, mode: MODE } },
  blockinfile: { base: (d) => ({ path: `${d}/f`, block: 'x', create: true }), paths: ['path'], exempt: { insertafter: PYTHON_REGEX, insertbefore: PYTHON_REGEX, validate: VALIDATE, mode: MODE } },
  stat: { base: (d) => ({ path: `${d}/f` }), paths: ['path'] },
  backup: { base: (d) => ({ paths: [`${d}/src`], dest: `${d}/bak` }), paths: ['paths', 'dest'], exempt: { name: 'restricted by its schema to [A-Za-z0-9._-]+' } },
  certbot: {
    // Plan only: the plan reads the live certificate with openssl; applying would ask an ACME server.
    base: (d) => ({ cert_name: 'fz', domains: ['fz.example.test'], server: 'https://127.0.0.1:9/dir', webroot_path: d, config_dir: `${d}/le` }),
    paths: ['config_dir', 'work_dir', 'logs_dir', 'webroot_path', 'ca_bundle'],
    planOnly: true,
    exempt: { deploy_hook: HOOK, pre_hook: HOOK, post_hook: HOOK, manual_auth_hook: HOOK, manual_cleanup_hook: HOOK },
  },
  jupyterhub: {
    // service_manager none: the config file only (no service to start in the fuzz host).
    base: (d) => ({ config_path: `${d}/jupyterhub_config.py`, service_manager: 'none', working_directory: d }),
    paths: ['config_path', 'unit_path'],
    rewritten: ['working_directory', 'bind_url', 'authenticator_class', 'spawner_class', 'admin_users', 'allowed_users', 'announcement', 'alert', 'logout_redirect_url', 'template_paths', 'getting_started_url', 'exec_start', 'service_name', 'health_url'],
    exempt: { extra_config: 'Python lines appended to the config verbatim, by design (the typed settings are written as Python literals and fuzzed)' },
  },
  quota: { base: (d) => ({ filesystem: d }), paths: ['filesystem'], planOnly: true },
  bridge: { base: () => ({ name: 'fzbr0', state: 'down' }) },
  nfs_export: { base: (d) => ({ path: d, clients: ['*(ro)'], file: `${d}/fz.exports`, reload: false }), paths: ['file'], rewritten: ['clients'] },
  hosts_entry: { base: (d) => ({ ip: '127.0.0.2', hostnames: ['fz.example'], path: `${d}/hosts` }), paths: ['path'] },
  sysctl: { base: (d) => ({ name: 'net.ipv4.ip_forward', value: '0', sysctl_file: `${d}/fz.conf`, reload: false }), paths: ['sysctl_file'] },
  // state present: the fstab line only, each field octal-escaped (\\040, \\012, ...) into the file's content.
  mount: { base: (d) => ({ path: `${d}/mnt`, src: 'tmpfs', fstype: 'tmpfs', state: 'present', fstab: `${d}/fstab` }), paths: ['fstab'], rewritten: ['path', 'src', 'fstype', 'opts', 'dump', 'passno'] },
  cron: { base: (d) => ({ name: 'fz', job: 'true', cron_file: `${d}/fz` }), paths: ['cron_file'], rewritten: ['name', 'minute', 'hour', 'day', 'month', 'weekday'], exempt: { job: COMMAND_LINE } },
  ini_file: { base: (d) => ({ path: `${d}/f.ini`, section: 's', option: 'o', value: 'v', create: true }), paths: ['path'], rewritten: ['section', 'option', 'value', 'values'], exempt: { mode: MODE } },
  // Plan only: this machine's kernel loads no modules.
  modprobe: { base: () => ({ name: 'dummy' }), planOnly: true },
  // Plan only, on libvirt's test driver: each virsh call starts from its fresh in-memory state, so the
  // plan's reads (dumpxml, dominfo, ...) carry every value; definitions are sent as stdin, never as words.
  libvirt_domain: { base: () => ({ name: 'fz', uri: 'test:///default', memory: 64 }), planOnly: true, rewritten: ['xml'], exempt: { xml_template: CONTROLLER_PATH } },
  libvirt_network: { base: () => ({ name: 'fz', uri: 'test:///default' }), planOnly: true, rewritten: ['xml'] },
  libvirt_pool: { base: (d) => ({ name: 'fz', uri: 'test:///default', path: d }), paths: ['path'], planOnly: true },
  // Plan only: this machine's kernel has no 802.1Q support (applied in a qemu guest by kernel-features-in-qemu-guests).
  vlan: { base: () => ({ parent: 'lo', id: 100 }), planOnly: true },
  ping: { base: () => ({}), exempt: { data: 'returned as the result on the controller, never sent to the host' } },
  slurp: { base: (d) => ({ src: `${d}/f` }), paths: ['src'] },
  replace: { base: (d) => ({ path: `${d}/f`, regexp: 'x' }), paths: ['path'], exempt: { regexp: PYTHON_REGEX, after: PYTHON_REGEX, before: PYTHON_REGEX, replace: 'a Python replacement template expanded on the controller, never sent to the host', validate: VALIDATE, mode: MODE } },
  getent: { base: () => ({ database: 'passwd', key: 'root' }), exempt: { split: 'a separator used by the parser on the controller, never sent to the host' } },
  tempfile: { base: (d) => ({ path: d }), paths: ['path'] },
  // A job id becomes a file name under ~/.ansible_async: anything but [A-Za-z0-9_.-] is refused as an unknown job.
  async_status: { base: () => ({ jid: 'j1.1' }) },
  // A paths string is split at commas, as Ansible's list type does: the pieces reach the host, not the whole value.
  find: { base: (d) => ({ paths: [d] }), paths: ['paths'], rewritten: ['paths'], exempt: { patterns: 'globs or Python regexes matched on the controller against the names the host listed', excludes: 'as patterns', contains: PYTHON_REGEX } },
  // A file: URL: curl on the host reads it, so no server is needed; request options travel in curl's config on stdin, quoted for curl's parser.
  get_url: {
    base: (d) => ({ url: 'file:///etc/hostname', dest: `${d}/f` }),
    paths: ['dest', 'tmp_dest'],
    expanded: ['dest', 'tmp_dest'],
    rewritten: ['url', 'checksum', 'http_agent', 'url_username', 'url_password', 'client_cert', 'client_key', 'ciphers'],
    exempt: { mode: MODE },
  },
  // Against a server inside the fuzz host (started in before()); the body and headers are fuzzed below.
  uri: {
    base: (d) => ({ url: `http://127.0.0.1:${HOST_HTTP_PORT}/hostname`, dest: `${d}/out` }),
    paths: ['dest', 'creates', 'removes'],
    expanded: ['dest', 'creates', 'removes'],
    rewritten: ['url', 'method', 'status_code', 'http_agent', 'url_username', 'url_password', 'client_cert', 'client_key', 'ciphers'],
    exempt: { mode: MODE },
  },
  // An archive made inside the fuzz host in before(); member names and patterns are tar's own words after -f.
  unarchive: {
    base: (d) => ({ src: FUZZ_ARCHIVE, dest: d, remote_src: true }),
    paths: ['dest', 'creates', 'src'],
    expanded: ['src'],
    // A pattern travels inside one quoted word, --exclude=PATTERN (its trailing '/' dropped, as Ansible does).
    rewritten: ['exclude'],
    exempt: { extra_opts: 'tar options by design (one may name a program for tar to run, as in Ansible)', mode: MODE },
  },
  raw: { base: () => ({ free_form: 'true' }), exempt: { free_form: COMMAND_LINE, executable: 'the shell to run the line with, by design (as shell.executable)' } },
};
// copy's mode goes through the same resolveMode as file's.
TARGETS.copy!.exempt = { ...TARGETS.copy!.exempt, mode: MODE, directory_mode: MODE };

/** Free string parameters (strings or lists of strings, no enum) of every module that runs on a host. */
function remoteStringParams(module: AnyModule): string[] {
  if (module.controllerOnly) return [];
  const props = (module.schema as { properties?: Record<string, SchemaProp> }).properties ?? {};
  return Object.entries(props).filter(([, p]) => takesFreeString(p)).map(([name]) => name);
}
interface SchemaProp {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: SchemaProp[];
  oneOf?: SchemaProp[];
  items?: SchemaProp;
}
function takesFreeString(p: SchemaProp): boolean {
  if (p.enum) return false;
  const types = [p.type ?? []].flat();
  return types.includes('string') || Boolean(p.items && takesFreeString(p.items)) || [...(p.anyOf ?? []), ...(p.oneOf ?? [])].some(takesFreeString);
}

/** A host handle that keeps every command and stdin it sends. */
class RecordingHandle extends HostHandle {
  sent: string[] = [];
  override run(command: Command, options: RunOptions = {}): Promise<ExecResult> {
    this.sent.push(command.text, options.stdin === undefined ? '' : options.stdin.toString());
    return super.run(command, options);
  }
}

let ground: TestGround | undefined;
let connection: Connection | undefined;
let plain: HostHandle;
let handle: RecordingHandle;
before(async () => {
  ground = await startHosts({ names: [HOST] });
  // It dies with the host's namespace when the ground stops.
  const served = await ground.exec(HOST, ['sh', '-c', `cd /etc && python3 -m http.server ${HOST_HTTP_PORT} --bind 127.0.0.1 >/dev/null 2>&1 & for i in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:${HOST_HTTP_PORT}/ && exit 0; sleep 0.1; done; exit 1`]);
  assert.equal(served.rc, 0, `the fuzz host's web server did not start: ${served.stderr}`);
  const packed = await ground.exec(HOST, ['tar', '-czf', FUZZ_ARCHIVE, '-C', '/etc', 'hostname']);
  assert.equal(packed.rc, 0, packed.stderr);
  connection = openConnection(ground.target(HOST));
  await connection.connect();
  plain = new HostHandle(HOST, connection, { loginUser: 'root' });
  handle = new RecordingHandle(HOST, connection, { loginUser: 'root' });
});
after(async () => {
  await connection?.close();
  await ground?.stop();
});

test('every remote string parameter of every registered module is fuzzed or exempt with a reason', () => {
  const missing: string[] = [];
  for (const module of defaultRegistry.all()) {
    const params = remoteStringParams(module);
    if (params.length === 0) continue;
    const target = TARGETS[module.name];
    if (!target) missing.push(`${module.name} (no entry in TARGETS)`);
    for (const p of params) if (target && target.exempt?.[p] === undefined && !paramsFuzzed(module).includes(p)) missing.push(`${module.name}.${p}`);
  }
  assert.deepEqual(missing, [], 'add these to TARGETS in this file');
  for (const [name, target] of Object.entries(TARGETS)) {
    const module = defaultRegistry.find(name);
    assert.ok(module, `TARGETS names a module that no longer exists: ${name}`);
    for (const p of Object.keys(target.exempt ?? {})) assert.ok(remoteStringParams(module).includes(p), `${name}.${p} is exempt but not a string parameter`);
  }
});

function paramsFuzzed(module: AnyModule): string[] {
  const target = TARGETS[module.name];
  return target ? remoteStringParams(module).filter((p) => target.exempt?.[p] === undefined) : [];
}

let dirs = 0;
async function freshDir(): Promise<string> {
  const dir = `/srv/fuzz/${++dirs}`;
  const r = await ground!.exec(HOST, ['mkdir', '-p', '--', dir]);
  assert.equal(r.rc, 0, r.stderr);
  return dir;
}

test('hostile strings through every module parameter reach the host exactly or are refused, and never run', async () => {
  let tried = 0;
  let refused = 0;
  const values = hostileSample(PER_PARAM * 40, 7);
  let next = 0;
  const slow: string[] = [];
  for (const module of defaultRegistry.all()) {
    const target = TARGETS[module.name];
    if (!target) continue;
    const started = Date.now();
    for (const param of paramsFuzzed(module)) {
      for (let i = 0; i < (target.samples ?? PER_PARAM); i++) {
        const sample = values[next++ % values.length]!.slice(0, 2000);
        const value = target.expanded?.includes(param) ? sample.replace(/\$/g, '_') : sample;
        const dir = await freshDir();
        // A path parameter gets the value as a file name in the fresh directory ('/' would make it a subdirectory).
        const placed = target.paths?.includes(param) ? `${dir}/${value.replace(/\//g, '_')}` : value;
        const isList = module.schema.properties[param]?.type === 'array';
        const params = { ...target.base(dir), [param]: isList ? [placed] : placed };
        handle.sent = [];
        tried++;
        try {
          await runModule(handle, module, params, { check: target.planOnly, filesDir: dir });
        } catch (error) {
          assert.ok(error instanceof ModuleFailure, `${module.name}.${param}=${JSON.stringify(value)}: ${(error as Error).stack}`);
          refused++;
          continue;
        }
        // Plan-only runs show that reading state never executes a value; some values are used by apply alone.
        if (target.planOnly || target.rewritten?.includes(param)) continue;
        const reached = handle.sent.some((s) => s.includes(quote(placed)) || s.includes(placed));
        assert.ok(reached, `${module.name}.${param}: the value never reached the host intact: ${JSON.stringify(value)}`);
      }
    }
    slow.push(`${module.name} ${Date.now() - started} ms`);
  }
  process.stdout.write(`# time per module: ${slow.join(', ')}\n`);
  assert.equal((await ground!.exec(HOST, ['test', '-e', CANARY])).rc, 1, 'an injected command ran');
  process.stdout.write(`# module parameter runs: ${tried} (${refused} refused with a ModuleFailure)\n`);
});

test('values come back exactly: file names, file content and argv', async () => {
  const values = hostileSample(60, 11).map((v) => v.slice(0, 200));
  for (const value of values) {
    const dir = await freshDir();
    const name = value.replace(/\//g, '_');
    await runModule(plain, defaultRegistry.find('copy')!, { dest: `${dir}/${name}`, content: value });
    const listed = await ground!.exec(HOST, ['find', dir, '-mindepth', '1', '-printf', '%f\\0']);
    assert.equal(listed.stdout, `${name}\0`, 'exactly one file, with exactly that name (no .drover-tmp left)');
    assert.equal((await ground!.exec(HOST, ['cat', '--', `${dir}/${name}`])).stdout, value);
    const echoed = await runModule(plain, defaultRegistry.find('command')!, { argv: ['printf', '%s', value] });
    // Like Ansible, the command module strips trailing line ends from stdout.
    assert.equal(echoed.result.stdout, value.replace(/[\r\n]+$/, ''));
  }
  assert.equal((await ground!.exec(HOST, ['test', '-e', CANARY])).rc, 1, 'an injected command ran');
});

test('hostile headers (get_url, uri) and request bodies (uri) fail the task or reach curl whole, and never run', async () => {
  const values = hostileSample(40, 13).map((v) => v.slice(0, 200));
  let refused = 0;
  for (const value of values) {
    const dir = await freshDir();
    for (const headers of [{ 'X-Fuzz': value }, { [value]: 'v' }]) {
      try {
        await runModule(plain, defaultRegistry.find('get_url')!, { url: 'file:///etc/hostname', dest: `${dir}/f`, force: true, headers });
        await runModule(plain, defaultRegistry.find('uri')!, { url: `http://127.0.0.1:${HOST_HTTP_PORT}/hostname`, method: 'POST', body: value, headers, status_code: [200, 501] });
      } catch (error) {
        assert.ok(error instanceof ModuleFailure, `${JSON.stringify(headers)}: ${(error as Error).stack}`);
        refused++;
      }
    }
  }
  process.stdout.write(`# header runs: ${values.length * 2} (${refused} refused with a ModuleFailure)\n`);
  assert.equal((await ground!.exec(HOST, ['test', '-e', CANARY])).rc, 1, 'an injected command ran');
});

test('copy with remote_src: hostile names in a source directory on the host, and as its path, are copied exactly and never run', async () => {
  const names = [...new Set(hostileSample(40, 13).map((v) => v.slice(0, 100).replace(/\//g, '_')).filter((v) => v !== '' && v !== '.' && v !== '..'))];
  for (const [i, name] of names.entries()) {
    const dir = await freshDir();
    // src is a `type: path` parameter: $NAME in it is expanded on the host, as Ansible's module does; the names inside keep every '$'.
    const src = `${dir}/${name.replace(/\$/g, '_')}`;
    // Made from outside drover with argv: a file, a subdirectory with a file, and a link, each named by the value.
    const made = await ground!.exec(HOST, ['sh', '-c', 'mkdir -p -- "$1/sub" && printf %s "$2" > "$1/$2" && printf x > "$1/sub/$2" && ln -s -- "$2" "$1/l$2"', 'sh', src, name]);
    assert.equal(made.rc, 0, made.stderr);
    const params = i % 2 === 0 ? { remote_src: true, src: `${src}/`, dest: `${dir}/out` } : { remote_src: true, src, dest: `${dir}/out/`, owner: 'nobody' };
    await runModule(plain, defaultRegistry.find('copy')!, params);
    const copied = i % 2 === 0 ? `${dir}/out` : `${dir}/out/${name.replace(/\$/g, '_')}`;
    const list = async (root: string) => (await ground!.exec(HOST, ['find', root, '-mindepth', '1', '-printf', '%P %y %l\\0'])).stdout.split('\0').sort();
    assert.deepEqual(await list(copied), await list(src), JSON.stringify(name));
    assert.equal((await ground!.exec(HOST, ['cat', '--', `${copied}/${name}`])).stdout, name);
    assert.equal((await runModule(plain, defaultRegistry.find('copy')!, params)).changed, false, JSON.stringify(name));
  }
  assert.equal((await ground!.exec(HOST, ['test', '-e', CANARY])).rc, 1, 'an injected command ran');
});

test('a NUL byte in a parameter fails the task with a clear error', async () => {
  const dir = await freshDir();
  await assert.rejects(runModule(plain, defaultRegistry.find('file')!, { path: `${dir}/a\0b`, state: 'touch' }), /NUL byte/);
  await assert.rejects(runModule(plain, defaultRegistry.find('command')!, { argv: ['printf', 'a\0b'] }), /NUL byte/);
});
