// known_hosts is read the way OpenSSH reads it: checked against ssh-keygen's
// own fingerprints and hashing, so drover and `ssh` trust exactly the same keys.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { appendKnownHost, entryMatches, fingerprint, knownKeyTypes, parseKnownHosts, readKnownHosts, verifyHostKey } from '../runner/connection/known-hosts.js';
import { classifySshError } from '../runner/connection/ssh-errors.js';
import type { ConnectionTarget } from '../runner/connection/types.js';

const run = promisify(execFile);

describe('known_hosts', () => {
  let dir: string;
  const keys: Record<'a' | 'b' | 'ec', { line: string; blob: Buffer; file: string }> = {} as never;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'drover-known-hosts-'));
    await Promise.all(
      (['a', 'b', 'ec'] as const).map(async (k) => {
        const file = join(dir, k);
        await run('ssh-keygen', ['-q', '-t', k === 'ec' ? 'ecdsa' : 'ed25519', '-N', '', '-C', k, '-f', file]);
        const line = readFileSync(`${file}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
        keys[k] = { line, blob: Buffer.from(line.split(' ')[1] ?? '', 'base64'), file: `${file}.pub` };
      }),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('fingerprints equal ssh-keygen -l', async () => {
    for (const k of Object.values(keys)) {
      const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', k.file], { encoding: 'utf8' });
      assert.equal(fingerprint(k.blob), stdout.split(' ')[1]);
    }
  });

  test('hashed entries written by ssh-keygen -H match their host and port only', async () => {
    const file = join(dir, 'hashed');
    writeFileSync(file, `example.org ${keys.a.line}\n[example.org]:2222 ${keys.b.line}\n`);
    await run('ssh-keygen', ['-H', '-f', file]);
    const entries = readKnownHosts(file);
    assert.equal(entries.length, 2);
    assert.ok(entries.every((e) => e.patterns.startsWith('|1|')));
    assert.equal(verifyHostKey(entries, 'example.org', 22, keys.a.blob).kind, 'ok');
    assert.equal(verifyHostKey(entries, 'EXAMPLE.org', 22, keys.a.blob).kind, 'ok');
    assert.equal(verifyHostKey(entries, 'example.org', 2222, keys.b.blob).kind, 'ok');
    assert.equal(verifyHostKey(entries, 'example.org', 2222, keys.a.blob).kind, 'changed');
    assert.equal(verifyHostKey(entries, 'example.net', 22, keys.a.blob).kind, 'unknown');
  });

  test('patterns: lists, wildcards, negation and [host]:port', () => {
    const entries = parseKnownHosts(`*.example.org,!bad.example.org ${keys.a.line}\nweb? ${keys.a.line}\n[10.0.0.1]:2222 ${keys.a.line}\n`, 'f');
    const [list, wild, port] = entries as [never, never, never];
    assert.equal(entryMatches(list, 'www.example.org', 22), true);
    assert.equal(entryMatches(list, 'bad.example.org', 22), false);
    assert.equal(entryMatches(list, 'example.org', 22), false);
    assert.equal(entryMatches(wild, 'web1', 22), true);
    assert.equal(entryMatches(wild, 'web10', 22), false);
    assert.equal(entryMatches(port, '10.0.0.1', 2222), true);
    assert.equal(entryMatches(port, '10.0.0.1', 22), false);
    assert.equal(entryMatches(wild, 'web1', 2222), false, 'a bare name means port 22 only');
  });

  test('comments, garbage and @cert-authority lines are skipped; line numbers stay right', () => {
    const text = `# comment\n\nnot a valid line\n@cert-authority *.example.org ${keys.b.line}\nhost1 ${keys.a.line}\n`;
    const entries = parseKnownHosts(text, 'kh');
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.line, 5);
    assert.equal(verifyHostKey(entries, 'x.example.org', 22, keys.b.blob).kind, 'unknown');
  });

  test('@revoked wins over a matching plain entry', () => {
    const entries = parseKnownHosts(`host1 ${keys.a.line}\n@revoked * ${keys.a.line}\n`, 'kh');
    const v = verifyHostKey(entries, 'host1', 22, keys.a.blob);
    assert.equal(v.kind, 'revoked');
    assert.equal(v.kind === 'revoked' && v.entry.line, 2);
  });

  test('a key of another type is changed, not new (as OpenSSH accept-new), and its type is asked for first', () => {
    const entries = parseKnownHosts(`host1 ${keys.ec.line}\n`, 'kh');
    assert.equal(verifyHostKey(entries, 'host1', 22, keys.a.blob).kind, 'changed');
    assert.equal(verifyHostKey(entries, 'other', 22, keys.a.blob).kind, 'unknown');
    assert.deepEqual(knownKeyTypes(entries, 'host1', 22), ['ecdsa-sha2-nistp256']);
  });

  test('appending creates the file 0600 and never glues lines together', () => {
    const file = join(dir, 'sub', 'known_hosts');
    appendKnownHost(file, 'h1', 22, keys.a.blob);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    writeFileSync(file, readFileSync(file, 'utf8').trimEnd());
    appendKnownHost(file, 'h2', 2222, keys.b.blob);
    assert.equal(readFileSync(file, 'utf8'), `h1 ${keys.a.line}\n[h2]:2222 ${keys.b.line}\n`);
    assert.equal(verifyHostKey(readKnownHosts(file), 'h2', 2222, keys.b.blob).kind, 'ok');
  });
});

describe('ssh failure classification', () => {
  const target: ConnectionTarget = { name: 'web1', transport: 'ssh', address: 'web1.invalid', port: 22, user: 'deploy' };
  const cases: Array<[string, object, string]> = [
    ['DNS failure', { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND web1.invalid' }, 'dns'],
    ['refused', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'refused'],
    ['handshake timeout', { level: 'client-timeout', message: 'Timed out while waiting for handshake' }, 'timeout'],
    ['auth', { level: 'client-authentication', message: 'All configured authentication methods failed' }, 'auth'],
    ['close before any error', { code: 'ETIMEDOUT', message: 'No response from server' }, 'closed'],
    ['reset', { code: 'ECONNRESET', message: 'read ECONNRESET' }, 'closed'],
  ];
  for (const [what, error, reason] of cases) {
    test(`${what} -> ${reason}, naming host and address:port`, () => {
      const e = classifySshError(error, target, 'connect');
      assert.equal(e.reason, reason);
      assert.match(e.message, /^web1 \(deploy@web1\.invalid:22\): /);
    });
  }
});
