// Jinja's and Ansible's text layout filters: comment, indent, wordwrap,
// center, truncate, capitalize, title, wordcount; the same output as
// Python's textwrap and str methods.
import { asInt, asText, textFilter, type Callable } from './callables.js';
import { TemplateError } from './errors.js';
import { pyCenter, pySplitlines } from './python-text.js';

const COMMENT_STYLES: Record<string, Record<string, string>> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
};
const COMMENT_OPTIONS = ['newline', 'beginning', 'prefix', 'prefix_count', 'decoration', 'postfix', 'postfix_count', 'end'];

/** Ansible's comment filter, step by step as its Python composes the string. */
function comment(text: string, style: string, options: Record<string, unknown>): string {
  const styleParams = COMMENT_STYLES[style];
  if (styleParams === undefined) throw new TemplateError(`filter 'comment' knows the styles ${Object.keys(COMMENT_STYLES).join(', ')}`);
  const prepostfix = String(options['decoration'] ?? styleParams['decoration']).trimEnd();
  const p: Record<string, unknown> = { newline: '\n', beginning: '', prefix: prepostfix, prefix_count: 1, decoration: '', postfix: prepostfix, postfix_count: 1, end: '', ...styleParams, ...options };
  const s = (k: string): string => asText(`filter 'comment' ${k}`, p[k]);
  const n = (k: string): number => asInt(`filter 'comment' ${k}`, p[k]);
  const [newline, decoration] = [s('newline'), s('decoration')];
  const beginning = s('beginning') === '' ? '' : s('beginning') + newline;
  const prefix = s('prefix') === '' ? '' : (s('prefix') === newline ? newline : s('prefix') + newline).repeat(Math.max(0, n('prefix_count')));
  const body = (decoration + text.split(newline).join(newline + decoration)).split(decoration + newline).join(decoration.trimEnd() + newline);
  const postfix = ['', ...Array<string>(Math.max(0, n('postfix_count'))).fill(s('postfix'))].join(newline);
  const end = s('end') === '' ? '' : newline + s('end');
  return beginning + prefix + body + postfix + end;
}

function indent(text: string, width: unknown, first: boolean, blank: boolean): string {
  const pad = typeof width === 'string' ? width : ' '.repeat(asInt("filter 'indent' width", width));
  const lines = pySplitlines(`${text}\n`);
  let out: string;
  if (blank) out = lines.join(`\n${pad}`);
  else out = [lines[0] ?? '', ...lines.slice(1).map((line) => (line === '' ? line : pad + line))].join('\n');
  return first ? pad + out : out;
}

/** Python's textwrap.wrap with expand_tabs and replace_whitespace off, as Jinja's wordwrap calls it. */
function wrapLine(line: string, width: number, breakLong: boolean, onHyphens: boolean): string[] {
  const words = onHyphens ? /\s+|[^\s-]+-+(?=[^\s-])|[^\s]+?(?=\s|$|[^\s-]+-)|\S+/g : /\s+|\S+/g;
  const chunks = (line.match(words) ?? []).reverse();
  const lines: string[] = [];
  while (chunks.length > 0) {
    const current: string[] = [];
    let length = 0;
    if (chunks.at(-1)!.trim() === '' && lines.length > 0) chunks.pop();
    while (chunks.length > 0 && length + chunks.at(-1)!.length <= width) {
      length += chunks.at(-1)!.length;
      current.push(chunks.pop()!);
    }
    if (chunks.length > 0 && chunks.at(-1)!.length > width) {
      const room = Math.max(width - length, 1);
      if (breakLong) {
        const long = chunks.pop()!;
        current.push(long.slice(0, room));
        chunks.push(long.slice(room));
      } else if (current.length === 0) {
        current.push(chunks.pop()!);
      }
    }
    if (current.length > 0 && current.at(-1)!.trim() === '') current.pop();
    if (current.length > 0) lines.push(current.join(''));
  }
  return lines;
}

/** textFilter with the parameter names first, which reads better for the long ones here. */
const text = (name: string, params: string[], run: (text: string, args: unknown[]) => unknown): Callable => textFilter(name, run, params);

export const stringFilters: Record<string, Callable> = {
  comment: {
    params: ['value', 'style?', ...COMMENT_OPTIONS.map((o) => `${o}?`)],
    run: ([value, style = 'plain', ...rest]) => {
      const options: Record<string, unknown> = {};
      COMMENT_OPTIONS.forEach((name, i) => {
        if (rest[i] !== undefined) options[name] = rest[i];
      });
      return comment(asText("filter 'comment'", value), asText("filter 'comment' style", style), options);
    },
  },
  indent: text('indent', ['width?', 'first?', 'blank?'], (t, [width = 4, first, blank]) => indent(t, width, first === true, blank === true)),
  wordwrap: text('wordwrap', ['width?', 'break_long_words?', 'wrapstring?', 'break_on_hyphens?'], (t, [width = 79, breakLong, wrapstring = '\n', hyphens]) => {
    const w = asInt("filter 'wordwrap' width", width);
    const sep = asText("filter 'wordwrap' wrapstring", wrapstring);
    return pySplitlines(t).map((line) => wrapLine(line, w, breakLong !== false, hyphens !== false).join(sep)).join(sep);
  }),
  center: text('center', ['width?'], (t, [width = 80]) => pyCenter(t, asInt("filter 'center' width", width))),
  truncate: text('truncate', ['length?', 'killwords?', 'end?', 'leeway?'], (t, [length = 255, killwords, end = '...', leeway = 5]) => {
    const [n, tail, slack] = [asInt("filter 'truncate' length", length), asText("filter 'truncate' end", end), asInt("filter 'truncate' leeway", leeway)];
    if (n < tail.length) throw new TemplateError("filter 'truncate': length must be at least the length of end");
    if (t.length <= n + slack) return t;
    if (killwords === true) return t.slice(0, n - tail.length) + tail;
    const cut = t.slice(0, n - tail.length);
    const space = cut.lastIndexOf(' ');
    return (space === -1 ? cut : cut.slice(0, space)) + tail;
  }),
  capitalize: text('capitalize', [], (t) => t.slice(0, 1).toUpperCase() + t.slice(1).toLowerCase()),
  title: text('title', [], (t) =>
    t
      .split(/([-\s({[<]+)/)
      .filter((part) => part !== '')
      .map((part) => part.slice(0, 1).toUpperCase() + part.slice(1).toLowerCase())
      .join(''),
  ),
  wordcount: text('wordcount', [], (t) => (t.match(/[\p{L}\p{N}_]+/gu) ?? []).length),
};

