// Switching user on the host (sudo, su), as Ansible's become plugins do. The
// password never appears in a command line: the command waits on the host
// for it, and a dialog answers the prompt over the command's stdin, then lets
// the command's own stdin (an upload) follow. A marker the escalated command
// prints first tells "become worked" apart from the command's own output, so
// "wrong password" and "password needed" are recognised whatever the command
// prints, and the payload is never read by sudo as a password.
import { randomBytes } from 'node:crypto';
import { sh, type Command } from '../quote.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../connection/ssh-errors.js';
import type { Connection, DialogReply, ExecResult } from '../connection/types.js';
import { ModuleFailure } from '../errors.js';

export interface BecomeSettings {
  become: boolean;
  /** Default 'root'. */
  user?: string;
  /** Default 'sudo'. */
  method?: 'sudo' | 'su';
  /** ansible_become_password or -K: answered on stdin when the host asks. */
  password?: string;
}

/** su's prompt in the languages Ansible's su plugin knows (SU_PROMPT_LOCALIZATIONS), with its pattern. */
const SU_PROMPTS = [
  'Password', '암호', 'パスワード', 'Adgangskode', 'Contraseña', 'Contrasenya', 'Hasło', 'Heslo', 'Jelszó', 'Lösenord',
  'Mật khẩu', 'Mot de passe', 'Parola', 'Parool', 'Pasahitza', 'Passord', 'Passwort', 'Salasana', 'Sandi', 'Senha',
  'Wachtwoord', 'ססמה', 'Лозинка', 'Парола', 'Пароль', 'गुप्तशब्द', 'शब्दकूट', 'సంకేతపదము', 'හස්පදය', '密码', '密碼', '口令',
];
const SU_PROMPT = new RegExp(`^(?:(\\w+'s )?(?:${SU_PROMPTS.join('|')})) ?(:|：) ?`, 'iu');

/** What each method prints for a refused password, and for "a password is needed" (Ansible's fail/missing lists). */
const FAILED = { sudo: ['Sorry, try again.'], su: ['Authentication failure'] };
const MISSING = { sudo: ['Sorry, a password is required to run sudo', 'sudo: a password is required'], su: [] as string[] };

/** How one command is sent when it runs as another user. */
export interface Escalation {
  method: 'sudo' | 'su';
  command: Command;
  /** Printed on stderr by the escalated shell before the command runs. */
  marker: string;
  /** Is this line (the last, unfinished one of stderr) the password prompt? */
  isPrompt(line: string): boolean;
  /** Whether the host may ask: sudo without a password runs with -n and never does. */
  dialog: boolean;
  /** The answer to the prompt; none given means the prompt fails as "Missing ... password". */
  password?: string;
}

/**
 * The escalated form of `script`, or undefined when no switch is needed (no
 * become, or the login user is already the one to become).
 */
export function escalate(script: Command, become: BecomeSettings | undefined, loginUser: string): Escalation | undefined {
  const user = become?.user ?? 'root';
  if (!become?.become || user === loginUser) return undefined;
  const id = randomBytes(12).toString('hex');
  const marker = `DROVER-BECOME-SUCCESS-${id}`;
  // The marker's printf is part of the script text, so only the escalated shell prints it.
  const inner = `printf '%s\\n' ${marker} >&2\n${script.text}`;
  const method = become.method ?? 'sudo';
  if (method === 'su') {
    // su always asks unless run as root; -s: system users such as nobody have no login shell.
    return { method, marker, command: sh`su -s /bin/sh ${user} -c ${inner}`, isPrompt: (line) => SU_PROMPT.test(line), dialog: true, password: become.password };
  }
  if (become.password === undefined) {
    // sudo -n: never wait for a password prompt that nobody can answer.
    return { method, marker, command: sh`sudo -H -S -n -u ${user} -- /bin/sh -c ${inner}`, isPrompt: () => false, dialog: false };
  }
  const prompt = `[sudo via drover, key=${id}] password:`;
  return { method, marker, command: sh`sudo -H -S -p ${prompt} -u ${user} -- /bin/sh -c ${inner}`, isPrompt: (line) => line.includes(prompt), dialog: true, password: become.password };
}

/**
 * Runs an escalated command: answers the prompt when it comes, sends `stdin`
 * only once the marker shows the command runs, and fails the task with
 * Ansible's words when the password is wrong or missing.
 */
export async function execEscalated(
  connection: Connection,
  escalation: Escalation,
  options: { stdin?: string | Buffer; timeoutMs?: number },
): Promise<ExecResult> {
  const { method, marker } = escalation;
  if (!escalation.dialog) return settle(escalation, await connection.exec(escalation.command.text, options), undefined);
  const password = escalation.password;
  let reply: DialogReply | undefined;
  let seen = '';
  let state: 'awaiting prompt' | 'awaiting escalation' | 'running' = 'awaiting prompt';
  let answeredAt = 0;
  let failure: string | undefined;
  const waitMs = (connection.target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS) + 2000;
  const give = (reason: string) => {
    failure ??= reason;
    clearTimeout(timer);
    // End of input: sudo or su, waiting for another try, gives up at once.
    reply?.hangUp();
  };
  // Ansible's wait too: the connection timeout plus 2 s for the prompt or the escalation.
  const timer = setTimeout(() => give(`Timeout (${Math.round(waitMs / 1000)}s) waiting for privilege escalation prompt`), waitMs);
  const onStderr = (chunk: Buffer) => {
    if (state === 'running' || failure !== undefined) return;
    seen += chunk.toString('utf8');
    if (seen.includes(`${marker}\n`)) {
      state = 'running';
      clearTimeout(timer);
      reply?.release();
      return;
    }
    const lastLine = seen.slice(seen.lastIndexOf('\n') + 1);
    if (state === 'awaiting prompt' && escalation.isPrompt(lastLine)) {
      if (password === undefined) return give(`Missing ${method} password (${method} asks for one here: give ansible_become_password or -K)`);
      state = 'awaiting escalation';
      answeredAt = seen.length;
      reply?.send(`${password}\n`);
      return;
    }
    const since = seen.slice(answeredAt);
    if (state === 'awaiting escalation' && (FAILED[method].some((m) => since.includes(m)) || escalation.isPrompt(lastLine))) {
      give(`Incorrect ${method} password`);
    }
  };
  const dialog = (r: DialogReply) => {
    reply = r;
    // The wait may have run out before the command started.
    if (failure !== undefined) r.hangUp();
    return onStderr;
  };
  try {
    const result = await connection.exec(escalation.command.text, { stdin: options.stdin, dialog, timeoutMs: options.timeoutMs });
    return settle(escalation, result, failure);
  } finally {
    clearTimeout(timer);
  }
}

/** The command's own result (what the switch printed before the marker removed), or the failure of the switch. */
function settle(escalation: Escalation, result: ExecResult, failure: string | undefined): ExecResult {
  const at = result.stderr.indexOf(`${escalation.marker}\n`);
  if (at >= 0) return { ...result, stderr: result.stderr.slice(at + escalation.marker.length + 1) };
  const said = result.stderr;
  const method = escalation.method;
  if (failure === undefined && MISSING[method].some((m) => said.includes(m))) failure = `Missing ${method} password`;
  if (failure !== undefined) throw new ModuleFailure(failure, { rc: result.rc, stdout: result.stdout });
  // The switch itself failed (not in sudoers, no such user): its own words, without the prompt.
  return { ...result, stderr: said.split('\n').filter((line) => !escalation.isPrompt(line)).join('\n') };
}
