// The regular-expression filters, as Ansible's (Python `re`) behave:
// regex_search with group arguments returns the list of those groups,
// regex_findall returns groups (or tuples of them) when the pattern has any.
import { asText, type Callable } from './callables.js';
import { TemplateError } from './errors.js';
import { compileRegex, pythonReplacement, regexInput } from './regex.js';

/** `\1` or `\g<name>` arguments of regex_search: which groups to return. */
function groupRefs(args: unknown[]): (number | string)[] {
  return args.map((arg) => {
    const text = asText("filter 'regex_search' group", arg);
    const named = /^\\g<(\S+)>/.exec(text);
    if (named) return /^\d+$/.test(named[1]!) ? Number(named[1]) : named[1]!;
    const numbered = /^\\(\d+)/.exec(text);
    if (numbered) return Number(numbered[1]);
    throw new TemplateError(`filter 'regex_search': unknown argument ${JSON.stringify(text)}; give groups as '\\1' or '\\g<name>'`);
  });
}

function group(match: RegExpExecArray, ref: number | string): string | null {
  const value = typeof ref === 'number' ? match[ref] : match.groups?.[ref];
  if (typeof ref === 'number' && ref >= match.length) throw new TemplateError(`filter 'regex_search': no group ${ref} in the pattern`);
  if (typeof ref === 'string' && (match.groups === undefined || !Object.hasOwn(match.groups, ref))) {
    throw new TemplateError(`filter 'regex_search': no group named '${ref}' in the pattern`);
  }
  return value ?? null;
}

/** Python's re.escape: the characters that are special in a pattern, and whitespace. */
const PYTHON_SPECIAL = /[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g;

export const regexFilters: Record<string, Callable> = {
  regex_replace: {
    params: ['value', 'pattern', 'replacement?', 'ignorecase?', 'multiline?'],
    run: ([value, pattern, replacement = '', ignorecase, multiline]) => {
      const text = regexInput(value, "filter 'regex_replace'");
      const regex = compileRegex(pattern, { ignorecase, multiline, global: true });
      return text.replace(regex, pythonReplacement(asText("filter 'regex_replace' replacement", replacement)));
    },
  },
  regex_search: {
    params: ['value', 'pattern', '...groups', 'ignorecase?', 'multiline?'],
    run: ([value, pattern, groups, ignorecase, multiline]) => {
      const refs = groupRefs(groups as unknown[]);
      const match = compileRegex(pattern, { ignorecase, multiline }).exec(regexInput(value, "filter 'regex_search'"));
      if (match === null) return null;
      return refs.length === 0 ? match[0] : refs.map((ref) => group(match, ref));
    },
  },
  regex_findall: {
    params: ['value', 'pattern', 'multiline?', 'ignorecase?'],
    run: ([value, pattern, multiline, ignorecase]) => {
      const regex = compileRegex(pattern, { ignorecase, multiline, global: true });
      return [...regexInput(value, "filter 'regex_findall'").matchAll(regex)].map((m) => {
        const groups = m.slice(1).map((g) => g ?? '');
        return groups.length === 0 ? m[0] : groups.length === 1 ? groups[0] : groups;
      });
    },
  },
  regex_escape: {
    params: ['value', 're_type?'],
    run: ([value, type = 'python']) => {
      const text = asText("filter 'regex_escape'", value);
      if (type === 'python') return text.replace(PYTHON_SPECIAL, (c) => `\\${c}`);
      if (type === 'posix_basic') return text.replace(/[\].[^$*\\]/g, (c) => `\\${c}`);
      throw new TemplateError(`filter 'regex_escape' knows re_type 'python' and 'posix_basic', got ${JSON.stringify(type)}`);
    },
  },
};
