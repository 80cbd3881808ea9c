import { evaluateExpression, Scope } from './runner/template/index.js';
const s = new Scope([{ source: 't', vars: { nums: [3, 1, 2], mixed: [1, 'a', [2], { k: 'v' }, null, true, 1.5] } }]);
for (const e of process.argv.slice(2)) { try { console.log(e, '=>', JSON.stringify(evaluateExpression(e, s))); } catch (err) { console.log(e, 'ERR', (err as Error).message.split('\n')[0]); } }
