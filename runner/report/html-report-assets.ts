// The style and script inlined in every run report (html-report.ts). The
// script builds the page from the JSON in #run-data with textContent only,
// never innerHTML, so task names, messages and diffs can never become markup.

export const REPORT_STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d1d1f; }
h1 { font-size: 1.3rem; margin: 0 0 .3rem; } h2 { font-size: 1.05rem; margin: 1.4rem 0 .5rem; }
#filters { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; padding: .5rem 0; border-bottom: 1px solid #ddd; }
#filters label { white-space: nowrap; }
#timeline { display: grid; grid-template-columns: max-content 1fr; gap: 3px 8px; align-items: center; }
.lane { position: relative; height: 16px; background: #f3f3f5; border-radius: 3px; }
.bar { position: absolute; top: 1px; height: 14px; min-width: 2px; border-radius: 2px; }
.s-ok { background: #34a853; } .s-changed { background: #f4b400; } .s-failed { background: #d93025; }
.s-skipped { background: #4f8ff7; } .s-unreachable { background: #8e24aa; } .s-ignored { background: #ff8a65; }
td .tag { display: inline-block; padding: 0 .4rem; border-radius: 3px; color: #fff; font-size: 12px; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: 3px 6px; border-bottom: 1px solid #eee; }
pre { background: #f7f7f9; padding: .5rem; overflow-x: auto; margin: .3rem 0; }
.where { color: #666; font-size: 12px; } [hidden] { display: none !important; }
`;

export const REPORT_SCRIPT = `
(() => {
  const data = JSON.parse(document.getElementById('run-data').textContent);
  const el = (tag, props = {}, children = []) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'text') node.textContent = v;
      else if (k === 'style') Object.assign(node.style, v);
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c);
    return node;
  };
  const shown = (r) => (r.status === 'failed' && (r.ignored || r.rescued) ? 'ignored' : r.status);
  const statuses = ['ok', 'changed', 'failed', 'ignored', 'skipped', 'unreachable'];
  const seconds = (ms) => (ms / 1000).toFixed(2) + ' s';

  document.getElementById('summary').textContent =
    data.hosts.length + ' hosts, ' + data.results.length + ' task results, ' + seconds(data.durationMs) +
    (data.check ? ', check mode' : '') + (data.exitCode === null ? ', did not finish' : ', exit ' + data.exitCode);
  document.getElementById('recap').textContent = data.recap.join('\\n');

  const hostSelect = el('select', { id: 'host-filter', 'aria-label': 'host' }, [el('option', { value: '', text: 'all hosts' })]);
  for (const h of data.hosts) hostSelect.append(el('option', { value: h, text: h }));
  const taskInput = el('input', { id: 'task-filter', type: 'search', placeholder: 'task name contains', 'aria-label': 'task' });
  const boxes = statuses.map((s) => el('input', { type: 'checkbox', value: s, checked: '', 'data-status-filter': s }));
  document.getElementById('filters').append(
    el('label', {}, ['Host ', hostSelect]), el('label', {}, ['Task ', taskInput]),
    ...boxes.map((b) => el('label', {}, [b, ' ' + b.value])),
  );

  const span = Math.max(1, data.durationMs);
  const timeline = document.getElementById('timeline');
  const bars = [];
  for (const h of data.hosts) {
    const lane = el('div', { class: 'lane', 'data-host': h });
    for (const r of data.results.filter((x) => x.host === h)) {
      const bar = el('div', {
        class: 'bar s-' + shown(r), 'data-host': h, 'data-status': shown(r), title: r.task + ' (' + shown(r) + ', ' + seconds(r.end - r.start) + ')',
        style: { left: (100 * r.start / span) + '%', width: (100 * (r.end - r.start) / span) + '%' },
      });
      bars.push({ node: bar, result: r });
      lane.append(bar);
    }
    const name = el('div', { class: 'lane-name', 'data-host': h, text: h });
    timeline.append(name, lane);
  }

  const body = document.querySelector('#results tbody');
  const rows = [];
  for (const r of data.results) {
    const detail = el('td');
    for (const c of r.changes) detail.append(el('div', { text: c }));
    if (r.message) detail.append(el('div', { class: 'message', text: r.message }));
    for (const i of r.items) detail.append(el('div', { class: 'item', text: 'item ' + i.label + ': ' + i.status }));
    if (r.diff) detail.append(el('pre', { class: 'diff', text: r.diff }));
    const row = el('tr', { class: 'result', 'data-host': r.host, 'data-status': shown(r) }, [
      el('td', { text: r.host }),
      el('td', {}, [el('div', { text: r.task }), el('div', { class: 'where', text: r.location })]),
      el('td', {}, [el('span', { class: 'tag s-' + shown(r), text: shown(r) + (r.planOnly ? ' (check)' : '') })]),
      el('td', { text: seconds(r.end - r.start) }),
      detail,
    ]);
    rows.push({ node: row, result: r });
    body.append(row);
  }

  const apply = () => {
    const host = hostSelect.value;
    const text = taskInput.value.toLowerCase();
    const wanted = new Set(boxes.filter((b) => b.checked).map((b) => b.value));
    const keep = (r) => (!host || r.host === host) && wanted.has(shown(r)) && r.task.toLowerCase().includes(text);
    for (const { node, result } of [...rows, ...bars]) node.hidden = !keep(result);
    for (const lane of timeline.children) lane.hidden = Boolean(host) && lane.getAttribute('data-host') !== host;
  };
  hostSelect.addEventListener('change', apply);
  taskInput.addEventListener('input', apply);
  for (const b of boxes) b.addEventListener('change', apply);
})();
`;
