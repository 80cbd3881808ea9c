// What every package backend (apt, dnf) offers the package module: one
// read-only query for all names at once, a pure parser of its output, and the
// commands that make the planned changes. Deciding what to change is shared
// (decide.ts), so `present`/`latest`/`absent` mean the same on every backend.
import type { Command } from '../../../runner/quote.js';

/** The wanted state, with Ansible's synonyms (installed, removed) already folded in. */
export type PackageState = 'present' | 'absent' | 'latest';

/** One requested package as written ('nginx', 'nginx=1.22*', 'nginx:amd64'). */
export interface PackageRequest {
  /** Exactly as the playbook gave it; what install commands receive. */
  spec: string;
  /** The name the package database knows it by. */
  name: string;
  /** A wanted version (apt's name=version; '*' matches anything). */
  version?: string;
}

/** What the host's package database says about one request. */
export interface PackageStatus {
  request: PackageRequest;
  /** The installed version, or null. */
  installed: string | null;
  /** Removed but its configuration files remain (dpkg's config-files state). */
  residual: boolean;
  /**
   * The version an install would pick: null when no repository offers the
   * package, undefined when the backend did not look (dnf outside `latest`).
   */
  candidate?: string | null;
}

export interface PackageOptions {
  state: PackageState;
  update_cache?: boolean;
  cache_valid_time?: number;
  purge?: boolean;
  autoremove?: boolean;
  install_recommends?: boolean;
  default_release?: string;
  enablerepo?: readonly string[];
  disablerepo?: readonly string[];
  disable_gpg_check?: boolean;
  install_weak_deps?: boolean;
}

/** What a query found: every request's status, and whether a cache refresh is due. */
export interface QueryResult {
  statuses: PackageStatus[];
  /** update_cache was asked and the cache is older than cache_valid_time. */
  cacheStale: boolean;
}

/** The decision: which requests to install, upgrade, remove. */
export interface PackageActions {
  install: PackageStatus[];
  upgrade: PackageStatus[];
  remove: PackageStatus[];
  /** Refresh the package cache before acting. */
  refresh: boolean;
}

export interface PackageBackend {
  readonly name: 'apt' | 'dnf';
  /** Commands the host must have; without them the plan fails, as a reviewed plan must not fail at apply. */
  readonly requires: readonly string[];
  parseRequest(spec: string): PackageRequest;
  /** One script that reads the state of every request (read-only). */
  queryCommand(requests: readonly PackageRequest[], options: PackageOptions): Command;
  parseQuery(stdout: string, requests: readonly PackageRequest[], options: PackageOptions): QueryResult;
  /** The commands that carry out `actions`, in order. */
  commands(actions: PackageActions, options: PackageOptions): Command[];
  /** Environment for those commands (apt: DEBIAN_FRONTEND=noninteractive). */
  readonly env: Record<string, string>;
}
