// What a plan was computed from, pinned by content: every file under the
// playbook's directory, under the roles/ directory roles are found in beside
// the working directory, and of each inventory source, with its SHA-256.
// `drover apply` recomputes the pins and refuses, naming the files, when any
// was changed, added or removed: a reviewed plan is only applied with the
// playbooks, roles, templates and vars it was reviewed with. Hidden entries
// (.git, .drover), node_modules and drover plan files (written beside the
// playbook more often than not) are not project content and are skipped.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export type ContentPins = Record<string, string>;

/** How every plan file starts (plan-file.ts writes it); other plans never pin each other. */
const PLAN_FILE = /^\{\s*"format":\s*"drover-plan"/;

export interface PinRoots {
  /** The directory the plan was made in; pins are named relative to it. */
  baseDir: string;
  playbook: string;
  inventory: readonly string[];
}

export function pinContent(roots: PinRoots): ContentPins {
  const base = roots.baseDir;
  const starts = [dirname(resolve(base, roots.playbook)), resolve(base, 'roles'), ...roots.inventory.map((i) => resolve(base, i))];
  const pins: ContentPins = {};
  const visit = (path: string): void => {
    let st;
    try {
      st = statSync(path);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(path).sort()) if (!name.startsWith('.') && name !== 'node_modules') visit(join(path, name));
    } else if (st.isFile()) {
      const bytes = readFileSync(path);
      if (!PLAN_FILE.test(bytes.subarray(0, 64).toString('latin1'))) pins[relative(base, path)] ??= createHash('sha256').update(bytes).digest('hex');
    }
  };
  for (const start of starts) visit(start);
  return pins;
}

/** Each pinned file that differs now, with how: changed, added or removed. */
export function changedContent(pinned: ContentPins, now: ContentPins): string[] {
  const out: string[] = [];
  for (const [file, digest] of Object.entries(pinned)) {
    if (!(file in now)) out.push(`${file}: removed`);
    else if (now[file] !== digest) out.push(`${file}: changed`);
  }
  for (const file of Object.keys(now)) if (!(file in pinned)) out.push(`${file}: added`);
  return out;
}
