// The command lines a repository runs Ansible with (Makefiles and shell
// scripts): each flag of `ansible-playbook` and ad-hoc `ansible` checked
// against the options drover's own `run` and `exec` commands declare, so a
// flag drover lacks is found before the first run stops on it.
import { readFile } from 'node:fs/promises';
import type { Problem } from '../errors.js';
import { displayPath } from '../playbook/yaml-source.js';
import { shlexSplit } from '../shlex.js';

/** The options a drover command declares: each option's spellings, and whether it takes a value. */
export interface CommandOptions {
  /** The drover command an Ansible tool's command line becomes. */
  drover: string;
  options: { names: string[]; takesValue: boolean }[];
}

/** Ansible's command-line tools drover has a command for. */
export type ToolOptions = Record<'ansible-playbook' | 'ansible', CommandOptions>;

/** Makefiles and shell scripts, by name. */
export function isScript(name: string): boolean {
  return /^(GNUmakefile|[Mm]akefile)$|\.(mk|sh|bash)$/.test(name);
}

const TOOL = /(^|[\s;&|(`@])(ansible-playbook|ansible)(?=\s)/;
/** Where a shell command ends. */
const COMMAND_END = /\s(?:&&|\|\||\||;)\s|;\s*$|\)\s*$/;

export async function scriptProblems(path: string, tools: ToolOptions): Promise<{ commands: number; problems: Problem[] }> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  const problems: Problem[] = [];
  let commands = 0;
  for (let i = 0; i < lines.length; i++) {
    const match = TOOL.exec(lines[i]!);
    if (match === null || /^\s*#/.test(lines[i]!)) continue;
    const tool = match[2] as keyof ToolOptions;
    const start = match.index + match[0].length;
    // The command's words, line by line while a line ends in a backslash, each with where it starts.
    const words: { text: string; line: number; column: number }[] = [];
    for (let j = i, from = start; j < lines.length; j++, from = 0) {
      const raw = lines[j]!;
      const end = COMMAND_END.exec(raw.slice(from));
      const body = raw.slice(from, end === null ? undefined : from + end.index);
      const continued = end === null && /\\\s*$/.test(body);
      let cursor = 0;
      for (const word of splitWords(continued ? body.replace(/\\\s*$/, '') : body)) {
        const at = body.indexOf(word, cursor);
        cursor = at < 0 ? cursor : at + word.length;
        words.push({ text: word, line: j + 1, column: from + Math.max(at, 0) + 1 });
      }
      i = j;
      if (!continued) break;
    }
    // Ad-hoc `ansible` is a command only with a module or its arguments (not the word in an echo).
    if (tool === 'ansible' && !words.some((w) => w.text === '-m' || w.text === '-a' || w.text.startsWith('--module-name'))) continue;
    commands++;
    problems.push(...flagProblems(words, tool, tools[tool], path));
  }
  return { commands, problems };
}

function splitWords(text: string): string[] {
  try {
    return shlexSplit(text);
  } catch {
    // Unbalanced quotes (a line of a longer quoted string): its words are not read.
    return [];
  }
}

function flagProblems(words: { text: string; line: number; column: number }[], tool: string, command: CommandOptions, path: string): Problem[] {
  const problems: Problem[] = [];
  const find = (name: string) => command.options.find((o) => o.names.includes(name));
  const refuse = (flag: string, word: { line: number; column: number }) =>
    problems.push({
      message: `${tool} flag '${flag}': ${command.drover} has no such option`,
      location: { file: displayPath(path), line: word.line, column: word.column },
      unsupported: { kind: 'setting', name: `${tool} ${flag}`, instead: `${command.drover} --help lists the flags drover has (docs/differences.md says what it leaves out)` },
    });
  for (let k = 0; k < words.length; k++) {
    const word = words[k]!;
    const text = word.text;
    if (!text.startsWith('-') || text === '-' || text === '--' || /^-v+$/.test(text) || /^-\d/.test(text)) continue;
    if (text.startsWith('--')) {
      const option = find(text.split('=')[0]!);
      if (option === undefined) refuse(text.split('=')[0]!, word);
      else if (option.takesValue && !text.includes('=')) k++;
      continue;
    }
    // Short flags as argparse reads them: run together (`-bK`), the last one's value glued on or next (`-e@vars.yml`, `-i hosts`).
    for (let c = 1; c < text.length; c++) {
      const option = find(`-${text[c]}`);
      if (option === undefined) {
        refuse(`-${text[c]}`, word);
        break;
      }
      if (option.takesValue) {
        if (c === text.length - 1) k++;
        break;
      }
    }
  }
  return problems;
}
