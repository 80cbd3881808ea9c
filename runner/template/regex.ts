// Regular expressions written for Ansible (Python `re`) run here on the
// JavaScript engine. The common Python spellings are translated; the engine
// backtracks, so sizes are bounded: a pattern from a playbook and text from a
// host must not be able to stall a run of a thousand hosts for long.
import { TemplateError } from './errors.js';
import { aType } from './values.js';

export const MAX_PATTERN_LENGTH = 1_000;
export const MAX_INPUT_LENGTH = 100_000;

export interface RegexOptions {
  ignorecase?: unknown;
  multiline?: unknown;
  global?: boolean;
  /** Match only at the start, as Python's re.match. */
  sticky?: boolean;
}

const cache = new Map<string, RegExp>();

/** A JavaScript RegExp for a Python-style pattern; errors name the pattern. */
export function compileRegex(pattern: unknown, options: RegexOptions = {}): RegExp {
  if (typeof pattern !== 'string') throw new TemplateError(`a regular expression must be a string, got ${JSON.stringify(pattern)}`);
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new TemplateError(`regular expression longer than ${MAX_PATTERN_LENGTH} characters`);
  }
  let source = pattern;
  let flags = (options.global === true ? 'g' : '') + (options.sticky === true ? 'y' : '');
  // Python's leading inline flags: (?i), (?m), (?s), (?im)...
  const inline = /^\(\?([ims]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    flags += [...new Set(inline[1])].join('');
  }
  if (options.ignorecase === true && !flags.includes('i')) flags += 'i';
  if (options.multiline === true && !flags.includes('m')) flags += 'm';
  source = source
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$');
  const key = `${flags}/${source}`;
  let regex = cache.get(key);
  if (regex === undefined) {
    try {
      regex = new RegExp(source, flags);
    } catch (error) {
      throw new TemplateError(`invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`);
    }
    if (cache.size > 500) cache.clear();
    cache.set(key, regex);
  }
  regex.lastIndex = 0;
  return regex;
}

/** Refuse text too long to match safely with a backtracking engine. */
export function regexInput(value: unknown, filter: string): string {
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;
  if (text === null) throw new TemplateError(`${filter} needs a string, got ${aType(value)}`);
  if (text.length > MAX_INPUT_LENGTH) {
    throw new TemplateError(`${filter}: text of ${text.length} characters is longer than the ${MAX_INPUT_LENGTH} allowed for regular expressions`);
  }
  return text;
}

/** Python's replacement syntax (\1, \g<1>, \g<name>) in JavaScript's ($1, $<name>). */
export function pythonReplacement(replacement: string): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    const rest = replacement.slice(i);
    const group = /^\\(\d{1,2})/.exec(rest) ?? /^\\g<(\d+)>/.exec(rest);
    const named = /^\\g<([A-Za-z_]\w*)>/.exec(rest);
    if (group) {
      out += `$${group[1]}`;
      i += group[0].length - 1;
    } else if (named) {
      out += `$<${named[1]}>`;
      i += named[0].length - 1;
    } else if (c === '\\' && replacement[i + 1] === '\\') {
      out += '\\';
      i++;
    } else {
      out += c === '$' ? '$$' : c;
    }
  }
  return out;
}
