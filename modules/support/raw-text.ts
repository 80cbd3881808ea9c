// File bytes as a string that round-trips every byte, like Python's
// surrogateescape (what Ansible's to_text does with file content): valid UTF-8
// decodes as usual, so module edits and playbook values (UTF-8 strings) mix
// freely, and each byte that is not part of valid UTF-8 becomes the lone
// surrogate U+DC80-U+DCFF and turns back into that byte on the way out.
// Lines a module does not touch thus keep their bytes exactly.

/** Length of the valid UTF-8 sequence starting at i, or 0 (Unicode Table 3-7: no overlongs, surrogates or > U+10FFFF). */
function sequenceLength(buf: Buffer, i: number): number {
  const b = buf[i]!;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < buf.length && buf[i + k]! >= lo && buf[i + k]! <= hi;
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const [lo, hi] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const [lo, hi] = b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

export function bytesToText(buf: Buffer): string {
  let text = '';
  let start = 0;
  let i = 0;
  while (i < buf.length) {
    const n = sequenceLength(buf, i);
    if (n > 0) {
      i += n;
      continue;
    }
    text += buf.toString('utf8', start, i) + String.fromCharCode(0xdc00 + buf[i]!);
    start = ++i;
  }
  return text + buf.toString('utf8', start);
}

/** Lone U+DC80-U+DCFF only: with the u flag a surrogate pair is one code point and never matches. */
const ESCAPED = /[\uDC80-\uDCFF]+/gu;

export function textToBytes(text: string): Buffer {
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of text.matchAll(ESCAPED)) {
    parts.push(Buffer.from(text.slice(last, m.index), 'utf8'), Buffer.from(Array.from(m[0], (c) => c.charCodeAt(0) - 0xdc00)));
    last = m.index + m[0].length;
  }
  parts.push(Buffer.from(text.slice(last), 'utf8'));
  return Buffer.concat(parts);
}
