// Ansible's privilege-escalation and password flags: -b, --become-user,
// --become-method, -K / --become-password-file, -k / --connection-password-file.
// Passwords are asked once, before any host is contacted, as ansible-playbook
// does (runner/commands/tty-secret.ts), and handed to the engine, which
// answers sudo/su on the command's stdin (runner/host/become.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { BECOME_METHODS, type BecomeMethod } from '../inventory/connection.js';
import type { BecomeDefaults } from '../engine/runtime.js';
import { isExecutable } from '../vault/keys.js';
import { addVaultSecret } from '../vault/secrets.js';
import { askSecret } from './tty-secret.js';

export interface AuthFlags {
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  askBecomePass?: boolean;
  becomePasswordFile?: string;
  askPass?: boolean;
  connectionPasswordFile?: string;
}

/** What ansible.cfg and ANSIBLE_BECOME* say, below the flags (runner/config/). */
export interface AuthDefaults {
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  becomeAskPass?: boolean;
}

const fail = (message: string): never => {
  throw new InputError([{ message }]);
};

export function addAuthOptions(command: Command): Command {
  return command
    .option('-b, --become', 'run operations with become (does not imply password prompting)')
    .option('--become-user <user>', 'run operations as this user (default root)')
    .option('--become-method <method>', `privilege escalation method: ${BECOME_METHODS.join(' or ')} (default sudo)`)
    .option('-K, --ask-become-pass', 'ask for the privilege escalation password (on the terminal)')
    .option('--become-password-file <file>', "become password file ('-' reads stdin; an executable file is run)")
    .option('-k, --ask-pass', 'ask for the SSH password (on the terminal)')
    .option('--connection-password-file <file>', "SSH password file ('-' reads stdin; an executable file is run)");
}

export function becomeMethod(value: string, origin: string): BecomeMethod {
  if ((BECOME_METHODS as readonly string[]).includes(value)) return value as BecomeMethod;
  return fail(`${origin} ${value} is not supported: drover becomes with ${BECOME_METHODS.join(' or ')}`);
}

/**
 * The become defaults and the SSH password of a run, asking at the terminal
 * where the flags (or become_ask_pass) say so, in Ansible's order: the SSH
 * password first; an empty become answer then means "the same".
 */
export async function resolveAuth(flags: AuthFlags, defaults: AuthDefaults = {}): Promise<{ become: BecomeDefaults; connectionPassword?: string }> {
  if (flags.askPass && flags.connectionPasswordFile) fail('-k/--ask-pass and --connection-password-file are mutually exclusive');
  if (flags.askBecomePass && flags.becomePasswordFile) fail('-K/--ask-become-pass and --become-password-file are mutually exclusive');
  const method = flags.becomeMethod ?? defaults.becomeMethod;
  const become: BecomeDefaults = {
    become: flags.become ?? defaults.become,
    user: flags.becomeUser ?? defaults.becomeUser,
    method: method === undefined ? undefined : becomeMethod(method, flags.becomeMethod !== undefined ? '--become-method' : 'become_method'),
  };
  let connectionPassword: string | undefined;
  const noTerminal = (file: string) => `${file} FILE (or - to read it from stdin)`;
  if (flags.askPass) connectionPassword = await askSecret('SSH password: ', '-k/--ask-pass', noTerminal('--connection-password-file'));
  else if (flags.connectionPasswordFile) connectionPassword = passwordFromFile(flags.connectionPasswordFile);
  // become_ask_pass (ansible.cfg, ANSIBLE_BECOME_ASK_PASS) is -K's default: it asks even beside a password file, as in Ansible.
  if (flags.askBecomePass ?? defaults.becomeAskPass) {
    const prompt = flags.askPass ? 'BECOME password[defaults to SSH password]: ' : 'BECOME password: ';
    const answer = await askSecret(prompt, '-K/--ask-become-pass', noTerminal('--become-password-file'));
    become.password = flags.askPass && answer === '' ? connectionPassword : answer;
  } else if (flags.becomePasswordFile) become.password = passwordFromFile(flags.becomePasswordFile);
  // Masked wherever a task might echo them.
  for (const secret of [connectionPassword, become.password]) if (secret) addVaultSecret(secret);
  return connectionPassword === undefined ? { become } : { become, connectionPassword };
}

/** Ansible's get_password_from_file: '-' is stdin, an executable file is run, else the file's text, stripped. */
export function passwordFromFile(file: string): string {
  let secret: string;
  if (file === '-') secret = readFileSync(0, 'utf8');
  else if (!existsSync(file)) return fail(`The password file ${file} was not found`);
  else if (isExecutable(file)) {
    try {
      secret = execFileSync(resolve(file), [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const e = error as { status?: number; stderr?: string };
      return fail(`The password script ${file} returned an error (rc=${e.status ?? '?'}): ${String(e.stderr ?? '').trim()}`);
    }
  } else secret = readFileSync(file, 'utf8').trim();
  secret = secret.replace(/^[\r\n]+|[\r\n]+$/g, '');
  if (secret === '') fail(`Empty password was provided from file (${file})`);
  return secret;
}
