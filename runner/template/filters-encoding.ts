// Serialisation, encodings, digests and URLs, as Ansible's filters produce
// them. Errors never show the input text: it may be a secret, and a cut piece
// of a secret is something the output masker cannot recognise.
import { createHash } from 'node:crypto';
import YAML from 'yaml';
import { YAML_OPTIONS } from '../inventory/yamlschema.js';
import { asInt, asText, type Callable, textFilter } from './callables.js';
import { CRYPT_SCHEMES, cryptHash, PASSLIB_SCHEMES, randomSalt, type CryptScheme } from './crypt.js';
import { TemplateError } from './errors.js';
import { pyJson } from './python-json.js';
import { pyYaml } from './python-yaml.js';
import { pyStr } from './python-text.js';
import { isMapping } from './values.js';

const HASHES = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']);
const CRYPT_NAMES: Record<string, CryptScheme> = { sha512: 'sha512', sha256: 'sha256', md5: 'md5', ...PASSLIB_SCHEMES };

function digest(algorithm: string, text: string): string {
  return createHash(algorithm).update(text, 'utf8').digest('hex');
}

/** Where a parser stopped, from its message, without any of the text around it. */
function position(message: string): string {
  const at = /line (\d+),? column (\d+)/.exec(message) ?? /position (\d+)/.exec(message);
  if (at === null) return '';
  return at.length === 3 ? ` at line ${at[1]} column ${at[2]}` : ` at character ${at[1]}`;
}

function parseYaml(name: string, text: string, all: boolean): unknown {
  const docs = YAML.parseAllDocuments(text, YAML_OPTIONS);
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error !== undefined) {
      throw new TemplateError(`filter '${name}' got invalid YAML${position(error.message)} (${text.length} characters; the text is not shown)`);
    }
  }
  const values = list.map((doc) => doc.toJS() as unknown);
  return all ? values : (values[0] ?? null);
}

/** Python's urllib.parse.quote: unreserved characters and `safe` stay, the rest is %XX of UTF-8. */
function urlQuote(text: string, safe: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9_.~-]/.test(c) || safe.includes(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

const formQuote = (value: unknown): string => urlQuote(pyStr(value), '').replace(/%20/g, '+');

/** Python's urllib.parse.urlsplit, with the attributes Ansible's urlsplit filter returns. */
function urlsplit(url: string): Record<string, unknown> {
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(url)!;
  const netloc = m[2] ?? '';
  const at = netloc.lastIndexOf('@');
  const userinfo = at === -1 ? null : netloc.slice(0, at);
  const hostinfo = netloc.slice(at + 1);
  const colon = userinfo?.indexOf(':') ?? -1;
  const hostPort = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostinfo)!;
  const host = hostPort[1]!.replace(/^\[|\]$/g, '').toLowerCase();
  const port = hostPort[2];
  return {
    fragment: m[5] ?? '',
    hostname: host === '' ? null : host,
    netloc,
    password: userinfo === null || colon === -1 ? null : userinfo.slice(colon + 1),
    path: m[3] ?? '',
    port: port !== undefined && /^\d+$/.test(port) ? Number(port) : null,
    query: m[4] ?? '',
    scheme: (m[1] ?? '').toLowerCase(),
    username: userinfo === null ? null : colon === -1 ? userinfo : userinfo.slice(0, colon),
  };
}

export const encodingFilters: Record<string, Callable> = {
  to_json: {
    params: ['value', 'indent?', 'sort_keys?', 'ensure_ascii?'],
    run: ([value, indent, sortKeys, ensureAscii]) =>
      pyJson(value, { indent: indent === undefined ? undefined : asInt("filter 'to_json' indent", indent), sortKeys: sortKeys === true, ensureAscii: ensureAscii !== false }),
  },
  to_nice_json: {
    params: ['value', 'indent?', 'sort_keys?', 'ensure_ascii?'],
    run: ([value, indent = 4, sortKeys, ensureAscii]) =>
      pyJson(value, { indent: asInt("filter 'to_nice_json' indent", indent), sortKeys: sortKeys !== false, ensureAscii: ensureAscii !== false }),
  },
  // Jinja's tojson: sorted keys, and <, >, & and ' escaped so it is safe inside HTML.
  tojson: {
    params: ['value', 'indent?'],
    run: ([value, indent]) =>
      pyJson(value, { indent: indent === undefined ? undefined : asInt("filter 'tojson' indent", indent), sortKeys: true }).replace(
        /[<>&']/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      ),
  },
  to_yaml: {
    params: ['value', 'indent?', 'width?', 'default_flow_style?'],
    run: ([value, indent = 2, width = 80, flowStyle = null]) => {
      if (flowStyle !== null && flowStyle !== false) throw new TemplateError("filter 'to_yaml': default_flow_style must be false or none");
      return pyYaml(value, { indent: asInt("filter 'to_yaml' indent", indent), width: asInt("filter 'to_yaml' width", width), flow: flowStyle });
    },
  },
  to_nice_yaml: {
    params: ['value', 'indent?', 'width?'],
    run: ([value, indent = 4, width = 80]) => pyYaml(value, { indent: asInt("filter 'to_nice_yaml' indent", indent), width: asInt("filter 'to_nice_yaml' width", width), flow: false }),
  },
  from_json: textFilter('from_json', (t) => {
    try {
      return JSON.parse(t) as unknown;
    } catch (error) {
      throw new TemplateError(`filter 'from_json' got invalid JSON${position((error as Error).message)} (${t.length} characters; the text is not shown)`);
    }
  }),
  from_yaml: textFilter('from_yaml', (t) => parseYaml('from_yaml', t, false)),
  from_yaml_all: textFilter('from_yaml_all', (t) => parseYaml('from_yaml_all', t, true)),
  b64encode: textFilter('b64encode', (t) => Buffer.from(t, 'utf8').toString('base64')),
  b64decode: textFilter('b64decode', (t) => {
    const compact = t.replace(/\s/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) {
      throw new TemplateError(`filter 'b64decode' got text that is not base64 (${t.length} characters; the text is not shown)`);
    }
    return Buffer.from(compact, 'base64').toString('utf8');
  }),
  hash: textFilter(
    'hash',
    (t, [algorithm = 'sha1']) => {
      if (typeof algorithm !== 'string' || !HASHES.has(algorithm)) {
        throw new TemplateError(`filter 'hash' knows ${[...HASHES].join(', ')}; got ${JSON.stringify(algorithm)}`);
      }
      return digest(algorithm, t);
    },
    ['algorithm?'],
  ),
  // Ansible's checksum is SHA-1, as stat's and copy's checksum fields.
  checksum: textFilter('checksum', (t) => digest('sha1', t)),
  sha1: textFilter('sha1', (t) => digest('sha1', t)),
  md5: textFilter('md5', (t) => digest('md5', t)),
  password_hash: {
    params: ['value', 'hashtype?', 'salt?', 'salt_size?', 'rounds?', 'ident?'],
    run: ([value, hashtype = 'sha512', salt, saltSize, rounds, ident]) => {
      const scheme = typeof hashtype === 'string' && Object.hasOwn(CRYPT_NAMES, hashtype) ? CRYPT_NAMES[hashtype]! : null;
      if (scheme === null) throw new TemplateError(`filter 'password_hash' knows ${Object.keys(CRYPT_NAMES).join(', ')}; got ${JSON.stringify(hashtype)}`);
      if (saltSize !== undefined || ident !== undefined) throw new TemplateError("filter 'password_hash': salt_size and ident are not supported; give salt instead");
      const saltText = salt === undefined || salt === null ? randomSalt(scheme) : asText("filter 'password_hash' salt", salt);
      if (!/^[./0-9A-Za-z]*$/.test(saltText) || saltText.length > CRYPT_SCHEMES[scheme]) {
        throw new TemplateError(`filter 'password_hash': a ${scheme} salt is up to ${CRYPT_SCHEMES[scheme]} characters of [./0-9A-Za-z]`);
      }
      if (rounds !== undefined && scheme === 'md5') throw new TemplateError("filter 'password_hash': md5 crypt has no rounds");
      const r = rounds === undefined ? undefined : asInt("filter 'password_hash' rounds", rounds);
      return cryptHash(scheme, { password: asText("filter 'password_hash'", value), salt: saltText, rounds: r });
    },
  },
  urlsplit: {
    params: ['value', 'query?'],
    run: ([value, query]) => {
      const parts = urlsplit(asText("filter 'urlsplit'", value));
      if (query === undefined || query === '') return parts;
      const key = asText("filter 'urlsplit' query", query);
      if (!Object.hasOwn(parts, key)) throw new TemplateError(`filter 'urlsplit': unknown URL component '${key}'; use one of ${Object.keys(parts).join(', ')}`);
      return parts[key];
    },
  },
  urlencode: {
    params: ['value'],
    run: ([value]) => {
      if (typeof value === 'string') return urlQuote(value, '/');
      const pairs = isMapping(value) ? Object.entries(value) : Array.isArray(value) ? value.map((p) => (Array.isArray(p) && p.length === 2 ? p : null)) : null;
      if (pairs === null || pairs.includes(null)) throw new TemplateError("filter 'urlencode' needs a string, a dict or a list of pairs");
      return (pairs as [unknown, unknown][]).map(([k, v]) => `${formQuote(k)}=${formQuote(v)}`).join('&');
    },
  },
};
