// Issue 17 item 14: a filter that fails on its input (from_json, from_yaml,
// b64decode...) must not quote that input. A quoted cut of a secret is text
// the output masker cannot recognise; the whole secret would be masked, a
// prefix would not. Node's JSON.parse message quotes the first characters of
// its input, which is how the leak happened.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SecretMasker } from '../runner/engine/mask.js';
import { evaluateExpression, Scope, TemplateError } from '../runner/template/index.js';

const secret = 's3cr3t-Passw0rd-value:w1th\nZq9xK';
const scope = new Scope([{ source: 'vault', vars: { secret } }]);

/** Every 4-character piece of the secret: none may appear in a message. */
function pieces(text: string): string[] {
  return Array.from({ length: text.length - 3 }, (_, i) => text.slice(i, i + 4)).filter((p) => !/^[\s:-]|[\s:-]$/.test(p));
}

describe('filter errors never show their input', () => {
  for (const expr of ['secret | from_json', "('[' ~ secret) | from_json", "('{' ~ secret) | from_yaml", "('a: [' ~ secret) | from_yaml_all", 'secret | b64decode', 'secret | human_to_bytes', "('{\"a\": ' ~ secret ~ '}') | from_json"]) {
    it(expr, () => {
      let message = '';
      assert.throws(
        () => evaluateExpression(expr, scope),
        (error: unknown) => {
          message = (error as Error).message;
          return error instanceof TemplateError;
        },
      );
      const masker = new SecretMasker();
      masker.add(secret);
      const shown = masker.text(message);
      for (const piece of pieces(secret)) assert.ok(!shown.includes(piece), `${JSON.stringify(piece)} of the secret is in: ${shown}`);
      // The message still says what failed.
      assert.match(message, /not shown|interpret/);
    });
  }
});
