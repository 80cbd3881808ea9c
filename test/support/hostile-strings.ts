// Hostile strings for the injection fuzz tests: shell syntax of every kind,
// leading dashes, globs, newlines, non-ASCII and very long values, each mixed
// with a payload that would create the canary file if any shell ever parsed
// the value as syntax instead of data.
import fc from 'fast-check';

/** Created by any payload that runs; its existence on a host is the proof of an injection. */
export const CANARY = '/tmp/drover-injection-canary';

const payloads = [
  `$(touch ${CANARY})`,
  `\`touch ${CANARY}\``,
  `; touch ${CANARY}`,
  `| touch ${CANARY}`,
  `&& touch ${CANARY}`,
  `|| touch ${CANARY}`,
  `& touch ${CANARY} &`,
  `\ntouch ${CANARY}\n`,
  `'; touch ${CANARY}; '`,
  `"; touch ${CANARY}; "`,
  `'"$(touch ${CANARY})"'`,
  `$'\\x27'; touch ${CANARY}`,
  `> ${CANARY}`,
  `>> ${CANARY}`,
  `\${IFS}touch\${IFS}${CANARY}`,
  `-o ${CANARY}`,
  `--output=${CANARY}`,
];

const shellChars = [...`'"\`$(){}[]<>|&;*?~!#\\=%^ \t\n\r-/.,:@+`];
const shellSoup = fc.string({ unit: fc.constantFrom(...shellChars), maxLength: 30 });
const text = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 20 }), shellSoup);

/** One hostile value: never empty, never a NUL (NUL bytes are tested apart), usually short, sometimes very long. */
export const hostileString: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('', '-', '--', '-rf ', '--help ', '*', '~/', '../'),
    text,
    fc.constantFrom(...payloads),
    text,
    fc.oneof({ weight: 20, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }) }),
  )
  .map(([prefix, a, payload, b, longTail]) => `${prefix}${a}${payload}${b}${'ü$(x)'.repeat(longTail / 5)}`.replace(/\0/g, ''))
  .filter((s) => s.length > 0);

/** `count` hostile values, reproducible from `seed`. */
export function hostileSample(count: number, seed: number): string[] {
  return fc.sample(hostileString, { numRuns: count, seed });
}
