// A small XML reader and writer for libvirt's definitions (domains, networks,
// pools). libvirt's XML is plain: elements, attributes, text, comments and the
// five predefined entities; no DTDs, namespaces matter only as prefixes. A
// dependency-free parser keeps the module bundle small and its behaviour ours.

/** One XML element; `text` is its trimmed character data (mixed content is not used by libvirt). */
export interface XmlElement {
  tag: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export class XmlError extends Error {
  constructor(message: string, offset: number, source: string) {
    const line = source.slice(0, offset).split('\n').length;
    super(`invalid XML at line ${line}: ${message}`);
    this.name = 'XmlError';
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return ENTITIES[name] ?? whole;
  });
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ATTR = /\s+([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)')/y;

/** Parse one document and return its root element. */
export function parseXml(source: string): XmlElement {
  let pos = 0;
  const fail = (message: string): never => {
    throw new XmlError(message, pos, source);
  };
  const skipMisc = (): void => {
    for (;;) {
      const ws = /\s*/y;
      ws.lastIndex = pos;
      ws.exec(source);
      pos = ws.lastIndex;
      const end = source.startsWith('<?', pos) ? source.indexOf('?>', pos) + 2 : source.startsWith('<!--', pos) ? source.indexOf('-->', pos) + 3 : -1;
      if (end === -1) return;
      if (end < 2) fail('unterminated comment or declaration');
      pos = end;
    }
  };
  const element = (): XmlElement => {
    if (source[pos] !== '<') fail('expected an element');
    pos++;
    NAME.lastIndex = pos;
    const tag = NAME.exec(source)?.[0] ?? fail('expected an element name');
    pos = NAME.lastIndex;
    const attrs: Record<string, string> = {};
    for (;;) {
      ATTR.lastIndex = pos;
      const m = ATTR.exec(source);
      if (!m) break;
      attrs[m[1] as string] = decode(m[3] ?? m[4] ?? '');
      pos = ATTR.lastIndex;
    }
    while (/\s/.test(source[pos] ?? '')) pos++;
    const node: XmlElement = { tag, attrs, children: [], text: '' };
    if (source.startsWith('/>', pos)) {
      pos += 2;
      return node;
    }
    if (source[pos] !== '>') fail(`malformed start tag <${tag}>`);
    pos++;
    let text = '';
    for (;;) {
      if (pos >= source.length) fail(`<${tag}> is not closed`);
      if (source.startsWith('</', pos)) {
        const close = `</${tag}`;
        if (!source.startsWith(close, pos)) fail(`expected ${close}>`);
        pos = source.indexOf('>', pos) + 1;
        node.text = decode(text).trim();
        return node;
      }
      if (source.startsWith('<!--', pos)) {
        const end = source.indexOf('-->', pos);
        if (end === -1) fail('unterminated comment');
        pos = end + 3;
      } else if (source.startsWith('<![CDATA[', pos)) {
        const end = source.indexOf(']]>', pos);
        if (end === -1) fail('unterminated CDATA');
        text += source.slice(pos + 9, end).replace(/&/g, '&amp;').replace(/</g, '&lt;');
        pos = end + 3;
      } else if (source[pos] === '<') {
        node.children.push(element());
      } else {
        const next = source.indexOf('<', pos);
        text += source.slice(pos, next === -1 ? source.length : next);
        pos = next === -1 ? source.length : next;
      }
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (pos < source.length) fail('content after the root element');
  return root;
}

/** Indented XML, attributes in their given order, single quotes as libvirt writes them. */
export function serializeXml(node: XmlElement, indent = ''): string {
  const attrs = Object.entries(node.attrs)
    .map(([k, v]) => ` ${k}='${escapeXml(v)}'`)
    .join('');
  const open = `${indent}<${node.tag}${attrs}`;
  if (node.children.length === 0) return node.text === '' ? `${open}/>\n` : `${open}>${escapeXml(node.text)}</${node.tag}>\n`;
  const inner = node.children.map((c) => serializeXml(c, `${indent}  `)).join('');
  const text = node.text === '' ? '' : `${indent}  ${escapeXml(node.text)}\n`;
  return `${open}>\n${text}${inner}${indent}</${node.tag}>\n`;
}

/** Build an element: el('source', { network: 'default' }), el('name', {}, 'vm1'), el('os', {}, [children]). */
export function el(tag: string, attrs: Record<string, string | number | undefined> = {}, content: string | number | readonly (XmlElement | false | undefined)[] = []): XmlElement {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) clean[k] = String(v);
  if (typeof content === 'string' || typeof content === 'number') return { tag, attrs: clean, children: [], text: String(content) };
  return { tag, attrs: clean, children: content.filter((c): c is XmlElement => Boolean(c)), text: '' };
}

/** The first child with this tag. */
export function child(node: XmlElement, tag: string): XmlElement | undefined {
  return node.children.find((c) => c.tag === tag);
}

/** Text of the first child with this tag, or undefined. */
export function childText(node: XmlElement, tag: string): string | undefined {
  return child(node, tag)?.text;
}
