// get_url: download a URL to a file on the host, a port of Ansible's
// get_url.py. The request runs on the host (its curl), as Ansible's module
// runs there. plan reads what check mode reads in Ansible: the checksum file,
// the digest of dest, and a HEAD request (with If-Modified-Since when dest
// exists and force is off); apply downloads to a temp file, compares SHA-1
// digests and moves the file into place only when they differ.
import { createHash } from 'node:crypto';
import { defineModule, ModuleFailure, type Plan } from '../runner/module-api.js';
import type { Host } from '../runner/host/types.js';
import { sh, raw, type Command } from '../runner/quote.js';
import { attributeChanges, attributeSchemaProperties } from './support/file-attributes.js';
import { httpRequest, requestOptions, requireCurl, urlParamAliases, urlSchemaProperties, type HttpResponse, type UrlParams } from './support/http-request.js';
import { pathResult } from './support/path-result.js';
import { settleAttributes } from './support/write-content.js';
import { asFileStat, expandPath, pathInfo } from './support/path-info.js';

const DIGESTS: Record<string, string> = { md5: 'md5sum', sha1: 'sha1sum', sha224: 'sha224sum', sha256: 'sha256sum', sha384: 'sha384sum', sha512: 'sha512sum' };
const EMPTY_SHA1 = createHash('sha1').digest('hex');

interface Params extends UrlParams {
  url: string;
  dest: string;
  backup: boolean;
  checksum: string;
  force: boolean;
  tmp_dest?: string;
  mode?: string | number;
  owner?: string;
  group?: string;
}

interface State {
  dest: string;
  destIsDir: boolean;
  force: boolean;
  lastModified?: number;
  checksum?: { algorithm: string; digest: string };
  /** Only mode/owner/group to settle (the checksum of an existing dest matched). */
  attributesOnly?: boolean;
}

export default defineModule({
  name: 'get_url',
  summary: 'Download a file from HTTP, HTTPS, FTP or file: to the host (the host makes the request, with curl).',
  changedWhen: "the downloaded content's SHA-1 differs from dest's (or dest is new), or mode/owner/group differ. Check mode makes a HEAD request and reports changed unless dest is empty, as Ansible does.",
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['url', 'dest'],
    properties: {
      url: { type: 'string', description: 'http, https, ftp or file URL; user:password@ in it is used for authentication.' },
      dest: { type: 'string', description: 'Where the file goes on the host; an existing directory receives it under the Content-Disposition filename, else the URL\'s last path part (downloaded every time, replaced only if different).' },
      backup: { type: 'boolean', default: false, description: 'Keep the replaced file as DEST.<pid>.<date>~ (returned as backup_file).' },
      checksum: { type: 'string', default: '', description: "'<algorithm>:<hex digest>' or '<algorithm>:<URL of a checksum file>' (md5, sha1, sha224, sha256, sha384, sha512): the download must match, and an existing dest that matches is not downloaded again (unless force)." },
      force: { type: 'boolean', default: false, description: 'Download every time and replace dest when the content differs; otherwise an existing dest is sent If-Modified-Since (alias thirsty).' },
      timeout: { type: 'integer', default: 10, description: 'Seconds to connect, and then seconds without data, before the request fails.' },
      tmp_dest: { type: 'string', description: 'An existing directory on the host for the temporary download (default: the host\'s TMPDIR or /tmp).' },
      ...urlSchemaProperties,
      ...attributeSchemaProperties,
    },
  },
  paramAliases: { ...urlParamAliases, thirsty: 'force' },
  async plan(host, input): Promise<Plan<State>> {
    const params = await withTmpDest(host, input as Params);
    await requireCurl(host, 'get_url');
    const dest = await expandPath(host, params.dest);
    const base = { checksum_dest: null, checksum_src: null, dest, elapsed: 0, url: params.url };
    const [destStat = null] = await pathInfo(host, [{ path: dest, follow: true }]);
    const destIsDir = destStat?.kind === 'directory';
    const checksum = params.checksum ? await expectedChecksum(host, params, dest, base) : undefined;
    let force = params.force;
    let lastModified: number | undefined;
    if (!destIsDir && destStat) {
      const mismatch = !force && checksum !== undefined && (await digestOf(host, dest, checksum.algorithm)) !== checksum.digest;
      if (!force && checksum && !mismatch) {
        const changes = attributeChanges(dest, params, asFileStat(destStat), false);
        const msg = changes.length ? 'file already exists but file attributes changed' : 'file already exists';
        return { changes, state: { dest, destIsDir, force, attributesOnly: true }, result: { ...base, msg, ...(await pathResult(host, dest)) } };
      }
      lastModified = Math.floor(destStat.mtime);
      // A dest whose digest differs is downloaded whatever its time says.
      if (mismatch) force = true;
    }
    const state: State = { dest, destIsDir, force, lastModified, checksum };
    // What Ansible's check mode does: a HEAD request, then "changed" unless dest holds what an empty download would.
    const started = Date.now();
    const { response: head, checksumSrc } = await checkModeRequest(host, params, force, lastModified);
    const elapsed = Math.floor((Date.now() - started) / 1000);
    if (head.status === 304) return { changes: [], state, result: { url: params.url, dest, msg: head.msg, status_code: 304, elapsed, ...(await pathResult(host, dest)) } };
    const download = [`download ${params.url} to ${dest}`];
    const failure = requestFailure(head, params.url, dest, elapsed) ?? (params.tmp_dest === undefined ? undefined : tmpDestFailure(await tmpDestProblem(host, params.tmp_dest), elapsed));
    if (failure) return { changes: download, state, inCheckMode: { failure } };
    const target = destIsDir ? `${dest.replace(/\/$/, '')}/${filenameOf(head)}` : dest;
    const checksumDest = await checkDestination(host, target, { ...base, dest: target, checksum_src: checksumSrc });
    const src = (await host.check(tempFile(params.tmp_dest, true))).stdout.trim();
    return {
      changes: download,
      state,
      inCheckMode: { changed: checksumDest !== checksumSrc, result: { ...base, dest: target, elapsed, src, checksum_src: checksumSrc, checksum_dest: checksumDest, msg: head.msg, ...(await pathResult(host, target)) } },
    };
  },
  async apply(host, input, plan) {
    const params = await withTmpDest(host, input as Params);
    const state = plan.state!;
    if (state.attributesOnly) {
      await settleAttributes(host, state.dest, params, null, false);
      return { result: { ...plan.result, ...(await pathResult(host, state.dest)) } };
    }
    return download(host, params, state);
  },
});

/** The GET, then Ansible's steps after url_get: compare, back up, move, verify the checksum, settle attributes. */
async function download(host: Host, params: Params, state: State) {
  const tmpProblem = params.tmp_dest === undefined ? undefined : await tmpDestProblem(host, params.tmp_dest);
  const started = Date.now();
  // With a bad tmp_dest the request still runs first: Ansible checks the response before the directory.
  const around = tmpProblem
    ? {}
    : { before: sh`tmp=$(${tempFile(params.tmp_dest, false)}) || exit 1`, after: sh`sha1sum < "$tmp" | cut -d' ' -f1; printf '%s' "$tmp"` };
  const request = { ...(await options(host, params)), url: params.url, method: 'GET', followRedirects: 'urllib2' as const, force: state.force, lastModified: state.lastModified };
  const get = await httpRequest(host, { ...request, output: tmpProblem ? sh`/dev/null` : sh`"$tmp"` }, around);
  const elapsed = Math.floor((Date.now() - started) / 1000);
  const [checksumSrc = '', ...tmpLines] = get.rest.split('\n');
  const tmp = tmpLines.join('\n');
  const discard = () => (tmp ? host.run(sh`rm -f -- ${tmp}`) : Promise.resolve());
  try {
    if (get.status === 304) {
      await discard();
      return { changed: false, result: { url: params.url, dest: state.dest, msg: get.msg, status_code: 304, elapsed, ...(await pathResult(host, state.dest)) } };
    }
    const failure = requestFailure(get, params.url, state.dest, elapsed);
    if (failure) throw failure;
    const badTmp = tmpDestFailure(tmpProblem, elapsed);
    if (badTmp) throw badTmp;
    const dest = state.destIsDir ? `${state.dest.replace(/\/$/, '')}/${filenameOf(get)}` : state.dest;
    const result: Record<string, unknown> = { checksum_dest: null, checksum_src: checksumSrc, dest, elapsed, url: params.url, src: tmp };
    const checksumDest = await checkDestination(host, dest, result);
    result.checksum_dest = checksumDest;
    let changed = checksumSrc !== checksumDest;
    const before = await host.stat(dest);
    if (changed) {
      const moved = await host.check(installCommand(tmp, dest, params.backup));
      if (moved.stdout) result.backup_file = moved.stdout.replace(/\0$/, '');
    } else await discard();
    if (state.checksum) {
      const actual = await digestOf(host, dest, state.checksum.algorithm);
      if (actual !== state.checksum.digest) {
        await host.check(sh`rm -f -- ${dest}`);
        throw new ModuleFailure(`The checksum for ${dest} did not match ${state.checksum.digest}; it was ${actual}.`, result);
      }
    }
    const current = changed ? await host.stat(dest) : before;
    if (attributeChanges(dest, params, current, false).length > 0) changed = true;
    await settleAttributes(host, dest, params, current, false);
    const md5sum = (await host.check(sh`md5sum < ${dest} | cut -d' ' -f1`)).stdout.trim();
    const { backup_file: backupFile, ...rest } = result;
    return { changed, result: { ...rest, md5sum, ...(backupFile ? { backup_file: backupFile } : {}), msg: get.msg, status_code: get.status, ...(await pathResult(host, dest)) } };
  } catch (error) {
    await discard();
    throw error;
  }
}

/**
 * Move the download into place as Ansible's atomic_move does: the old file's mode and owner
 * (a new file gets 0666 less the umask), renamed over dest from beside it. Prints the backup's path.
 */
function installCommand(tmp: string, dest: string, backup: boolean): Command {
  return sh`set -e; t=${tmp}; p=${dest}
if ${raw(backup ? 'true' : 'false')} && [ -f "$p" ]; then b="$p.$$.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p -- "$p" "$b"; printf '%s\\0' "$b"; fi
d=$(dirname -- "$p"); s=$(mktemp "$d/.drover-tmp.XXXXXXXX"); trap 'rm -f -- "$s"' EXIT
cat -- "$t" > "$s"
if [ -e "$p" ]; then chmod --reference="$p" -- "$s"; chown --reference="$p" -- "$s" 2>/dev/null || true; else m=$(umask); chmod "$(printf '%o' $(( 0666 & ~m )))" -- "$s"; fi
mv -f -- "$s" "$p"; trap - EXIT; rm -f -- "$t"`;
}

async function options(host: Host, params: Params) {
  const request = requestOptions(params);
  return {
    ...request,
    clientCert: request.clientCert === undefined ? undefined : await expandPath(host, request.clientCert),
    clientKey: request.clientKey === undefined ? undefined : await expandPath(host, request.clientKey),
  };
}

/** Ansible's url_get checks on the response: fetch errors, then any status but 200 (file: and ftp: answers have none). */
function requestFailure(response: HttpResponse, url: string, dest: string, elapsed: number): ModuleFailure | undefined {
  if (response.status === -1) return new ModuleFailure(response.msg, { url, dest, elapsed });
  if (response.status !== 200 && response.status !== null) return new ModuleFailure('Request failed', { status_code: response.status, response: response.msg, url, dest, elapsed });
  return undefined;
}

/**
 * What Ansible's check mode reads: a HEAD request. urllib turns it into a GET when it follows a
 * redirect, so a redirected HEAD downloads the body (to a temp file gone with the command) and
 * check mode compares its SHA-1, as Ansible's does; otherwise the download counts as empty.
 */
async function checkModeRequest(host: Host, params: Params, force: boolean, lastModified: number | undefined): Promise<{ response: HttpResponse; checksumSrc: string }> {
  const request = { ...(await options(host, params)), url: params.url, force, lastModified };
  const head = await httpRequest(host, { ...request, method: 'HEAD', followRedirects: 'none', output: sh`/dev/null` });
  const location = head.headers.location;
  if (head.status === null || ![301, 302, 303, 307, 308].includes(head.status) || location === undefined) return { response: head, checksumSrc: EMPTY_SHA1 };
  const get = await httpRequest(
    host,
    { ...request, url: new URL(location.replace(/ /g, '%20'), params.url).href, method: 'GET', followRedirects: 'urllib2', output: sh`"$tmp"` },
    { before: sh`tmp=$(mktemp) || exit 1; trap 'rm -f -- "$tmp"' EXIT`, after: sh`sha1sum < "$tmp" | cut -d' ' -f1` },
  );
  return { response: get, checksumSrc: get.rest.trim() || EMPTY_SHA1 };
}

function tmpDestFailure(problem: string | undefined, elapsed: number): ModuleFailure | undefined {
  return problem === undefined ? undefined : new ModuleFailure(problem, { elapsed });
}

/** tmp_dest is a `type: path` parameter: expanded on the host ($VARS, ~) as Ansible's module reads it. */
async function withTmpDest(host: Host, params: Params): Promise<Params> {
  return params.tmp_dest === undefined ? params : { ...params, tmp_dest: await expandPath(host, params.tmp_dest) };
}

/** mktemp in tmp_dest or the host's default; `dryRun` names one without making it. */
function tempFile(tmpDest: string | undefined, dryRun: boolean): Command {
  const flags = raw(dryRun ? '-u ' : '');
  return tmpDest === undefined ? sh`mktemp ${flags}` : sh`mktemp ${flags}-p ${tmpDest}`;
}

function tmpDestProblem(host: Host, tmpDest: string): Promise<string | undefined> {
  return host.run(sh`p=${tmpDest}; if [ -d "$p" ]; then exit 0; elif [ -e "$p" ]; then exit 3; else exit 4; fi`).then((r) =>
    r.rc === 0 ? undefined : r.rc === 3 ? `${tmpDest} is a file but should be a directory.` : `${tmpDest} directory does not exist.`,
  );
}

/** get_url's extract_filename_from_headers, else url_filename of the final URL. */
function filenameOf(response: HttpResponse): string {
  const disposition = /^attachment; ?filename="?([^"]+)/.exec(response.headers['content-disposition'] ?? '')?.[1];
  if (disposition) return disposition.split('/').pop()!;
  return urlFilename(response.url);
}

/** os.path.basename(urlsplit(url).path), or index.html: %-escapes stay as they are, as in Python. */
function urlFilename(url: string): string {
  let rest = url.replace(/^[A-Za-z][A-Za-z0-9+.-]*:/, '');
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    rest = end < 0 ? '' : rest.slice(2 + end);
  }
  return rest.split(/[?#]/)[0]!.split('/').pop() || 'index.html';
}

/** The SHA-1 of an existing dest, or null when it is absent (its directory must then exist and be writable); Ansible's messages. */
async function checkDestination(host: Host, dest: string, result: Record<string, unknown>): Promise<string | null> {
  const r = await host.run(sh`p=${dest}; d=$(dirname -- "$p")
if [ -e "$p" ]; then [ -w "$p" ] || exit 3; [ -r "$p" ] || exit 4; sha1sum < "$p" | cut -d' ' -f1
else [ -e "$d" ] || exit 5; [ -w "$d" ] || exit 6; echo -; fi`);
  const dir = dest.replace(/\/[^/]*$/, '') || '/';
  const messages: Record<number, string> = {
    3: `Destination ${dest} is not writable`,
    4: `Destination ${dest} is not readable`,
    5: `Destination ${dir} does not exist`,
    6: `Destination ${dir} is not writable`,
  };
  if (messages[r.rc]) throw new ModuleFailure(messages[r.rc]!, result);
  if (r.rc !== 0) throw new ModuleFailure(`cannot read ${dest}: ${r.stderr.trim()}`, result);
  const sum = r.stdout.trim();
  return sum === '-' ? null : sum;
}

async function digestOf(host: Host, path: string, algorithm: string): Promise<string> {
  return (await host.check(sh`${raw(DIGESTS[algorithm]!)} < ${path} | cut -d' ' -f1`)).stdout.trim();
}

/** The checksum parameter as Ansible reads it: '<algorithm>:<digest>', or a checksum file's line for the URL's file name. */
async function expectedChecksum(host: Host, params: Params, dest: string, result: Record<string, unknown>): Promise<{ algorithm: string; digest: string }> {
  const colon = params.checksum.indexOf(':');
  if (colon < 0) throw new ModuleFailure('The checksum parameter has to be in format <algorithm>:<checksum>', result);
  const algorithm = params.checksum.slice(0, colon);
  let value = params.checksum.slice(colon + 1);
  if (DIGESTS[algorithm] === undefined) {
    throw new ModuleFailure(`Could not hash file '${dest}' with algorithm '${algorithm}'. Available algorithms: ${Object.keys(DIGESTS).join(', ')}`, result);
  }
  if (/^(https?|ftp|file):/i.test(value)) value = await checksumFromFile(host, params, value, dest);
  // Python's re.sub(r'\W+', '') (Unicode word characters stay), then int(digest, 16).
  const digest = value.replace(/[^\p{L}\p{N}\p{M}_]+/gu, '').toLowerCase();
  if (!/^[0-9a-f]+(_[0-9a-f]+)*$/.test(digest)) throw new ModuleFailure('The checksum format is invalid', result);
  return { algorithm, digest };
}

/** Download a checksum file (to a temp file removed in the same command) and pick the line for the URL's file name, as Ansible does. */
async function checksumFromFile(host: Host, params: Params, checksumUrl: string, dest: string): Promise<string> {
  const response = await httpRequest(
    host,
    { ...(await options(host, params)), url: checksumUrl, method: 'GET', followRedirects: 'urllib2', force: params.force, output: sh`"$tmp"` },
    { before: sh`tmp=$(mktemp) || exit 1; trap 'rm -f -- "$tmp"' EXIT`, after: sh`base64 -w0 < "$tmp"` },
  );
  const failure = requestFailure(response, checksumUrl, dest, 0);
  if (failure) throw failure;
  const lines = Buffer.from(response.rest.trim(), 'base64').toString('utf8').split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  const filename = urlFilename(params.url);
  const entries: [string, string][] = [];
  if (lines.length === 1 && lines[0]!.trim().split(/\s+/).length === 1) entries.push([lines[0]!, filename]);
  else {
    for (const line of lines) {
      const space = line.indexOf(' ');
      if (space < 0) continue;
      let name = line.slice(space + 1);
      if (name.startsWith(' ') || name.startsWith('*')) name = name.slice(1);
      entries.push([line.slice(0, space), name.replace(/^[./]+/, '')]);
    }
  }
  const found = entries.find(([, name]) => name === filename);
  if (!found) throw new ModuleFailure(`Unable to find a checksum for file '${filename}' in '${checksumUrl}'`);
  return found[0];
}
