// uri: make an HTTP request from the host and return the response, a port of
// Ansible's uri.py: the request runs on the host (its curl), the result holds
// status, url, redirected, msg, every response header (lower-cased, '-' as
// '_'), json for a JSON answer and content with return_content. A status not
// in status_code fails the task. As in Ansible, the module does not run in
// check mode (the task is skipped), and only writing dest counts as a change.
import { createHash } from 'node:crypto';
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import type { Host } from '../runner/host/types.js';
import { sh } from '../runner/quote.js';
import { pyJson } from '../runner/template/python-json.js';
import { attributeSchemaProperties } from './support/file-attributes.js';
import { httpRequest, requestOptions, requireCurl, urlSchemaProperties, type FollowRedirects, type UrlParams } from './support/http-request.js';
import { expandPath, pathInfo } from './support/path-info.js';
import { pathResult } from './support/path-result.js';
import { settleAttributes } from './support/write-content.js';

interface Params extends UrlParams {
  url: string;
  method: string;
  body?: unknown;
  body_format: 'raw' | 'json' | 'form-urlencoded';
  status_code: (number | string)[];
  return_content: boolean;
  follow_redirects: string;
  dest?: string;
  creates?: string;
  removes?: string;
  force: boolean;
  mode?: string | number;
  owner?: string;
  group?: string;
}

const FOLLOW: Record<string, FollowRedirects> = { all: 'all', yes: 'all', safe: 'safe', none: 'none', no: 'none', urllib2: 'urllib2' };

export default defineModule({
  name: 'uri',
  summary: 'Make an HTTP(S) request from the host and return the response (status, headers, json, content), optionally saving the body to dest.',
  changedWhen: 'dest was written (any answer in status_code but 304), or its mode/owner/group differ; a request alone changes nothing, as in Ansible. In check mode the task is skipped, as Ansible skips it.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: {
      url: { type: 'string', description: 'HTTP or HTTPS URL; user:password@ in it is used for authentication.' },
      method: { type: 'string', default: 'GET', description: 'The HTTP method, one word (upper-cased as Ansible does).' },
      body: { description: 'The request body: text as it is, or with body_format json/form-urlencoded a mapping or list encoded as that.' },
      body_format: { enum: ['raw', 'json', 'form-urlencoded'], default: 'raw', description: 'json: a non-text body is JSON-encoded, Content-Type application/json unless given; form-urlencoded: a mapping or list of pairs is URL-encoded, Content-Type application/x-www-form-urlencoded unless given.' },
      status_code: { type: 'array', items: { type: ['integer', 'string'] }, default: [200], description: 'The statuses that mean success; any other fails the task.' },
      return_content: { type: 'boolean', default: false, description: 'Return the body as content (JSON answers are returned as json anyway).' },
      follow_redirects: { enum: ['all', 'no', 'none', 'safe', 'urllib2', 'yes'], default: 'safe', description: 'safe follows redirects of GET and HEAD only; all (yes) of every method; none (no) none; urllib2 as urllib does.' },
      dest: { type: 'string', description: 'Save the body here on the host (a directory receives the Content-Disposition or URL file name); an existing file is sent If-Modified-Since.' },
      creates: { type: 'string', description: 'A path on the host: when it exists the request is not made.' },
      removes: { type: 'string', description: 'A path on the host: when it does not exist the request is not made.' },
      force: { type: 'boolean', default: false, description: 'Send Cache-Control: no-cache (alias thirsty).' },
      timeout: { type: 'integer', default: 30, description: 'Seconds to connect, and then seconds without data, before the request fails.' },
      ...urlSchemaProperties,
      ...attributeSchemaProperties,
    },
  },
  paramAliases: { user: 'url_username', password: 'url_password', thirsty: 'force' },
  // Ansible skips the task in check mode before the module reads anything (creates and removes too).
  async plan(host, input) {
    const params = input as Params;
    return { changes: [`${params.method.toUpperCase()} ${params.url}`], inCheckMode: { skipped: true, result: { msg: 'remote module (ansible.legacy.uri) does not support check mode' } } };
  },
  async apply(host, input) {
    const params = input as Params;
    const method = params.method.toUpperCase();
    if (!/^[A-Z]+$/.test(method)) throw new ModuleFailure("Parameter 'method' needs to be a single word in uppercase, like GET or POST.");
    const skipped = await creationSkip(host, params);
    if (skipped !== undefined) return { changed: false, result: { stdout: skipped, stdout_lines: [skipped] } };
    await requireCurl(host, 'uri');
    const statusCodes = params.status_code.map((code) => {
      if (!/^\s*[+-]?\d+\s*$/.test(String(code))) throw new ModuleFailure(`Elements value for option 'status_code' is of type ${typeof code} and we were unable to convert to int: ${JSON.stringify(code)}`);
      return Number(code);
    });
    const headers: Record<string, string | number | boolean> = { ...params.headers };
    const body = requestBody(params, headers);
    let dest = params.dest === undefined ? undefined : await expandPath(host, params.dest);
    const [destInfo = null] = dest === undefined ? [] : await pathInfo(host, [{ path: dest, follow: true }]);
    const request = {
      ...requestOptions({ ...params, headers }),
      url: params.url,
      method,
      body,
      force: params.force,
      // An existing file at dest is asked for only when newer, as Ansible's uri does.
      lastModified: destInfo?.kind === 'file' ? Math.floor(destInfo.mtime) : undefined,
      followRedirects: FOLLOW[params.follow_redirects]!,
      output: sh`"$tmp"`,
    };
    const started = Date.now();
    const response = await httpRequest(host, request, {
      before: sh`tmp=$(mktemp) || exit 1; trap 'rm -f -- "$tmp"' EXIT`,
      // The body comes back base64-encoded: it may hold any byte. Saved to dest only when asked for.
      after: sh`base64 -w0 < "$tmp"`,
    });
    const elapsed = Math.floor((Date.now() - started) / 1000);
    const content = Buffer.from(response.rest.trim(), 'base64');
    const gotResponse = response.status !== -1;
    const contentType = response.headers['content-type'];
    const { subType, charset } = parseContentType(gotResponse ? contentType : undefined);
    const suffix = subType.includes('+') ? subType.slice(subType.indexOf('+') + 1) : subType;
    const maybeJson = gotResponse && contentType !== undefined && ['json', 'javascript'].includes(suffix.toLowerCase());
    const status = response.status ?? 0;
    const resp: Record<string, unknown> = { redirected: response.url !== params.url, url: response.url, status, msg: response.msg, elapsed, changed: false };
    for (const [name, value] of Object.entries(response.headers)) resp[name.replace(/-/g, '_')] = value;
    if (gotResponse && response.status !== null && response.status >= 200 && response.status < 300) Object.assign(resp, cookies(response.headers['set-cookie']));
    if (typeof resp.location === 'string') resp.location = absoluteLocation(params.url, resp.location);
    let changed = false;
    if (gotResponse && dest !== undefined) {
      if (destInfo?.kind === 'directory') dest = `${dest.replace(/\/$/, '')}/${responseFilename(response.url, response.headers['content-disposition'])}`;
      if (statusCodes.includes(status) && status !== 304) {
        await writeBody(host, dest, content);
        changed = true;
        await settleAttributes(host, dest, params, await host.stat(dest), false);
      }
      Object.assign(resp, { path: dest, ...(await pathResult(host, dest)) });
    }
    const text = new TextDecoder(charset).decode(content);
    // urllib's HTTPError keeps the body it read as info['body']; uri.py takes it as the content only when it reads the output.
    const errorBody = gotResponse && response.status !== null && (response.status < 200 || response.status >= 300);
    if (errorBody && !(maybeJson || params.return_content || !statusCodes.includes(status))) resp.body = text;
    if (maybeJson) {
      try {
        resp.json = JSON.parse(text);
      } catch {
        // Not JSON after all: Ansible leaves json out.
      }
    }
    resp.changed = changed;
    if (!statusCodes.includes(status)) {
      resp.msg = `Status code was ${status} and not [${statusCodes.join(', ')}]: ${resp.msg ?? ''}`;
      const failed = withoutPassword(params.return_content ? { ...resp, content: text } : resp, params.url_password);
      throw new ModuleFailure(failed.msg as string, failed);
    }
    return { changed, result: withoutPassword(params.return_content ? { ...resp, content: text } : resp, params.url_password) };
  },
});

/** Ansible's remove_values for the no_log url_password: every occurrence in the result (an answer echoing it) becomes ********. */
function withoutPassword(result: Record<string, unknown>, password: string | undefined): Record<string, unknown> {
  if (!password) return result;
  const mask = (value: unknown): unknown => {
    if (typeof value === 'string') return value.split(password).join('********');
    if (Array.isArray(value)) return value.map(mask);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v)]));
    return value;
  };
  return mask(result) as Record<string, unknown>;
}

/** uri.py's creates and removes: the stdout it returns when the request is not made. */
async function creationSkip(host: Host, params: Params): Promise<string | undefined> {
  if (params.creates !== undefined) {
    const creates = await expandPath(host, params.creates);
    const [found = null] = await pathInfo(host, [{ path: creates, follow: true }]);
    if (found) return `skipped, since '${creates}' exists`;
  }
  if (params.removes !== undefined) {
    const removes = await expandPath(host, params.removes);
    const [found = null] = await pathInfo(host, [{ path: removes, follow: true }]);
    if (!found) return `skipped, since '${removes}' does not exist`;
  }
  return undefined;
}

/** The body as uri.py prepares it, with the Content-Type it implies unless the headers name one. */
function requestBody(params: Params, headers: Record<string, string | number | boolean>): string | undefined {
  const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  let body = params.body;
  if (params.body_format === 'json') {
    if (typeof body !== 'string') body = pyJson(body ?? null);
    if (!hasType) headers['Content-Type'] = 'application/json';
  } else if (params.body_format === 'form-urlencoded') {
    if (typeof body !== 'string' && body !== undefined && body !== null) body = formUrlencoded(body);
    if (!hasType) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'string') throw new ModuleFailure(`a ${Array.isArray(body) ? 'list' : typeof body} body needs body_format json or form-urlencoded`);
  return body;
}

/** uri.py's form_urlencoded: urlencode(pairs, doseq=True) of a mapping or a list of pairs. */
function formUrlencoded(body: unknown): string {
  const pairs: [unknown, unknown][] = Array.isArray(body) ? body.map((p) => (Array.isArray(p) ? [p[0], p[1]] : [p, undefined])) : Object.entries(body as object);
  const out: string[] = [];
  for (const [key, values] of pairs) {
    const list = Array.isArray(values) ? values : typeof values === 'object' && values !== null ? Object.keys(values) : [values];
    for (const value of list) if (value !== null && value !== undefined) out.push(`${quotePlus(pyText(key))}=${quotePlus(pyText(value))}`);
  }
  return out.join('&');
}

function pyText(value: unknown): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : pyJson(value);
}

/** Python's urllib.parse.quote_plus: unreserved characters stay, space is '+', the rest %XX of UTF-8. */
function quotePlus(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : b === 0x20 ? '+' : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** urls.py's parse_content_type: the sub type and the charset (utf-8 unless given); no header reads as text/plain, as Python's email parser does. */
function parseContentType(header: string | undefined): { subType: string; charset: string } {
  const [type = '', ...params] = (header ?? 'text/plain').split(';').map((part) => part.trim());
  const subType = type.toLowerCase().split(',')[0]!.split('/')[1] ?? '';
  const charset = params.map((p) => /^charset=["']?([^"',]+)/i.exec(p)?.[1]).find(Boolean) ?? 'utf-8';
  try {
    new TextDecoder(charset);
    return { subType, charset };
  } catch {
    return { subType, charset: 'utf-8' };
  }
}

/** The response's cookies as fetch_url returns them: a mapping and a 'name=value; ...' string. */
function cookies(setCookie: string | undefined): Record<string, unknown> {
  const jar: Record<string, string> = {};
  for (const cookie of setCookie ? setCookie.split(/,\s*(?=[^;,=\s]+=)/) : []) {
    const [pair = ''] = cookie.split(';');
    const eq = pair.indexOf('=');
    if (eq > 0) jar[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return { cookies: jar, cookies_string: Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; ') };
}

/** uri.py's absolute_location. */
function absoluteLocation(url: string, location: string): string {
  if (location.includes('://')) return location;
  if (location.startsWith('/')) {
    const path = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/.exec(url)?.[1] ?? '';
    return `${path ? url.replace(path, '') : url}${location}`;
  }
  return `${url.replace(/\/[^/]*$/, '')}/${location}`;
}

/** urls.py's get_response_filename: Content-Disposition's filename, else the final URL's last path part. */
function responseFilename(url: string, disposition: string | undefined): string {
  const named = disposition ? /(?:^|;)\s*filename=(?:"([^"]*)"|([^;]*))/i.exec(disposition) : null;
  if (named && (named[1] ?? named[2])) return (named[1] ?? named[2])!.trim();
  const path = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*([^?#;]*)/.exec(url)?.[1] ?? '';
  const name = path.replace(/\/+$/, '').split('/').pop() ?? '';
  try {
    return decodeURIComponent(name) || 'index.html';
  } catch {
    return name || 'index.html';
  }
}

/** uri.py's write_file: replace dest only when the SHA-1 differs, atomically, keeping the old file's mode and owner. */
async function writeBody(host: Host, dest: string, content: Buffer): Promise<void> {
  const current = await host.stat(dest, { checksum: true });
  if (current?.kind === 'file' && current.sha256 === sha256(content)) return;
  if (current !== null && current.kind !== 'file') throw new ModuleFailure(`failed to copy the response to ${dest}: it is a ${current.kind}`);
  await host.writeFile(dest, content);
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
