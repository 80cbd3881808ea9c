// Finding where a `{{ ... }}` ends. A plain search for `}}` would cut
// `{{ {'a': {'b': 1}} }}` or `{{ x | default('}}') }}` short, so strings and
// brackets are skipped, as Jinja's lexer does.

/** Offset of the `}}` that closes a mustache whose content starts at `from`; -1 if none. */
export function findClose(text: string, from: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === '}' && text[i + 1] === '}' && depth === 0) {
      return i;
    } else if (c === ')' || c === ']' || c === '}') {
      depth = Math.max(0, depth - 1);
    }
  }
  // Unbalanced quotes or brackets: fall back to the first `}}` and let the parsers report.
  return text.indexOf('}}', from);
}

/** `{{ expr }}` -> `expr` when the whole text is one mustache (Ansible allows it in `when`). */
export function stripBraces(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{{') || !trimmed.endsWith('}}')) return text;
  const close = findClose(trimmed, 2);
  return close === trimmed.length - 2 ? trimmed.slice(2, close) : text;
}
