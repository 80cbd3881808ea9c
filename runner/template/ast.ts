// The tree the parser builds and the evaluator walks: plain data, no behaviour.

/** Every node knows its source span, so errors can point at it. */
export interface Span {
  start: number;
  end: number;
}

export interface Args {
  args: Expr[];
  kwargs: [string, Expr][];
  /** `*items` and `**mapping` (Jinja allows one of each, after the named arguments too). */
  star?: Expr;
  starstar?: Expr;
}

export type Expr = Span &
  (
    | { t: 'literal'; value: unknown }
    | { t: 'name'; name: string }
    | { t: 'list'; items: Expr[]; tuple?: boolean }
    | { t: 'dict'; entries: [Expr, Expr][] }
    | { t: 'member'; object: Expr; key: Expr | string }
    | { t: 'slice'; object: Expr; from: Expr | null; to: Expr | null; step?: Expr | null }
    | { t: 'unary'; op: 'not' | '-' | '+'; arg: Expr }
    | { t: 'binary'; op: string; left: Expr; right: Expr }
    | { t: 'compare'; first: Expr; rest: [string, Expr][] }
    | { t: 'cond'; then: Expr; test: Expr; otherwise: Expr | null }
    | ({ t: 'filter'; arg: Expr; name: string; at: number } & Args)
    | ({ t: 'test'; arg: Expr; name: string; negated: boolean; at: number } & Args)
    | ({ t: 'call'; callee: Expr } & Args)
  );
