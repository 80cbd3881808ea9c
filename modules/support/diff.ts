// Before/after text for --diff. Binary content is summarised, never dumped.
import type { DiffEntry } from '../../runner/module-api.js';

function asText(content: Buffer | string | null): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content.includes(0) ? `(binary, ${content.length} bytes)\n` : content.toString('utf8');
}

export function textDiff(label: string, before: Buffer | string | null, after: Buffer | string | null): DiffEntry {
  return { label, before: asText(before), after: asText(after) };
}
