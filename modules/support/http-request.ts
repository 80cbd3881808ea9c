// An HTTP request made on the target host, as Ansible's get_url and uri make
// theirs there (module_utils/urls.py fetch_url), with the host's curl. Every
// request option travels in a curl config on stdin (`curl -q -K -`): the URL,
// headers and credentials never appear in a process's arguments, which any
// user of the host can read. The command line holds only drover's own words
// and quoted paths. The response is described as fetch_url's `info`: status,
// lower-cased headers, the final URL and its msg ('OK (12 bytes)',
// 'HTTP Error 404: Not Found', 'Request failed: <urlopen error ...>').
import { ModuleFailure } from '../../runner/module-api.js';
import type { Host } from '../../runner/host/types.js';
import { sh, raw, type Command } from '../../runner/quote.js';

export type FollowRedirects = 'all' | 'safe' | 'none' | 'urllib2';

export interface HttpRequest {
  url: string;
  method: string;
  headers?: Record<string, string>;
  username?: string;
  password?: string;
  forceBasicAuth?: boolean;
  /** Seconds without progress before the request is given up, as Ansible's socket timeout. */
  timeout: number;
  validateCerts: boolean;
  useProxy: boolean;
  useNetrc: boolean;
  followRedirects: FollowRedirects;
  httpAgent: string;
  decompress: boolean;
  ciphers?: readonly string[];
  clientCert?: string;
  clientKey?: string;
  /** The request body, sent as it is. */
  body?: string;
  /** Ansible's cache control: force sends no-cache, otherwise a file's mtime (seconds) becomes If-Modified-Since. */
  force?: boolean;
  lastModified?: number;
  /** Where the response body goes on the host: a shell word (a quoted path, or "$tmp" of the surrounding script). */
  output: Command;
}

export interface HttpResponse {
  /** The HTTP status, -1 when no response came, null for file: and ftp: (as fetch_url's info). */
  status: number | null;
  /** The URL of the final response (after redirects), as fetch_url's info['url']. */
  url: string;
  /** The final response's headers, names lower-cased, repeated headers joined with ', ' as fetch_url does. */
  headers: Record<string, string>;
  /** fetch_url's info['msg']. */
  msg: string;
}

const END = 'drover-http-end';

/** A value as a curl config string: double quotes, with curl's backslash escapes. */
function configString(value: string): string {
  if (/[\0]/.test(value)) throw new ModuleFailure('a NUL byte cannot be sent in an HTTP request');
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/** Header names and values as Python's http.client accepts them: no line breaks (a header cannot be smuggled into another). */
function headerLine(name: string, value: string): string {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new ModuleFailure(`Invalid header name ${JSON.stringify(name)}`);
  if (/[\r\n\0]/.test(value)) throw new ModuleFailure(`Invalid header value ${JSON.stringify(value)} for header ${JSON.stringify(name)}`);
  return `${name}: ${value}`;
}

/** Python's email.utils-style date, as urls.py's rfc2822_date_string writes If-Modified-Since. */
function httpDate(seconds: number): string {
  return new Date(seconds * 1000).toUTCString();
}

/** The curl config lines for a request: one option per line, every value quoted for curl's parser. */
export function curlConfig(request: HttpRequest): string {
  const lines: string[] = [`url = ${configString(request.url)}`];
  const add = (option: string, value?: string) => lines.push(value === undefined ? option : `${option} = ${configString(value)}`);
  if (request.method === 'HEAD') add('head');
  else if (request.method !== 'GET' && !(request.method === 'POST' && request.body !== undefined)) add('request', request.method);
  // POST with a body is curl's own POST: it turns into GET after a 301/302/303 as urllib does.
  if (request.body !== undefined) add('data-binary', request.body);
  // Ansible sends its own agent, its Accept-Encoding only when it decompresses, and no Accept: */* of curl's.
  add('user-agent', request.httpAgent);
  add('header', 'Accept:');
  // urllib closes the connection after each request, so servers answer with Connection: close, as to Ansible.
  add('header', 'Connection: close');
  if (request.decompress) {
    add('compressed');
    add('header', 'Accept-Encoding: gzip');
  }
  if (request.force) add('header', 'cache-control: no-cache');
  else if (request.lastModified !== undefined) add('header', `If-Modified-Since: ${httpDate(request.lastModified)}`);
  for (const [name, value] of Object.entries(request.headers ?? {})) add('header', headerLine(name, value));
  if (request.username !== undefined && request.username !== '') {
    add('user', `${request.username}:${request.password ?? ''}`);
    // Ansible answers the server's challenge (basic or digest) unless told to send basic auth up front.
    add(request.forceBasicAuth ? 'basic' : 'anyauth');
  } else if (request.useNetrc) add('netrc-optional');
  if (!request.validateCerts) add('insecure');
  if (!request.useProxy) add('noproxy', '*');
  if (request.ciphers?.length) add('ciphers', request.ciphers.join(':'));
  if (request.clientCert !== undefined) add('cert', request.clientCert);
  if (request.clientKey !== undefined) add('key', request.clientKey);
  // safe: GET and HEAD only; urllib's own rules (urllib2) also follow a POST.
  const followed = { all: true, safe: ['GET', 'HEAD'].includes(request.method), urllib2: ['GET', 'HEAD', 'POST'].includes(request.method), none: false };
  const follow = followed[request.followRedirects];
  if (follow) lines.push('location', 'max-redirs = 10');
  // A socket timeout: connecting, and then no byte for `timeout` seconds.
  lines.push(`connect-timeout = ${request.timeout}`, `speed-limit = 1`, `speed-time = ${request.timeout}`);
  return `${lines.join('\n')}\n`;
}

/** Fail clearly when the host has no curl: the download runs there, as Ansible's module does. */
export async function requireCurl(host: Host, module: string): Promise<void> {
  const found = await host.run(sh`command -v curl`);
  if (found.rc !== 0) throw new ModuleFailure(`${module} runs its request on the host with curl, and ${host.name} has no curl in PATH: install curl there (for example with the package module)`);
}

/** Shell steps around the request, in the same command: `before` may set "$tmp" for output, `after` reads it. */
export interface AroundRequest {
  before?: Command;
  after?: Command;
}

/**
 * The request as a shell script: curl's headers on stdout, a line with its status code and final URL,
 * a line with its exit status, then what `after` prints. Give `curlConfig(request)` as the command's stdin.
 */
export function curlCommand(request: HttpRequest, around: AroundRequest = {}): Command {
  const format = `\\n${END} %{http_code} %{url_effective}\\n`;
  const curl = sh`curl -q -K - -s -S -D - -o ${request.output} -w ${raw(`'${format}'`)}; printf '\\n${raw(END)}-exit %s\\n' "$?"`;
  return sh`${around.before ?? raw(':')}
${curl}
${around.after ?? raw(':')}`;
}

/** Run a request whose body goes to request.output; what `around.after` printed comes back as `rest`. */
export async function httpRequest(host: Host, request: HttpRequest, around: AroundRequest = {}): Promise<HttpResponse & { rest: string }> {
  const result = await host.run(curlCommand(request, around), { stdin: curlConfig(request) });
  return parseCurlOutput(result.stdout, result.stderr, request.url);
}

/** Read curlCommand's output back into fetch_url's terms; what followed it is `rest`. */
export function parseCurlOutput(stdout: string, stderr: string, requestedUrl: string): HttpResponse & { rest: string } {
  const exitLine = new RegExp(`\n${END}-exit (\\d+)\n`).exec(stdout);
  const exit = Number(exitLine?.[1] ?? 255);
  const rest = exitLine ? stdout.slice(exitLine.index + exitLine[0].length) : '';
  const head = exitLine ? stdout.slice(0, exitLine.index) : stdout;
  const end = head.lastIndexOf(`\n${END} `);
  const [code = '000', ...urlWords] = end >= 0 ? head.slice(end + END.length + 2).split('\n')[0]!.split(' ') : [];
  const status = Number(code);
  const url = urlWords.join(' ');
  // file: and ftp: answers have no status line; urllib's status for them is None.
  const statusless = /^(file|ftp):/i.test(requestedUrl);
  if (exit !== 0 || (status === 0 && !statusless)) return { status: -1, url: requestedUrl, headers: {}, msg: curlFailure(exit, stderr), rest };
  const blocks = head.slice(0, Math.max(end, 0)).split(/\r?\n\r?\n/);
  const responses = blocks.filter((b) => /^HTTP\/\S+ \d{3}/.test(b) && !/^HTTP\/\S+ 1\d\d/.test(b));
  const last = statusless ? `-\n${blocks.join('\n')}` : responses.pop() ?? '';
  const [statusLine = '', ...headerLines] = last.split(/\r?\n/);
  const reason = statusLine.replace(/^HTTP\/\S+ \d{3} ?/, '');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const ok = { url, headers, msg: `OK (${headers['content-length'] ?? 'unknown'} bytes)`, rest };
  if (statusless) return { status: null, ...ok };
  // urllib raises HTTPError for every final status outside 2xx: its text is the message, the request's URL stays.
  if (status < 200 || status >= 300) return { status, url: requestedUrl, headers, msg: `HTTP Error ${status}: ${reason}`, rest };
  return { status, ...ok };
}

/** fetch_url's words for a request that got no response, from curl's exit status (man curl, EXIT CODES). */
function curlFailure(exit: number, stderr: string): string {
  // curl's first line says it; the lines after it point to its documentation.
  const detail = (stderr.trim().split('\n')[0] ?? '').replace(/^curl: \(\d+\) /, '').trim();
  switch (exit) {
    case 6:
      return 'Request failed: <urlopen error [Errno -2] Name or service not known>';
    case 7:
      return 'Request failed: <urlopen error [Errno 111] Connection refused>';
    case 28:
      return 'Connection failure: timed out';
    case 60:
      // OpenSSL's reason, as Python 3.11's ssl module words it on Debian's ansible-core 2.14.
      return `Request failed: <urlopen error [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ${detail.replace(/^SSL certificate problem: /, '')} (_ssl.c:992)>`;
    default:
      return `Request failed: ${detail || `curl exit status ${exit}`}`;
  }
}

/** The parameters of Ansible's url_argument_spec that drover runs (get_url and uri share them). */
export const urlSchemaProperties = {
  http_agent: { type: 'string', default: 'ansible-httpget', description: 'The User-Agent header sent.' },
  use_proxy: { type: 'boolean', default: true, description: "false ignores the host's *_proxy environment variables." },
  validate_certs: { type: 'boolean', default: true, description: "false accepts any TLS certificate (self-signed ones of one's own sites only)." },
  url_username: { type: 'string', description: 'User name for HTTP authentication (alias username); without url_password an empty password is sent.' },
  url_password: { type: 'string', description: 'Password for HTTP authentication (alias password); sent to curl on stdin, never in an argument or the output.' },
  force_basic_auth: { type: 'boolean', default: false, description: 'Send basic authentication with the first request instead of answering the server\'s 401 challenge.' },
  client_cert: { type: 'string', description: 'PEM client certificate file on the host (may hold the key too).' },
  client_key: { type: 'string', description: 'PEM private key file on the host for client_cert.' },
  use_netrc: { type: 'boolean', default: true, description: "Without url_username, credentials from the remote user's ~/.netrc." },
  ciphers: { type: 'array', items: { type: 'string' }, description: 'TLS cipher list (OpenSSL names), joined with ":".' },
  decompress: { type: 'boolean', default: true, description: 'Ask for gzip and decompress a gzip Content-Encoding.' },
  headers: { type: 'object', additionalProperties: { type: ['string', 'integer', 'boolean'] }, description: 'Extra request headers, name to value (a number or boolean is sent as Python writes it: 200, True).' },
} as const;

export interface UrlParams {
  http_agent: string;
  use_proxy: boolean;
  validate_certs: boolean;
  url_username?: string;
  url_password?: string;
  force_basic_auth: boolean;
  client_cert?: string;
  client_key?: string;
  use_netrc: boolean;
  ciphers?: string[];
  decompress: boolean;
  headers?: Record<string, string | number | boolean>;
  timeout: number;
}

export const urlParamAliases = { username: 'url_username', password: 'url_password' } as const;

/** The request options that come straight from url_argument_spec parameters. */
export function requestOptions(params: UrlParams): Omit<HttpRequest, 'url' | 'method' | 'output' | 'followRedirects'> {
  // http.client's putheader writes an int (a bool is one) with str().
  const headers = params.headers && Object.fromEntries(Object.entries(params.headers).map(([name, value]) => [name, typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value)]));
  return {
    headers,
    username: params.url_username,
    password: params.url_password,
    forceBasicAuth: params.force_basic_auth,
    timeout: params.timeout,
    validateCerts: params.validate_certs,
    useProxy: params.use_proxy,
    useNetrc: params.use_netrc,
    httpAgent: params.http_agent,
    decompress: params.decompress,
    ciphers: params.ciphers,
    clientCert: params.client_cert,
    clientKey: params.client_key,
  };
}
