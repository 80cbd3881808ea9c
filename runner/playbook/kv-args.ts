// `key=value` module arguments, parsed exactly as ansible-core 2.14 does
// (ansible/parsing/splitter.py: split_args, parse_kv; quoting.py: unquote):
// words split on spaces but kept whole inside quotes and `{{ }}`, `{% %}`,
// `{# #}`; `\n`-style escapes decoded in key=value words; one pair of
// surrounding quotes removed from values. Parsing happens before templating,
// as in Ansible, so `msg="{{ a }} b"` stays one value.

/** Options a free-form module (command, shell...) takes out of its string; other words stay the command. */
export const FREE_FORM_OPTIONS: ReadonlySet<string> = new Set(['creates', 'removes', 'chdir', 'executable', 'warn', 'stdin', 'stdin_add_newline', 'strip_empty_ends']);

/** Ansible's MODULE_REQUIRE_ARGS: modules whose string value is a command line. */
export const FREE_FORM_MODULES: ReadonlySet<string> = new Set(['command', 'shell', 'raw', 'script']);

export class ArgsSyntaxError extends Error {}

function quoteState(token: string, quote: string | null): string | null {
  for (let i = 0; i < token.length; i++) {
    const c = token[i]!;
    if ((c === '"' || c === "'") && (i === 0 || token[i - 1] !== '\\')) {
      if (quote === null) quote = c;
      else if (c === quote) quote = null;
    }
  }
  return quote;
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

function depthAfter(token: string, depth: number, open: string, close: string): number {
  const opened = count(token, open);
  const closed = count(token, close);
  return opened === closed ? depth : Math.max(0, depth + opened - closed);
}

/** Ansible fails (IndexError) where there is no word yet to extend: "  a=b", a leading newline. */
function appendToLast(params: string[], text: string, args: string): void {
  if (params.length === 0) throw new ArgsSyntaxError(`cannot split the arguments (leading spaces or newline): ${JSON.stringify(args)}`);
  params[params.length - 1] += text;
}

/** split_args: words, with quoted strings and Jinja blocks kept whole (spaces and newlines preserved). */
export function splitArgs(args: string): string[] {
  const params: string[] = [];
  const lines = args.split('\n');
  let quote: string | null = null;
  let inside = false;
  const depth = { print: 0, block: 0, comment: 0 };
  const inJinja = () => depth.print > 0 || depth.block > 0 || depth.comment > 0;
  lines.forEach((line, lineIndex) => {
    const tokens = line.split(' ');
    let continuation = false;
    tokens.forEach((token, index) => {
      if (token.length === 0 && index !== 0) {
        appendToLast(params, ' ', args);
        return;
      }
      if (token === '\\' && !inside) {
        continuation = true;
        return;
      }
      const wasInside = inside;
      quote = quoteState(token, quote);
      inside = quote !== null;
      let appended = false;
      if (inside && !wasInside && !inJinja()) {
        params.push(token);
        appended = true;
      } else if (inJinja() || inside || wasInside) {
        if (index === 0 && wasInside) appendToLast(params, token, args);
        else if (tokens.length > 1) appendToLast(params, (index > 0 ? ' ' : '') + token, args);
        else appendToLast(params, `\n${token}`, args);
        appended = true;
      }
      for (const [kind, open, close] of [['print', '{{', '}}'], ['block', '{%', '%}'], ['comment', '{#', '#}']] as const) {
        const before = depth[kind];
        depth[kind] = depthAfter(token, before, open, close);
        if (depth[kind] !== before && !appended) {
          params.push(token);
          appended = true;
        }
      }
      if (!inJinja() && !inside && !appended && token !== '') params.push(token);
    });
    if (lines.length > 1 && lineIndex !== lines.length - 1 && !continuation) appendToLast(params, '\n', args);
  });
  if (inJinja() || inside) throw new ArgsSyntaxError(`unbalanced quotes or Jinja braces in: ${args}`);
  return params;
}

const ESCAPE = /\\U[0-9a-fA-F]{8}|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\N\{[^}]+\}|\\[\\'"abfnrtv]/g;
const SIMPLE: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Python's unicode-escape decoding of the escapes Ansible recognises (\N{name} is refused: no name table here). */
function decodeEscapes(text: string): string {
  return text.replace(ESCAPE, (m) => {
    if (m[1] === 'N') throw new ArgsSyntaxError(`the escape ${m} (a Unicode character by name) is not supported: write the character itself`);
    if (m.length === 2) return SIMPLE[m[1]!]!;
    return String.fromCodePoint(parseInt(m.slice(2), 16));
  });
}

function unquote(value: string): string {
  const quoted = value.length > 1 && value[0] === value.at(-1) && (value[0] === '"' || value[0] === "'") && value.at(-2) !== '\\';
  return quoted ? value.slice(1, -1) : value;
}

/** join_args: the words again, with their original newlines. */
function joinArgs(words: string[]): string {
  let result = '';
  for (const word of words) result += result.length === 0 || result.endsWith('\n') ? word : ` ${word}`;
  return result;
}

/**
 * parse_kv: `a=1 b="x y"` -> { a: '1', b: 'x y' }. With `freeForm`, only
 * FREE_FORM_OPTIONS are taken out and every other word is `_raw_params`;
 * without it, words lacking `=` are `_raw_params` too (the caller decides
 * whether the module allows them).
 */
export function parseKv(args: string, options: { freeForm?: boolean } = {}): Record<string, string> {
  const result: Record<string, string> = {};
  const raw: string[] = [];
  for (const original of splitArgs(args)) {
    const word = decodeEscapes(original);
    // The first '=' not preceded by a backslash (and not at position 0) splits key from value.
    let at = -1;
    for (let i = word.indexOf('=', 1); i !== -1; i = word.indexOf('=', i + 1)) {
      if (word[i - 1] !== '\\') {
        at = i;
        break;
      }
    }
    if (!word.includes('=')) raw.push(original);
    else if (at === -1) raw.push(word.replace(/\\=/g, '='));
    else {
      const key = word.slice(0, at);
      if (options.freeForm && !FREE_FORM_OPTIONS.has(key)) raw.push(original);
      else Object.defineProperty(result, key.trim(), { value: unquote(word.slice(at + 1).trim()), enumerable: true, writable: true, configurable: true });
    }
  }
  if (raw.length > 0) result._raw_params = joinArgs(raw);
  return result;
}
