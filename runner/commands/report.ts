// drover report RUN|latest [-o FILE]: a run's event log (run-log.ts) as one
// self-contained HTML page (html-report.ts). Without -o the page goes next
// to the logs, under reports/, and its path is printed.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { reportData, reportHtml } from '../report/html-report.js';
import { defaultRunLogDir, findRunLog, readRunLog, runLogs } from '../report/run-log.js';

export function reportCommand(): Command {
  return new Command('report')
    .description('Write the HTML report of a recorded run: a timeline per host, the recap, every change, diff and failure')
    .argument('[run]', '`latest`, a run id (drover report --list), or a run log file', 'latest')
    .option('-o, --output <file>', 'where to write the page (default: reports/RUN.html beside the run logs)')
    .option('--log <dir>', 'the run log directory (default: $XDG_STATE_HOME/drover/runs)')
    .option('--list', 'list the recorded runs, oldest first')
    .action((run: string, flags: { output?: string; log?: string; list?: boolean }) => {
      const dir = flags.log ?? defaultRunLogDir();
      if (flags.list) {
        process.stdout.write(runLogs(dir).map((f) => `${basename(f, '.jsonl')}\n`).join(''));
        return;
      }
      const file = findRunLog(run, dir);
      const out = resolve(flags.output ?? join(dirname(dir), 'reports', `${basename(file, '.jsonl')}.html`));
      writeReport(file, out);
      process.stdout.write(`${out}\n`);
    });
}

/** Renders the page for one run log, written beside and renamed so a reader never sees half a page. */
export function writeReport(logFile: string, out: string): void {
  mkdirSync(dirname(out), { recursive: true });
  const partial = `${out}.${process.pid}.partial`;
  writeFileSync(partial, reportHtml(reportData(readRunLog(logFile))), { mode: 0o600 });
  renameSync(partial, out);
}
