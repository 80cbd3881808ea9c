// Playbooks carry Python regular expressions (lineinfile's regexp,
// insertafter/insertbefore, blockinfile's insertafter). JavaScript's syntax is
// close but not equal, so patterns are translated, not passed through:
//   (?P<n>..) (?P=n)  named groups          \A \Z  start / very end
//   (?imsx) leading inline flags           (?#..) comments
//   .  never matches '\n' (Python), but does match '\r' (JavaScript's does not)
//   ^ $  Python's anchors: $ also matches before a final '\n'; with (?m)
//        they work at '\n' only, not at '\r' or U+2028 as JavaScript's do.
// Ansible matches bytes, not text: callers hand in "byte strings" (latin1
// decoding of the raw bytes, one char per byte; see toBytes) for both the
// pattern and the subject, so '.' matches one byte as in Python.
import { ModuleFailure } from '../../runner/module-api.js';

/** A compiled Python pattern; `multiline` says whether (?m) was given. */
export interface PyRegex {
  regex: RegExp;
  multiline: boolean;
}

/** UTF-8 text as a byte string: each char is one byte (what Ansible's to_bytes gives). */
export function toBytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
}

function translate(pattern: string, flags: Flags, found: Flags): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      i++;
      if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && next === 'Z') out += '(?![\\s\\S])';
      else out += c + next;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (pattern[i + 1] === '^') out += pattern[++i];
      // Python takes a ']' right after '[' or '[^' literally; JavaScript would read '[]' as an empty class.
      if (pattern[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '.') out += flags.s ? '[\\s\\S]' : '[^\\n]';
    else if (c === '$') out += flags.m ? '(?=\\n|(?![\\s\\S]))' : '(?=\\n?(?![\\s\\S]))';
    else if (c === '^') out += flags.m ? '(?:(?<![\\s\\S])|(?<=\\n))' : '(?<![\\s\\S])';
    else if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i);
      let m: RegExpExecArray | null;
      if (rest.startsWith('(?P<')) {
        out += '(?<';
        i += 3;
      } else if ((m = /^\(\?P=(\w+)\)/.exec(rest))) {
        out += `\\k<${m[1]}>`;
        i += m[0].length - 1;
      } else if ((m = /^\(\?#[^)]*\)/.exec(rest))) {
        i += m[0].length - 1;
      } else if ((m = /^\(\?([aiLmsux]+)\)/.exec(rest))) {
        if (m[1]!.includes('x')) throw new ModuleFailure(`the verbose flag (?x) is not supported in ${JSON.stringify(pattern)}`);
        for (const f of m[1]!) if (f === 'i' || f === 'm' || f === 's') found[f] = true;
        i += m[0].length - 1;
      } else if (/^\(\?[aiLmsux-]+:/.test(rest)) {
        throw new ModuleFailure(`scoped flags like (?i:...) are not supported in ${JSON.stringify(pattern)}; put the flag at the start: (?i)`);
      } else out += c;
    } else out += c;
  }
  return out;
}

/** Compile a Python pattern (given as a byte string) into an equivalent JavaScript RegExp. */
export function compilePython(pattern: string, what: string): PyRegex {
  const none = (): Flags => ({ i: false, m: false, s: false });
  // Inline flags apply to the whole pattern wherever they stand, and change
  // how '.', '^' and '$' translate: a first pass finds them.
  const found = none();
  let source = translate(pattern, none(), found);
  if (found.m || found.s) source = translate(pattern, found, none());
  try {
    return { regex: new RegExp(source, found.i ? 'i' : ''), multiline: found.m };
  } catch (e) {
    throw new ModuleFailure(`${what} ${JSON.stringify(Buffer.from(pattern, 'latin1').toString('utf8'))} is not a valid regular expression: ${(e as Error).message}`);
  }
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** Python's match.expand(template): \1, \g<1>, \g<name> and the usual escapes. */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  const group = (ref: string): string => {
    const value = /^\d+$/.test(ref) ? (Number(ref) < match.length ? match[Number(ref)] : null) : match.groups && ref in match.groups ? match.groups[ref] : null;
    if (value === null) throw new ModuleFailure(`invalid group reference ${ref} in ${JSON.stringify(template)}`);
    return value ?? '';
  };
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '\\' || i === template.length - 1) {
      out += c;
      continue;
    }
    const next = template[i + 1]!;
    const rest = template.slice(i + 1);
    let m: RegExpExecArray | null;
    if ((m = /^g<([^>]*)>/.exec(rest))) {
      out += group(m[1]!);
      i += m[0].length;
    } else if ((m = /^(0[0-7]{0,2}|[0-7]{3})/.exec(rest))) {
      out += String.fromCharCode(parseInt(m[1]!, 8));
      i += m[0].length;
    } else if ((m = /^\d{1,2}/.exec(rest))) {
      out += group(m[0]);
      i += m[0].length;
    } else if (next in ESCAPES) {
      out += ESCAPES[next];
      i++;
    } else if (/[A-Za-z]/.test(next)) {
      throw new ModuleFailure(`bad escape \\${next} in ${JSON.stringify(template)}`);
    } else {
      // Python keeps unknown non-letter escapes as they are, backslash included.
      out += c + next;
      i++;
    }
  }
  return out;
}
