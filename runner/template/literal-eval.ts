// Ansible's last step for a templated playbook value (ansible_eval_concat):
// text that starts with `[` or `{`, or is True/False, is read back as a
// Python literal when it is one, so "[{{ a }}, {{ b }}]" is a list. Only
// literals are read (lists, dicts, tuples, strings, numbers, True/False/None
// and JSON's true/false/null); anything else stays the text it was.
import type { Expr } from './ast.js';
import { compileExpression, evaluate } from './expression.js';
import { MISSING } from './values.js';

export function literalEval(text: string): unknown {
  if (!/^[[{]/.test(text) && text !== 'True' && text !== 'False') return text;
  let expr: Expr;
  try {
    expr = compileExpression(text);
  } catch {
    return text;
  }
  if (!isLiteral(expr)) return text;
  return evaluate(expr, text, { resolve: () => MISSING });
}

function isLiteral(expr: Expr): boolean {
  switch (expr.t) {
    case 'literal':
      return true;
    case 'list':
      return expr.items.every(isLiteral);
    case 'dict':
      return expr.entries.every(([k, v]) => isLiteral(k) && isLiteral(v));
    case 'unary':
      return (expr.op === '-' || expr.op === '+') && expr.arg.t === 'literal' && typeof expr.arg.value === 'number';
    default:
      return false;
  }
}
