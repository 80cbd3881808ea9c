// Choosing a reporter. The CLI says what the user asked for; this module
// turns it into a Reporter: the listr2 live tree on a real terminal, plain
// lines anywhere else (CI logs, pipes, files, TERM=dumb), JSON lines on
// request, or Ansible's default callback's output byte for byte (ansible).
import type { EngineEvent, Reporter } from '../engine/events.js';
import { maxDiffSizeFrom } from './diff.js';
import { JsonReporter } from './json.js';
import { ListrReporter } from './listr.js';
import { PlainReporter } from './plain.js';
import { AnsibleDefaultReporter } from './ansible-default.js';
import { shouldColor, type OutputStream } from './style.js';

export { renderDiff, renderDiffs } from './diff.js';
export { recapLine, renderRecap } from './recap.js';
export { JsonReporter, ListrReporter, PlainReporter };
export type { OutputStream };

/** 'auto' is listr on a terminal and plain otherwise. */
export type ReportFormat = 'auto' | 'plain' | 'json' | 'listr' | 'ansible';

export interface ReporterOptions {
  format?: ReportFormat;
  /** Where everything goes; process.stdout by default. */
  stream?: OutputStream;
  /** Where the ansible format writes warnings (Ansible's Display: stderr); process.stderr by default. */
  errors?: OutputStream;
  /** --diff: show before/after of changes. */
  diff?: boolean;
  /** Ansible's max_diff_size in bytes; ANSIBLE_MAX_DIFF_SIZE from env, else 104448 (0 = no limit). */
  maxDiffSize?: number;
  /** -v count. */
  verbose?: number;
  /** --color / --no-color; when undefined: colour on a terminal unless NO_COLOR is set (FORCE_COLOR forces it). */
  color?: boolean;
  /** For tests; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The format that will actually be used. A live view needs a terminal that
 * can move the cursor: without one (even when listr was asked for by name)
 * it degrades to plain lines, the listr2 non-TTY trap avoided up front.
 */
export function resolveFormat(
  format: ReportFormat,
  stream: OutputStream,
  env: NodeJS.ProcessEnv = process.env,
): 'plain' | 'json' | 'listr' | 'ansible' {
  if (format === 'json' || format === 'plain' || format === 'ansible') return format;
  const live = stream.isTTY === true && env.TERM !== 'dumb' && !env.CI;
  return live ? 'listr' : 'plain';
}

export function createReporter(options: ReporterOptions = {}): Reporter {
  const stream = options.stream ?? process.stdout;
  const env = options.env ?? process.env;
  const common = {
    stream,
    diff: options.diff === true,
    maxDiffSize: options.maxDiffSize ?? maxDiffSizeFrom(env),
    verbose: options.verbose ?? 0,
    color: shouldColor(options.color, stream, env),
  };
  switch (resolveFormat(options.format ?? 'auto', stream, env)) {
    case 'json':
      return new JsonReporter(stream);
    case 'listr':
      return new ListrReporter(common);
    case 'plain':
      return new PlainReporter(common);
    case 'ansible':
      return new AnsibleDefaultReporter({ stream, errors: options.errors ?? process.stderr, verbose: common.verbose, color: common.color });
  }
}

/**
 * Several reporters at once (say, the live view on the terminal and JSON
 * lines into a file). Every reporter sees every event even if one throws; the
 * first error is rethrown afterwards so that a reporter bug is not hidden.
 */
export function fanOut(reporters: readonly Reporter[]): Reporter {
  return {
    handle(event: EngineEvent): void {
      let failure: { error: unknown } | undefined;
      for (const reporter of reporters) {
        try {
          reporter.handle(event);
        } catch (error) {
          failure ??= { error };
        }
      }
      if (failure) throw failure.error;
    },
    async close(): Promise<void> {
      const results = await Promise.allSettled(reporters.map((reporter) => reporter.close()));
      const rejected = results.find((result) => result.status === 'rejected');
      if (rejected) throw rejected.reason;
    },
  };
}
