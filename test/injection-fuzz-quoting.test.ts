// The one place where values become shell words (runner/quote.ts `sh`),
// fuzzed against a real sshd host: at least 10,000 generated hostile strings
// go through drover's own connection (`sh -c SCRIPT` over one ssh link, as
// every module command does). The host must hand each one back byte for byte
// as exactly one argument, and the canary file that any injected command
// would create must never appear. test/injection-fuzz-modules.test.ts sends
// the same kind of strings through every module parameter.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { joinCommands, NulByteError, quote, sh } from '../runner/quote.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { CANARY, hostileString } from './support/hostile-strings.js';

let ground: TestGround | undefined;
let host: HostHandle;
const HOST = 'fuzzq';
const SEED = 20_240_606;
const BATCHES = 20;
const PER_BATCH = 500;
let tried = 0;

before(async () => {
  ({ ground, host } = await startModuleHost(HOST));
});
after(() => stopModuleHost(ground));

/** Split values so each script stays well under the 128 KiB limit of one argument (`sh -c SCRIPT`). */
function chunks(values: string[], maxChars = 48_000): string[][] {
  const out: string[][] = [[]];
  let size = 0;
  for (const v of values) {
    const cost = quote(v).length * 2 + 60;
    if (size + cost > maxChars && out.at(-1)!.length > 0) {
      out.push([]);
      size = 0;
    }
    out.at(-1)!.push(v);
    size += cost;
  }
  return out;
}

/** For each value: how many words the shell made of it, then the bytes it holds (base64, one line each). */
async function echoBack(values: string[]): Promise<{ words: number; value: string }[]> {
  const results: { words: number; value: string }[] = [];
  for (const chunk of chunks(values)) {
    const script = joinCommands(chunk.map((v) => sh`set -- ${v}; printf '%s ' "$#"; printf '%s' "$1" | base64 -w0; echo`));
    const r = await host.run(script);
    assert.equal(r.rc, 0, r.stderr);
    const lines = r.stdout.split('\n').slice(0, -1);
    assert.equal(lines.length, chunk.length, 'one line per value: no value may end the script or add a line');
    for (const line of lines) {
      const [words, b64 = ''] = line.split(' ');
      results.push({ words: Number(words), value: Buffer.from(b64, 'base64').toString('utf8') });
    }
  }
  return results;
}

async function canaryExists(): Promise<boolean> {
  return (await ground!.exec(HOST, ['test', '-e', CANARY])).rc === 0;
}

test(`${BATCHES * PER_BATCH} hostile strings reach the host unchanged, as one word each, and never run`, async () => {
  assert.equal(await canaryExists(), false);
  await fc.assert(
    fc.asyncProperty(fc.array(hostileString, { minLength: PER_BATCH, maxLength: PER_BATCH }), async (values) => {
      const echoed = await echoBack(values);
      tried += values.length;
      echoed.forEach((e, i) => {
        assert.equal(e.words, 1, `one word: ${JSON.stringify(values[i])}`);
        assert.equal(e.value, values[i]);
      });
      assert.equal(await canaryExists(), false, 'an injected command ran');
    }),
    { numRuns: BATCHES, seed: SEED, endOnFailure: true },
  );
  assert.ok(tried >= 10_000, `${tried} strings tried`);
  process.stdout.write(`# hostile strings tried through sh: ${tried}\n`);
});

test('paths that start with - are files, never options', async () => {
  const names = ['-rf', '--help', '-n', '--', '-', '-e x', '--version=1'];
  for (const name of names) {
    await host.writeFile(name, `content of ${name}\n`);
    assert.equal((await host.readFile(name))?.toString(), `content of ${name}\n`);
    assert.equal((await host.stat(name))?.kind, 'file', name);
  }
  // Read from outside drover: the files exist under exactly those names in root's home.
  const listing = await ground!.exec(HOST, ['sh', '-c', 'cd && ls -1A -- ' + names.map((n) => quote(n)).join(' ')]);
  assert.equal(listing.rc, 0, listing.stderr);
  assert.deepEqual(listing.stdout.trim().split('\n').sort(), [...names].sort());
});

test('a NUL byte is refused with a clear error before anything is sent', async () => {
  assert.throws(() => sh`printf %s ${'a\0b'}`, (e: unknown) => e instanceof NulByteError && /NUL byte/.test((e as Error).message));
  await assert.rejects(host.writeFile('/tmp/nul\0name', 'x'), /NUL byte/);
  assert.equal(await canaryExists(), false);
});
