// Run one module against a real host the way the engine does (normalise,
// validate, plan, apply unless check), without a playbook. Module tests use it
// to assert on the host's real state after each step.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnyModule, ModuleContext } from '../../runner/module-api.js';
import { ModuleFailure } from '../../runner/module-api.js';
import type { Host } from '../../runner/host/types.js';
import { normaliseParams, validateParams } from '../../runner/validate/params.js';
import { runModuleStep, type StepOutcome } from '../../runner/engine/module-step.js';

export interface HarnessOptions {
  check?: boolean;
  /** Controller directory that `src:` paths are read from. */
  filesDir?: string;
  /** Render template text; defaults to returning the text unchanged. */
  renderTemplate?: ModuleContext['renderTemplate'];
  /** Variables for `lookup`/`evaluate`-using modules. */
  vars?: Record<string, unknown>;
  evaluate?: (expression: string) => boolean;
  /** The task's diff mode (--diff or its diff keyword); default off. */
  diff?: boolean;
}

export async function runModule(host: Host, module: AnyModule, rawParams: unknown, options: HarnessOptions = {}): Promise<StepOutcome> {
  const params = normaliseParams(module, rawParams);
  const problems = validateParams(module, params);
  if (problems.length) throw new ModuleFailure(problems.map((p) => p.message).join('; '));
  const warnings: string[] = [];
  const ctx: ModuleContext = {
    evaluate: options.evaluate ?? ((expression) => { throw new Error(`no evaluator given for '${expression}'`); }),
    verbosity: 0,
    diff: options.diff ?? false,
    lookup: (name) => options.vars?.[name],
    async readLocalFile(path) {
      const full = join(options.filesDir ?? process.cwd(), path);
      return { path: full, content: await readFile(full) };
    },
    decryptLocalFile: async (_path, content) => content,
    async findLocalDirectory(path) {
      const full = join(options.filesDir ?? process.cwd(), path);
      return (await stat(full)).isDirectory() ? full : null;
    },
    source: { taskDir: options.filesDir ?? process.cwd() },
    loadVarsFile: async (path) => JSON.parse(await readFile(path, 'utf8')),
    renderTemplate: options.renderTemplate ?? ((text) => text),
    warn: (message) => warnings.push(message),
    checkModeWarn: (message) => options.check === true && warnings.push(message),
  };
  return runModuleStep(module, host, params, ctx, { check: options.check ?? false });
}
