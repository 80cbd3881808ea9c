// `drover report RUN -o report.html`: one self-contained HTML page from a run
// log (run-log.ts): a timeline per host (a bar per task from its start to its
// end, coloured by status), the PLAY RECAP, every result with its changes,
// diff and message, and filters by host, status and task. No network: the
// style and the script are inline, the data is JSON inside the page.
import type { EngineEvent, HostStats, TaskResultEvent } from '../engine/events.js';
import { renderDiffs } from './diff.js';
import { REPORT_SCRIPT, REPORT_STYLE } from './html-report-assets.js';
import { recapLine } from './recap.js';
import type { LoggedEvent } from './run-log.js';

/** One task's result on one host, as the page shows it. */
export interface ReportResult {
  host: string;
  play: string;
  task: string;
  location: string;
  module?: string;
  status: TaskResultEvent['status'];
  ignored: boolean;
  rescued: boolean;
  planOnly: boolean;
  changes: string[];
  /** The unified diff text (empty without changes to show). */
  diff: string;
  message?: string;
  /** Loop items of this task: label and status each. */
  items: Array<{ label: string; status: string }>;
  /** ms from the run's start. */
  start: number;
  end: number;
}

export interface ReportData {
  playbook: string;
  check: boolean;
  startedAt: number;
  durationMs: number;
  exitCode: number | null;
  hosts: string[];
  results: ReportResult[];
  stats: Record<string, HostStats>;
  recap: string[];
}

export function reportData(log: readonly LoggedEvent[]): ReportData {
  const first = log[0];
  const startedAt = first?.at ?? 0;
  const data: ReportData = { playbook: '', check: false, startedAt, durationMs: 0, exitCode: null, hosts: [], results: [], stats: {}, recap: [] };
  const hosts = new Set<string>();
  /** Items seen per host and task location, until the task's own result arrives. */
  const pendingItems = new Map<string, ReportResult['items']>();
  for (const { at, event } of log) {
    data.durationMs = at - startedAt;
    applyEvent(event, { at: at - startedAt, data, hosts, pendingItems });
  }
  data.hosts = [...hosts];
  return data;
}

interface Fold {
  at: number;
  data: ReportData;
  hosts: Set<string>;
  pendingItems: Map<string, ReportResult['items']>;
}

function applyEvent(event: EngineEvent, fold: Fold): void {
  const { data } = fold;
  switch (event.type) {
    case 'run.start':
      data.playbook = event.playbook;
      data.check = event.check;
      return;
    case 'play.start':
      for (const h of event.hosts) fold.hosts.add(h);
      return;
    case 'host.task.result': {
      const key = `${event.host}\0${event.task.location}`;
      if (event.item !== undefined) {
        const items = fold.pendingItems.get(key) ?? [];
        items.push({ label: event.item, status: event.status });
        fold.pendingItems.set(key, items);
        return;
      }
      fold.hosts.add(event.host);
      data.results.push(resultOf(event, { end: fold.at, items: fold.pendingItems.get(key) ?? [] }));
      fold.pendingItems.delete(key);
      return;
    }
    case 'run.end':
      data.stats = event.stats;
      data.exitCode = event.exitCode;
      data.recap = Object.entries(event.stats).map(([host, stats]) => recapLine(host, stats));
      return;
    default:
      return;
  }
}

function resultOf(event: TaskResultEvent, timing: { end: number; items: ReportResult['items'] }): ReportResult {
  return {
    host: event.host,
    play: event.task.play,
    task: event.task.name,
    location: event.task.location,
    module: event.task.module,
    status: event.status,
    ignored: event.ignored === true,
    rescued: event.rescued === true,
    planOnly: event.planOnly,
    changes: event.changes,
    diff: renderDiffs(event.diff),
    message: event.message,
    items: timing.items,
    start: Math.max(0, timing.end - event.durationMs),
    end: timing.end,
  };
}

/** The page. Data goes in as JSON with `<` escaped, so no value can close the script element. */
export function reportHtml(data: ReportData): string {
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const title = `drover run: ${data.playbook}`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<style>${REPORT_STYLE}</style>`,
    '</head><body>',
    `<header><h1>${escapeHtml(title)}</h1><p id="summary"></p></header>`,
    '<section id="filters" aria-label="filters"></section>',
    '<section><h2>Timeline</h2><div id="timeline"></div></section>',
    '<section><h2>PLAY RECAP</h2><pre id="recap"></pre></section>',
    '<section><h2>Results</h2><table id="results"><thead><tr><th>host</th><th>task</th><th>status</th><th>time</th><th>what changed / why</th></tr></thead><tbody></tbody></table></section>',
    `<script type="application/json" id="run-data">${json}</script>`,
    `<script>${REPORT_SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
