// The transport seen by the host handle. A connection knows how to run a POSIX
// shell script on one host and nothing about tasks, modules or become.

/** What the remote side said. `rc` is the exit status of the script. */
export interface ExecResult {
  rc: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Bytes fed to the script's standard input (file uploads travel this way); with a dialog, only once it releases them. */
  stdin?: string | Buffer;
  /**
   * A conversation on the command's stdin before `stdin` goes (become's
   * password prompt, runner/host/become.ts): called once with the way to
   * answer, it returns what sees the command's stderr as it arrives. The
   * result still holds all of stderr.
   */
  dialog?: (reply: DialogReply) => (stderrChunk: Buffer) => void;
  /** Give up after this many milliseconds (kill the command); the result is then a CommandTimeout. */
  timeoutMs?: number;
}

/** How a dialog answers the command. After release or hangUp nothing more is sent. */
export interface DialogReply {
  /** Write this text to the command's stdin now (a password and its newline). */
  send(text: string): void;
  /** Write ExecOptions.stdin, then end the command's stdin. */
  release(): void;
  /** End the command's stdin without ExecOptions.stdin (sudo or su, waiting for a password, then gives up). */
  hangUp(): void;
}

export type ConnectionFailure = 'refused' | 'timeout' | 'auth' | 'host-key-unknown' | 'host-key-changed' | 'closed' | 'dns' | 'other';

/** The host cannot be reached or dropped the link: the engine reports it as unreachable. */
export class ConnectionError extends Error {
  constructor(
    readonly reason: ConnectionFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectionError';
  }
}

/** The command ran past ExecOptions.timeoutMs and was killed; the host did answer, so the engine fails the task instead. */
export class CommandTimeout extends ConnectionError {
  constructor(message: string) {
    super('timeout', message);
    this.name = 'CommandTimeout';
  }
}

/**
 * The controller ran out of open files (EMFILE, ENFILE): not the host's
 * fault, so not "unreachable". The task fails with this message; the next
 * command tries again.
 */
export class ControllerResourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControllerResourceError';
  }
}

/** When `error` is the controller's own file limit, the ControllerResourceError saying so; else undefined. */
export function outOfFiles(error: unknown, what: string): ControllerResourceError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'EMFILE' && code !== 'ENFILE') return undefined;
  const which = code === 'EMFILE' ? 'this process reached its open-file limit' : 'the system-wide open-file table is full';
  return new ControllerResourceError(`${what}: drover (the controller) cannot open another file: ${which} (${code}). Lower --forks, or raise the hard limit (ulimit -Hn); the host itself was not the problem`);
}

/** Everything needed to reach one host, from the inventory's connection vars. */
export interface ConnectionTarget {
  /** The inventory name, for messages. */
  name: string;
  /** 'ssh' or 'local'. */
  transport: 'ssh' | 'local';
  address: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  password?: string;
  /** known_hosts file to verify host keys against (default ~/.ssh/known_hosts). */
  knownHostsFile?: string;
  /** Every known_hosts file to verify against (UserKnownHostsFile may list several); new keys go to knownHostsFile. */
  knownHostsFiles?: string[];
  /** Add keys of hosts not yet in known_hosts (never accepts a changed key). */
  acceptNewHostKeys?: boolean;
  connectTimeoutMs?: number;
  /** More keys to try after privateKeyFile, in order (ssh_config IdentityFile; missing files are skipped, as by ssh). */
  identityFiles?: string[];
  /** Only the keys named (privateKeyFile, identityFiles), not the agent's (ssh_config IdentitiesOnly). */
  identitiesOnly?: boolean;
  /** ServerAliveInterval/CountMax; drover's own default when the interval is unset. */
  keepalive?: { intervalMs?: number; countMax: number };
  /** Reach this host through an SSH connection to another one (ProxyJump); that connection is shared. */
  via?: ConnectionTarget;
  /** Reach this host through a local command's stdin/stdout (ProxyCommand, tokens expanded), run with the user's shell. */
  proxyCommand?: string;
  /** ansible.cfg's ssh_args (ANSIBLE_SSH_ARGS, ansible_ssh_args): read before the common args, as ssh gets them first. */
  sshArgs?: string;
  /** ansible_ssh_common_args / --ssh-common-args, read when the target is resolved (runner/connection/ssh-target.ts). */
  sshCommonArgs?: string;
  sshExtraArgs?: string;
}

export interface Connection {
  readonly target: ConnectionTarget;
  /** Open the link once; every later exec reuses it. */
  connect(): Promise<void>;
  /** Run `script` with `sh -c`. Throws ConnectionError if the link is lost, never for rc != 0. */
  exec(script: string, options?: ExecOptions): Promise<ExecResult>;
  close(): Promise<void>;
  /** How many transport-level connections were opened (the benchmark checks it stays 1). */
  readonly connectionsOpened: number;
}
