// --syntax-check, --list-hosts, --list-tasks, --list-tags: the playbook as it
// would run, without contacting any host. Output follows ansible-playbook's.
import { playHostPattern } from './play-hosts.js';
import { loadRun } from './run.js';
import { selectHosts } from '../inventory/index.js';
import { displayPath } from '../playbook/yaml-source.js';
import type { Keywords, Play, TaskNode } from '../playbook/types.js';
import type { ModuleRegistry } from '../module-api.js';
import { isSelected, type TagSelection } from './tags.js';

export type Listing = 'syntax' | 'hosts' | 'tasks' | 'tags';

export interface ListingOptions {
  playbook: string;
  inventory: string[];
  limit?: string;
  tags: TagSelection;
  registry: ModuleRegistry;
  /** A templated hosts: pattern is rendered with them, as in a run. */
  extraVars?: Record<string, unknown>;
}

export async function listPlaybook(what: Listing[], options: ListingOptions): Promise<string> {
  const { playbook, inventory } = await loadRun(options);
  const lines = [`playbook: ${displayPath(playbook.path)}`];
  if (what.includes('syntax') && what.length === 1) return `${lines[0]}\n`;
  playbook.plays.forEach((play, index) => {
    const playTags = play.keywords.tags ?? [];
    lines.push('', `  play #${index + 1} (${play.hosts}): ${play.name}\tTAGS: [${playTags.join(', ')}]`);
    if (what.includes('hosts')) {
      const hosts = selectHosts(inventory, playHostPattern(play, options.extraVars ?? {}), { limit: options.limit }).hosts;
      lines.push(`    pattern: [${play.hosts.split(/[:,]/).map((p) => `'${p}'`).join(', ')}]`, `    hosts (${hosts.length}):`, ...hosts.map((h) => `      ${h}`));
    }
    const tasks = selectedTasks(play, options.tags);
    if (what.includes('tasks')) lines.push('    tasks:', ...tasks.map((t) => `      ${t.name}\tTAGS: [${t.tags.join(', ')}]`));
    if (what.includes('tags')) {
      const all = [...new Set(tasks.flatMap((t) => t.tags))].sort();
      lines.push(`      TASK TAGS: [${all.join(', ')}]`);
    }
  });
  return `${lines.join('\n')}\n`;
}

interface ListedTask {
  name: string;
  tags: string[];
}

/** Module tasks, includes and metas in run order, with inherited tags, filtered like a run. */
function selectedTasks(play: Play, selection: TagSelection): ListedTask[] {
  const out: ListedTask[] = [];
  const visit = (node: TaskNode, inherited: string[]) => {
    const tags = [...new Set([...inherited, ...(node.keywords.tags ?? [])])];
    if (node.kind === 'block') {
      for (const child of [...node.block, ...node.rescue, ...node.always]) visit(child, tags);
      return;
    }
    if (!isSelected(tags, selection)) return;
    out.push({ name: taskName(node, node.keywords), tags });
  };
  for (const node of [...play.preTasks, ...play.tasks, ...play.postTasks]) visit(node, play.keywords.tags ?? []);
  return out;
}

function taskName(node: TaskNode, keywords: Keywords): string {
  const fallback = node.kind === 'module' ? node.module : node.kind === 'include' ? `include_tasks ${node.file}` : node.kind === 'include_role' ? `include_role : ${node.name}` : node.kind === 'meta' ? `meta: ${node.action}` : 'block';
  const name = keywords.name ?? fallback;
  return node.role ? `${node.role.name} : ${name}` : name;
}
