// What to run, as the engine takes it: the playbook, where its hosts come from,
// and the selection a command line makes (ENV=/GROUP= words, -e, --tags). The
// CLI builds one (runner/cli-args.ts); a plan file stores one; a scale-out run
// loads one. It is the engine's type, so none of them imports the CLI.
import type { TagSelection } from './tags.js';

export interface Invocation {
  playbook: string;
  inventory: string[];
  limit?: string;
  extraVars: Record<string, unknown>;
  tags: TagSelection;
}
