// Ansible's `!unsafe` YAML tag: a string that is never templated. drover's
// values are plain strings, so the loaders turn such text into a template
// that renders to exactly that text (a `{% raw %}` block), wherever and
// however often it is rendered. Text without a template start stays as it is.

const ENDRAW = /\{%[-+]?\s*endraw\s*[-+]?%\}/g;

/** A template whose rendering is `text`, character for character. */
export function unsafeText(text: string): string {
  if (!text.includes('{{') && !text.includes('{%') && !text.includes('{#')) return text;
  // An `{% endraw %}` inside the text cannot sit in a raw block: it is written as a string expression between two blocks.
  const pieces = text.split(ENDRAW);
  const tags = text.match(ENDRAW) ?? [];
  return pieces.map((piece, i) => (piece === '' ? '' : `{% raw %}${piece}{% endraw %}`) + (i < tags.length ? `{{ '${tags[i]!.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}' }}` : '')).join('');
}
