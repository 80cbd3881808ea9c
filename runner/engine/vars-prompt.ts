// A play's vars_prompt, answered as Ansible's PlaybookExecutor does when the
// play starts: the questions rendered with the play's vars, a variable given
// with -e never asked, an empty answer taking the default, then hashed
// (encrypt) or kept from templating (unsafe). Without a terminal Ansible warns
// and takes the default, or silently stores the text 'None': drover refuses
// such a run before any host is contacted (unansweredPrompts).
import { InputError, type Problem } from '../errors.js';
import type { Play } from '../playbook/types.js';
import type { VarPrompt } from '../playbook/vars-prompt.js';
import { cryptHash, PASSLIB_SCHEMES, randomSalt } from '../template/crypt.js';
import { pyStr } from '../template/python-text.js';
import { unsafeText } from '../template/unsafe-text.js';
import { addVaultSecret } from '../vault/secrets.js';
import type { EngineEvent } from './events.js';
import { createScope, render, UndefinedVariableError } from './templating.js';

/**
 * One question for the person at the terminal: `text` is printed as it is,
 * `private` means no echo, `confirm` asks again ('confirm ' + text) until both
 * answers match, saying Ansible's '***** VALUES ENTERED DO NOT MATCH ****' between.
 */
export interface VarQuestion {
  text: string;
  private: boolean;
  confirm: boolean;
}

/** Asks at the terminal; absent when drover has none (stdin is not a terminal, Ansible's test). */
export type AskVar = (question: VarQuestion) => Promise<string>;


/** Questions no one could answer: no terminal, no default, not given with -e. Checked before the run starts. */
export function refuseUnanswerable(plays: readonly Play[], extraVars: Record<string, unknown>, ask: AskVar | undefined): void {
  if (ask) return;
  const problems: Problem[] = plays.flatMap((play) =>
    play.varsPrompt
      .filter((p) => p.default === undefined && !Object.hasOwn(extraVars, p.name))
      .map((p) => ({ message: `play '${play.name}': vars_prompt '${p.name}' has no default and drover has no terminal to ask on (stdin is not a terminal): give it with -e ${p.name}=VALUE`, location: p.location })),
  );
  if (problems.length > 0) throw new InputError(problems);
}

/** The play's variables from its vars_prompt (those not given with -e), asked in order. */
export async function answerVarsPrompt(play: Play, extraVars: Record<string, unknown>, ask: AskVar | undefined, emit: (event: EngineEvent) => void): Promise<Record<string, unknown>> {
  const asked = play.varsPrompt.filter((p) => !Object.hasOwn(extraVars, p.name));
  if (asked.length === 0) return {};
  // As Ansible, every question is rendered first, with the play's vars and -e: a default cannot name another answer.
  const scope = createScope([{ source: 'play vars', vars: play.vars }, { source: 'extra vars', vars: extraVars }]);
  const rendered = asked.map((p) => renderedPrompt(p, scope));
  const answers: Record<string, unknown> = {};
  for (const p of rendered) {
    let typed: string | undefined;
    if (ask) typed = await ask({ text: questionText(p), private: p.private, confirm: p.confirm });
    else emit({ type: 'warning', message: 'Not prompting as we are not in interactive mode' });
    // Ansible takes the default for any empty answer.
    let answer = typed ?? '';
    if (answer === '' && p.default !== undefined) answer = pyStr(p.default);
    if (p.private && typed) addVaultSecret(typed);
    const scheme = p.encrypt === undefined ? undefined : PASSLIB_SCHEMES[p.encrypt];
    if (scheme) answer = cryptHash(scheme, { password: answer, salt: p.salt ?? randomSalt(scheme) });
    answers[p.name] = p.unsafe ? unsafeText(answer) : answer;
  }
  return answers;
}

function renderedPrompt(p: VarPrompt, scope: ReturnType<typeof createScope>): VarPrompt {
  try {
    return {
      ...p,
      ...(p.prompt === undefined ? {} : { prompt: pyStr(render(p.prompt, scope)) }),
      ...(p.default === undefined ? {} : { default: render(p.default, scope) }),
      ...(p.salt === undefined ? {} : { salt: pyStr(render(p.salt, scope)) }),
    };
  } catch (error) {
    if (error instanceof UndefinedVariableError) throw new InputError([{ message: `vars_prompt '${p.name}': ${error.message}`, location: p.location }]);
    throw error;
  }
}

/** Ansible's wording: the prompt (the variable's name if none is given) and the default in brackets. */
function questionText(p: VarPrompt): string {
  const prompt = p.prompt ?? p.name;
  if (prompt === '') return `input for ${p.name}: `;
  return p.default !== undefined ? `${prompt} [${pyStr(p.default)}]: ` : `${prompt}: `;
}
