// Python's random.Random(seed), so `| random(seed=inventory_hostname)` and
// `| shuffle(seed=...)` pick what Ansible picks: the MT19937 generator,
// Python's seeding (a str seed is hashed with SHA-512, version 2), and the
// _randbelow / choice / randrange / shuffle algorithms on top of it.
import { createHash } from 'node:crypto';

const N = 624;
const M = 397;

export class PythonRandom {
  private readonly mt = new Uint32Array(N);
  private index = N + 1;

  constructor(seed: string | number) {
    let key: bigint;
    if (typeof seed === 'string') {
      const bytes = Buffer.from(seed, 'utf8');
      const all = Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]);
      key = BigInt(`0x${all.toString('hex')}`);
    } else {
      key = BigInt(Math.abs(Math.trunc(seed)));
    }
    const words: number[] = [];
    do {
      words.push(Number(key & 0xffffffffn));
      key >>= 32n;
    } while (key > 0n);
    this.initByArray(words);
  }

  private initGenrand(s: number): void {
    this.mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: number[]): void {
    this.initGenrand(19650218);
    let [i, j] = [1, 0];
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      this.mt[i] = ((this.mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        this.mt[0] = this.mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      this.mt[i] = ((this.mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        this.mt[0] = this.mt[N - 1]!;
        i = 1;
      }
    }
    this.mt[0] = 0x80000000;
  }

  private next32(): number {
    if (this.index >= N) {
      for (let k = 0; k < N; k++) {
        const y = (this.mt[k]! & 0x80000000) | (this.mt[(k + 1) % N]! & 0x7fffffff);
        this.mt[k] = this.mt[(k + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random.getrandbits(k): 32-bit words, least significant first. */
  getrandbits(k: number): bigint {
    let out = 0n;
    for (let shift = 0n, left = k; left > 0; left -= 32, shift += 32n) {
      const word = left < 32 ? this.next32() >>> (32 - left) : this.next32();
      out |= BigInt(word) << shift;
    }
    return out;
  }

  /** random._randbelow(n): rejection sampling on n.bit_length() bits. */
  randbelow(n: number): number {
    const limit = BigInt(n);
    const bits = limit.toString(2).length;
    let r = this.getrandbits(bits);
    while (r >= limit) r = this.getrandbits(bits);
    return Number(r);
  }

  randrange(start: number, stop: number, step: number): number {
    const width = stop - start;
    const n = step === 1 ? width : Math.floor((width + step + (step > 0 ? -1 : 1)) / step);
    if (n <= 0) throw new RangeError(`empty range for randrange(${start}, ${stop}, ${step})`);
    return start + step * this.randbelow(n);
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}
