// Ansible's strftime filter: time.strftime(format, localtime(second)) in the
// C locale, or gmtime with utc=true; no second means now. Directives Python
// leaves to the platform's C library and that drover does not reproduce
// (%Z of local time, %G, %V, %r...) are refused rather than guessed.
import { asText, type Callable } from './callables.js';
import { TemplateError } from './errors.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

interface Parts {
  year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number; yday: number; offset: number;
}

function parts(date: Date, utc: boolean): Parts {
  const get = (local: () => number, universal: () => number): number => (utc ? universal() : local());
  const year = get(() => date.getFullYear(), () => date.getUTCFullYear());
  const month = get(() => date.getMonth(), () => date.getUTCMonth());
  const day = get(() => date.getDate(), () => date.getUTCDate());
  const yday = Math.round((Date.UTC(year, month, day) - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
  return {
    year, month, day, yday,
    hour: get(() => date.getHours(), () => date.getUTCHours()),
    minute: get(() => date.getMinutes(), () => date.getUTCMinutes()),
    second: get(() => date.getSeconds(), () => date.getUTCSeconds()),
    weekday: get(() => date.getDay(), () => date.getUTCDay()),
    offset: utc ? 0 : -date.getTimezoneOffset(),
  };
}

const pad = (n: number, width = 2, fill = '0'): string => String(n).padStart(width, fill);

function directive(code: string, p: Parts, utc: boolean): string {
  const week = (first: number): number => Math.floor((p.yday + 6 - ((p.weekday - first + 7) % 7)) / 7);
  switch (code) {
    case 'a': return DAYS[p.weekday]!.slice(0, 3);
    case 'A': return DAYS[p.weekday]!;
    case 'b': case 'h': return MONTHS[p.month]!.slice(0, 3);
    case 'B': return MONTHS[p.month]!;
    case 'd': return pad(p.day);
    case 'e': return pad(p.day, 2, ' ');
    case 'H': return pad(p.hour);
    case 'I': return pad(p.hour % 12 === 0 ? 12 : p.hour % 12);
    case 'j': return pad(p.yday, 3);
    case 'm': return pad(p.month + 1);
    case 'M': return pad(p.minute);
    case 'p': return p.hour < 12 ? 'AM' : 'PM';
    case 'S': return pad(p.second);
    case 'y': return pad(p.year % 100);
    case 'Y': return String(p.year);
    case 'w': return String(p.weekday);
    case 'U': return pad(week(0));
    case 'W': return pad(week(1));
    case 'z': return `${p.offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(p.offset) / 60))}${pad(Math.abs(p.offset) % 60)}`;
    case 'Z':
      if (utc) return 'GMT';
      throw new TemplateError("filter 'strftime': %Z of local time is not supported; use utc=true or %z");
    case 'c': return `${directive('a', p, utc)} ${directive('b', p, utc)} ${directive('e', p, utc)} ${directive('X', p, utc)} ${p.year}`;
    case 'x': case 'D': return `${directive('m', p, utc)}/${directive('d', p, utc)}/${directive('y', p, utc)}`;
    case 'X': case 'T': return `${directive('H', p, utc)}:${directive('M', p, utc)}:${directive('S', p, utc)}`;
    case 'F': return `${p.year}-${directive('m', p, utc)}-${directive('d', p, utc)}`;
    case 'R': return `${directive('H', p, utc)}:${directive('M', p, utc)}`;
    case 'n': return '\n';
    case 't': return '\t';
    case '%': return '%';
    case 'C': return pad(Math.floor(p.year / 100));
    case 'k': return pad(p.hour, 2, ' ');
    case 'l': return pad(p.hour % 12 === 0 ? 12 : p.hour % 12, 2, ' ');
    case 'P': return p.hour < 12 ? 'am' : 'pm';
    case 'u': return String(p.weekday === 0 ? 7 : p.weekday);
    default:
      // The C library writes a directive it does not know as it is; the ones it knows and drover does not are refused.
      if ('gGVrsEO+'.includes(code)) throw new TemplateError(`filter 'strftime': the directive %${code} is not supported`);
      return `%${code}`;
  }
}

export const timeFilters: Record<string, Callable> = {
  strftime: {
    params: ['value', 'second?', 'utc?'],
    run: ([format, second, utc]) => {
      const seconds = second === undefined || second === null ? Date.now() / 1000 : Number(second);
      if (typeof second === 'boolean' || Number.isNaN(seconds)) throw new TemplateError("filter 'strftime': invalid value for the epoch seconds");
      const p = parts(new Date(Math.floor(seconds) * 1000), utc === true);
      return asText("filter 'strftime'", format).replace(/%(.?)/g, (_, code: string) => {
        if (code === '') throw new TemplateError("filter 'strftime': a format ends with a lone %");
        return directive(code, p, utc === true);
      });
    },
  },
};

/**
 * Ansible's now(utc=False, fmt=None) with a format: datetime.strftime of the
 * current time, which also knows %f (microseconds) and, from the C library,
 * %s (epoch seconds of the fields read as local time, as mktime does). Without
 * a format Ansible returns a Python datetime object, which drover has no
 * counterpart for: that is refused.
 */
export const now: Callable = {
  params: ['utc?', 'fmt?'],
  run: ([utc, fmt]) => {
    if (fmt === undefined || fmt === null) throw new TemplateError("now() without fmt returns a Python datetime object, which drover does not have; give the format, e.g. now(fmt='%Y-%m-%d %H:%M:%S')");
    const date = new Date();
    const asUtc = utc === true;
    const p = parts(date, asUtc);
    return asText('now() fmt', fmt).replace(/%(.?)/g, (_, code: string) => {
      if (code === '') throw new TemplateError('now(): a format ends with a lone %');
      if (code === 'f') return pad(date.getMilliseconds() * 1000, 6);
      if (code === 's') return String(Math.floor((Date.UTC(p.year, p.month, p.day, p.hour, p.minute, p.second) / 1000) - -date.getTimezoneOffset() * 60));
      return directive(code, p, asUtc);
    });
  },
};
