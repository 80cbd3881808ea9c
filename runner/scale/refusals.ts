// What a sliced run cannot do the way a single process does, refused before
// anything is queued. A slice runs the plays on its own hosts; whatever makes
// one host's run depend on the other hosts' results (a batch, a run_once, a
// host failing the whole play, another host's registered vars or facts)
// would change meaning at a slice boundary, so it is refused rather than run
// differently.
import { InputError, type Problem } from '../errors.js';
import type { Bundle } from './bundle.js';

const SCANNED = /\.(ya?ml|j2|jinja2?|tpl)$/;

const RULES: ReadonlyArray<{ pattern: RegExp; why: (word: string) => string }> = [
  {
    pattern: /^\s*(?:-\s+)?(serial|run_once|any_errors_fatal|max_fail_percentage|throttle)\s*:/,
    why: (word) => `'${word}' decides over all the play's hosts, which a run split into slices (--redis) cannot do yet; run this playbook without --redis`,
  },
  {
    pattern: /\b(end_play|end_batch)\b/,
    why: (word) => `meta ${word} ends the play for every host, which a run split into slices (--redis) cannot do yet; run this playbook without --redis`,
  },
  {
    pattern: /^\s*(vars_prompt)\s*:/,
    why: () => "vars_prompt would be asked on the workers, which have no terminal: answer each question with -e NAME=VALUE and drop vars_prompt, or run without --redis",
  },
  {
    pattern: /\b(hostvars|ansible_play_hosts(?!_all)|play_hosts|ansible_play_batch)\b/,
    why: (word) => `'${word}' reads other hosts' results, and a slice (--redis) sees only its own hosts'; run this playbook without --redis`,
  },
];

/** Every line of the bundle's playbook, task, vars and template files that a slice would run differently. */
export function refuseSliceBoundaries(bundle: Bundle, root: string): void {
  const problems: Problem[] = [];
  for (const file of bundle.files) {
    if (!SCANNED.test(file.path)) continue;
    const lines = Buffer.from(file.content, 'base64').toString('utf8').split('\n');
    for (const [index, line] of lines.entries()) {
      if (/^\s*#/.test(line)) continue;
      for (const rule of RULES) {
        const match = rule.pattern.exec(line);
        if (!match) continue;
        const word = match[1]!;
        problems.push({ message: rule.why(word), location: { file: `${root}/${file.path}`, line: index + 1, column: line.indexOf(word) + 1 } });
      }
    }
  }
  if (problems.length > 0) throw new InputError(problems);
}
