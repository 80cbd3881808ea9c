// Sizes as people write them in playbooks ('10G', '500M', '1.5T', 4096) and
// back: binary units (1024), the way setquota, xfs_quota and zfs count.
// Comparisons happen on whole numbers of bytes, never on strings.

const UNITS = ['', 'K', 'M', 'G', 'T', 'P'] as const;

/** Bytes for '10G', '10GiB', '10gb', '1.5T', '0', or a number (already bytes). */
export function parseSize(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`size ${value} is not a whole number of bytes`);
    return value;
  }
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgtp]?)(?:i?b)?\s*$/i.exec(value);
  if (!m) throw new Error(`size ${JSON.stringify(value)} is not a size like 10G, 500M or 4096`);
  const power = UNITS.indexOf((m[2] ?? '').toUpperCase() as (typeof UNITS)[number]);
  const bytes = Math.ceil(Number(m[1]) * 1024 ** power);
  if (!Number.isSafeInteger(bytes)) throw new Error(`size ${JSON.stringify(value)} is too large`);
  return bytes;
}

/** The shortest exact spelling: 10737418240 -> '10G', 1536 -> '1536' (1.5K is not exact in whole K). */
export function formatSize(bytes: number): string {
  let power = 0;
  while (power < UNITS.length - 1 && bytes !== 0 && bytes % 1024 ** (power + 1) === 0) power++;
  return `${bytes / 1024 ** power}${UNITS[power]}`;
}

/** Whole KiB, rounded up: the block unit of setquota and repquota. */
export function toKiB(bytes: number): number {
  return Math.ceil(bytes / 1024);
}

/** The JSON Schema of a size parameter. */
export const sizeSchema = {
  type: ['string', 'integer'],
  pattern: '^\\s*[0-9]+(\\.[0-9]+)?\\s*([kKmMgGtTpP]?)([iI]?[bB])?\\s*$',
  minimum: 0,
  description: "A size in bytes, or with a binary unit: '10G' (10 GiB), '500M', '1.5T'; 0 means no limit.",
} as const;
