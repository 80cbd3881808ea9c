// A loopback HTTP server with the few answers get_url and uri tests need,
// started by the test on an address the hosts can reach (the ground's bridge)
// or on 127.0.0.1 for ansible-playbook -c local. Every request is logged
// (method, path, headers, body) so tests can say what the host really sent.
import { createHash } from 'node:crypto';
import { createServer as createHttpsServer } from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FILE_BODY = 'hello from the fixture server\n';
export const OTHER_BODY = 'a second file\n';
/** The files' Last-Modified: older than any file a test writes, so If-Modified-Since gets 304. */
const LAST_MODIFIED = 'Wed, 01 Jan 2020 00:00:00 GMT';
export const AUTH = { user: 'fetcher', password: 'pa55-w0rd-fixture' };

export interface LoggedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FixtureServer {
  /** e.g. http://10.100.3.1:41234 */
  base: string;
  requests: LoggedRequest[];
  close(): Promise<void>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A self-signed certificate for address, made with openssl (the key never leaves the test). */
function selfSigned(address: string): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'drover-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=drover-fixture', '-addext', `subjectAltName=IP:${address}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The server on address; with tls, HTTPS with a self-signed certificate (which hosts do not trust). */
/** With tls: HTTPS; `files` are served at /files/NAME like /file.txt (Last-Modified, If-Modified-Since). */
export async function startFixtureServer(address: string, options: { tls?: boolean; files?: Record<string, Buffer> } = {}): Promise<FixtureServer> {
  const requests: LoggedRequest[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      requests.push({
        method: req.method ?? '',
        path,
        headers: req.headers,
        body,
      });
      // ?slow holds the answer back a moment: long enough for a test to see the client's process.
      if (path.endsWith('?slow')) setTimeout(() => answer(req, res, body, path, options.files ?? {}), 500);
      else answer(req, res, body, path, options.files ?? {});
    });
  };
  const server: Server = options.tls ? createHttpsServer(selfSigned(address), handler) : createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `${options.tls ? 'https' : 'http'}://${address}:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function answer(req: IncomingMessage, res: ServerResponse, body: string, path: string, files: Record<string, Buffer>): void {
  const file = (content: string | Buffer, extra: Record<string, string> = {}) => {
    const since = req.headers['if-modified-since'];
    if (since && Date.parse(since) >= Date.parse(LAST_MODIFIED)) {
      res.writeHead(304, { 'Last-Modified': LAST_MODIFIED }).end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/plain',
      'Content-Length': String(Buffer.byteLength(content)),
      'Last-Modified': LAST_MODIFIED,
      ...extra,
    });
    res.end(req.method === 'HEAD' ? undefined : content);
  };
  const route = path.split('?')[0];

  if (route === '/file.txt') return file(FILE_BODY);
  const served = route?.startsWith('/files/') ? files[route.slice('/files/'.length)] : undefined;
  if (served) return file(served, { 'Content-Type': 'application/octet-stream' });
  if (route === '/other.txt') return file(OTHER_BODY);
  if (route === '/named')
    return file(FILE_BODY, {
      'Content-Disposition': 'attachment; filename="served-name.txt"',
    });
  if (route === '/redirect') return void res.writeHead(302, { Location: '/other.txt' }).end();
  if (route === '/sums.txt') return void res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`${sha256(OTHER_BODY)}  other.txt\n${sha256(FILE_BODY)} *./file.txt\n`);
  if (route === '/auth/file.txt') {
    const expected = `Basic ${Buffer.from(`${AUTH.user}:${AUTH.password}`).toString('base64')}`;
    if (req.headers.authorization !== expected)
      return void res
        .writeHead(401, {
          'WWW-Authenticate': 'Basic realm="fixture"',
          'Content-Length': '0',
        })
        .end();
    return file(FILE_BODY);
  }
  if (route === '/headers') {
    const seen = JSON.stringify({
      'x-one': req.headers['x-one'] ?? null,
      'user-agent': req.headers['user-agent'] ?? null,
    });
    return void res
      .writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': String(seen.length),
      })
      .end(seen);
  }
  if (route === '/echo') {
    const echoed = JSON.stringify({
      method: req.method,
      body,
      'content-type': req.headers['content-type'] ?? null,
    });
    return void res
      .writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(echoed)),
      })
      .end(echoed);
  }
  if (route === '/cookie')
    return void res
      .writeHead(200, {
        'Set-Cookie': ['session=abc123; Path=/', 'theme=dark'],
        'Content-Length': '0',
      })
      .end();
  res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': '10' }).end('not here\n\n');
}
