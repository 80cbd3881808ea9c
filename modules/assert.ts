// assert: fail unless every condition holds.
import { defineModule, ModuleFailure } from '../runner/module-api.js';

export default defineModule({
  name: 'assert',
  summary: 'Fail the host unless every condition in `that` holds.',
  changedWhen: 'never.',
  controllerOnly: true,
  conditionsParam: 'that',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['that'],
    properties: {
      that: {
        type: ['string', 'array'],
        items: { type: ['string', 'boolean', 'null'] },
        description: 'A condition or a list of conditions (all must hold); an empty item holds and a boolean is itself, as in Ansible.',
      },
      // Ansible's assert takes a string or a list for its messages.
      fail_msg: { type: ['string', 'array'], description: 'Message when a condition fails (a string, or a list).' },
      msg: { type: ['string', 'array'], description: 'Older name of fail_msg.' },
      success_msg: { type: ['string', 'array'], description: 'Message when all hold.', default: 'All assertions passed' },
      quiet: { type: 'boolean', default: false, description: "Don't show the result of a passing assert unless -v (Ansible's default callback shows it otherwise)." },
    },
  },
  async plan(_host, params, ctx) {
    const conditions = typeof params.that === 'string' ? [params.that] : params.that;
    for (const condition of conditions) {
      // Ansible's evaluate_conditional: None and '' hold, a boolean is its own verdict.
      const holds = condition === null || condition === '' ? true : typeof condition === 'boolean' ? condition : ctx.evaluate(condition);
      if (!holds) {
        const message = params.fail_msg ?? params.msg;
        const text = message === undefined ? `Assertion failed: ${condition}` : typeof message === 'string' ? message : message.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join('\n');
        throw new ModuleFailure(text, { assertion: condition, evaluated_to: false, ...(message !== undefined ? { msg: message } : {}) });
      }
    }
    return { changes: [], result: { msg: params.success_msg }, verboseAlways: !params.quiet };
  },
});
