// The host handle: everything a module may touch on a target. Modules see this
// interface only, never the transport behind it (ssh or local).
import type { Command } from '../quote.js';
import type { ExecResult } from '../connection/types.js';

export type { ExecResult };

export interface RunOptions {
  stdin?: string | Buffer;
  /** Extra environment for this command (quoted by the handle). */
  env?: Record<string, string>;
  /** Working directory, entered with `cd --` before the command. */
  cwd?: string;
  timeoutMs?: number;
}

export type FileKind = 'file' | 'directory' | 'link' | 'other';

/** What is at a path. `null` from `stat()` means nothing is there; a wrong kind is a different answer. */
export interface FileStat {
  kind: FileKind;
  /** Permission bits as four octal digits, e.g. '0644'. */
  mode: string;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** For links: where it points. */
  linkTarget?: string;
  /** For regular files when asked: hex sha256 of the content. */
  sha256?: string;
}

/** Where a write staged its content (a temp file beside the path, renamed over it) and the backup it made, if any. */
export interface WrittenFile {
  stagedPath?: string;
  backupPath?: string;
}

export interface WriteFileOptions {
  /** Octal string ('0644') or symbolic ('u=rw,go=r'); default: keep the old file's, else umask. */
  mode?: string;
  owner?: string;
  group?: string;
  /** Keep the previous content as PATH.<timestamp>~ ; the backup path is returned. */
  backup?: boolean;
}

/** Facts gathered once per host per run, in one round trip. */
export interface BasicFacts {
  os_family: string;
  distribution: string;
  distribution_version: string;
  distribution_major_version: string;
  distribution_release: string;
  hostname: string;
  fqdn: string;
  architecture: string;
  processor_vcpus: number;
  memtotal_mb: number;
  default_ipv4: { address?: string; interface?: string; gateway?: string };
  kernel: string;
  system: string;
  /** The user the connection logs in as. */
  user_id: string;
  service_mgr: string;
  pkg_mgr: string;
  /** The kernel runs in FIPS mode (/proc/sys/crypto/fips_enabled is 1), as Ansible's fips collector reads it. */
  fips: boolean;
  /** The target's Python (Ansible's interpreter), when it has one. */
  python?: { version: Record<string, string | number>; version_info: (string | number)[]; executable: string; has_sslcontext: boolean; type: string };
  python_version?: string;
}

export interface Host {
  /** The inventory name. */
  readonly name: string;
  /** Run a command; resolves for any exit status (inspect `rc`). */
  run(command: Command, options?: RunOptions): Promise<ExecResult>;
  /** Run a command; a non-zero status throws a ModuleFailure carrying stderr. */
  check(command: Command, options?: RunOptions): Promise<ExecResult>;
  /** Content of a remote file, or null when nothing is at the path. */
  readFile(path: string): Promise<Buffer | null>;
  stat(path: string, options?: { checksum?: boolean }): Promise<FileStat | null>;
  /** Write atomically: temp file in the same directory, then rename. */
  writeFile(path: string, content: string | Buffer, options?: WriteFileOptions): Promise<WrittenFile>;
  /** Facts gathered once for this host (cached for the run). */
  facts(): Promise<BasicFacts>;
}
