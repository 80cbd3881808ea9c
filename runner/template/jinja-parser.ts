// Jinja template text -> a tree of statements. The lexer (jinja-lexer.ts)
// cuts the text into pieces, jinja-tags.ts reads each `{% %}` tag, and this
// file nests them: `if` with its `elif`/`else`, `for` with its `else`, the
// bodies of `macro`, `call`, `filter`, `with` and block `set`. A tag that is
// not closed, or closed by the wrong end tag, is an error at its own line.
import type { Expr } from './ast.js';
import { ExpressionError, TemplateError } from './errors.js';
import { compileExpression } from './expression.js';
import { lex, LexError, type Syntax } from './jinja-lexer.js';
import { readTag, type FilterCall, type Param, type Tag } from './jinja-tags.js';

/** Where a node's tag is: its content's offset in the template text, and that content (for carets). */
export interface At {
  at: number;
  source: string;
}

export type Node =
  | { t: 'text'; text: string }
  | ({ t: 'output'; expr: Expr } & At)
  | ({ t: 'if'; branches: { test: Expr; body: Node[]; at: number }[]; otherwise: Node[] } & At)
  | ({ t: 'for'; targets: string[]; iter: Expr; filter: Expr | null; body: Node[]; otherwise: Node[] } & At)
  | ({ t: 'set'; target: string[]; value: Expr } & At)
  | ({ t: 'setblock'; target: string; filters: FilterCall[]; body: Node[] } & At)
  | ({ t: 'macro'; name: string; params: Param[]; body: Node[] } & At)
  | ({ t: 'call'; params: Param[]; call: Expr; body: Node[] } & At)
  | ({ t: 'filter'; filters: FilterCall[]; body: Node[] } & At)
  | ({ t: 'with'; assigns: [string, Expr][]; body: Node[] } & At)
  | ({ t: 'include'; template: Expr; ignoreMissing: boolean; withContext: boolean } & At)
  | ({ t: 'import'; template: Expr; alias: string; withContext: boolean } & At)
  | ({ t: 'from'; template: Expr; names: [string, string][]; withContext: boolean } & At);

/** A parse error at an offset of the template text. */
export class JinjaSyntaxError extends TemplateError {
  constructor(
    detail: string,
    readonly offset: number,
    /** The expression error it came from, which shows the expression under a caret. */
    readonly expression?: ExpressionError,
  ) {
    super(detail);
  }
}

type Open = { tag: string; at: At };

/** The end tag each block statement needs, and the middle tags it allows. */
const ENDS: Record<string, { end: string; middle: string[] }> = {
  if: { end: 'endif', middle: ['elif', 'else'] },
  for: { end: 'endfor', middle: ['else'] },
  macro: { end: 'endmacro', middle: [] },
  call: { end: 'endcall', middle: [] },
  filter: { end: 'endfilter', middle: [] },
  with: { end: 'endwith', middle: [] },
  set: { end: 'endset', middle: [] },
};

export function parseJinja(text: string, syntax: Syntax): Node[] {
  let pieces;
  try {
    pieces = lex(text, syntax);
  } catch (error) {
    if (error instanceof LexError) throw new JinjaSyntaxError(error.detail, error.offset);
    throw error;
  }
  let i = 0;
  /** Statements up to one of `stops` (returned, not consumed) or the end of the text. */
  const block = (open: Open | null, stops: string[]): { body: Node[]; stop: { tag: Tag; at: At } | null } => {
    const body: Node[] = [];
    while (i < pieces.length) {
      const piece = pieces[i++]!;
      if (piece.kind === 'text') {
        body.push({ t: 'text', text: piece.text });
        continue;
      }
      const at = { at: piece.at, source: piece.source };
      if (piece.kind === 'variable') {
        body.push({ t: 'output', expr: parse(() => compileExpression(piece.source), at), ...at });
        continue;
      }
      const tag = parse(() => readTag(piece.source), at);
      if (stops.includes(tag.tag)) return { body, stop: { tag, at } };
      body.push(statement(tag, at));
    }
    if (open !== null) throw new JinjaSyntaxError(`'{% ${open.tag} %}' is never closed: expected '{% ${ENDS[open.tag]!.end} %}'`, open.at.at);
    return { body, stop: null };
  };
  const statement = (tag: Tag, at: At): Node => {
    const ends = ENDS[tag.tag];
    const isBlockSet = tag.tag === 'set' && tag.value === null;
    if (ends === undefined || (tag.tag === 'set' && !isBlockSet)) return simple(tag, at);
    const open = { tag: tag.tag, at };
    const sections: Node[][] = [];
    let middle: Tag | null = null;
    const tests: { test: Expr; at: number }[] = tag.tag === 'if' ? [{ test: tag.test, at: at.at }] : [];
    for (;;) {
      const { body, stop } = block(open, [ends.end, ...ends.middle, ...strayEnds(ends.end)]);
      sections.push(body);
      const found = stop!.tag;
      if (found.tag === ends.end) break;
      if (!ends.middle.includes(found.tag) || middle?.tag === 'else') {
        throw new JinjaSyntaxError(`unexpected '{% ${found.tag} %}' inside '{% ${tag.tag} %}' (expected '{% ${ends.end} %}')`, stop!.at.at);
      }
      middle = found;
      if (found.tag === 'elif') tests.push({ test: found.test, at: stop!.at.at });
    }
    return build(tag, at, { sections, tests, elseGiven: middle?.tag === 'else' });
  };
  const { body, stop } = block(null, ['else', 'elif', ...Object.values(ENDS).map((e) => e.end)]);
  if (stop !== null) throw new JinjaSyntaxError(`unexpected '{% ${stop.tag.tag} %}' with no statement open that it belongs to`, stop.at.at);
  return body;
}

/** End tags of other statements: met inside this one they are an error, not text. */
function strayEnds(own: string): string[] {
  return Object.values(ENDS).map((e) => e.end).filter((e) => e !== own);
}

function build(tag: Tag, at: At, parts: { sections: Node[][]; tests: { test: Expr; at: number }[]; elseGiven: boolean }): Node {
  const [body, ...rest] = parts.sections as [Node[], ...Node[][]];
  switch (tag.tag) {
    case 'if': {
      // Each branch keeps its own tag's offset (an elif's expression offsets count from it).
      const branches = parts.tests.map(({ test, at: tagAt }, k) => ({ test, body: parts.sections[k]!, at: tagAt }));
      return { t: 'if', branches, otherwise: parts.elseGiven ? rest.at(-1)! : [], ...at };
    }
    case 'for':
      return { t: 'for', targets: tag.targets, iter: tag.iter, filter: tag.filter, body, otherwise: rest[0] ?? [], ...at };
    case 'macro':
      return { t: 'macro', name: tag.name, params: tag.params, body, ...at };
    case 'call':
      return { t: 'call', params: tag.params, call: tag.call, body, ...at };
    case 'filter':
      return { t: 'filter', filters: tag.filters, body, ...at };
    case 'with':
      return { t: 'with', assigns: tag.assigns, body, ...at };
    case 'set':
      return { t: 'setblock', target: tag.target[0]!, filters: tag.filters, body, ...at };
    default:
      throw new JinjaSyntaxError(`'{% ${tag.tag} %}' cannot open a block`, at.at);
  }
}

function simple(tag: Tag, at: At): Node {
  switch (tag.tag) {
    case 'set':
      return { t: 'set', target: tag.target, value: tag.value!, ...at };
    case 'include':
    case 'import':
    case 'from':
      return { ...tag, t: tag.tag, ...at } as Node;
    default:
      throw new JinjaSyntaxError(`unexpected '{% ${tag.tag} %}' with no statement open that it belongs to`, at.at);
  }
}

/** Parse a tag's content; an expression error moves to the tag's place in the text. */
function parse<T>(run: () => T, at: At): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ExpressionError) {
      const wrapped = new JinjaSyntaxError(error.detail, at.at + error.offset, error);
      wrapped.unsupported = error.unsupported;
      throw wrapped;
    }
    throw error;
  }
}
