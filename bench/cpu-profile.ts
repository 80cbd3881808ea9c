// Read a V8 .cpuprofile (node --cpu-prof) and name the functions that used the
// most CPU themselves (self time), which is where a fix has to go.
// Also a command: node dist/bench/cpu-profile.js FILE.cpuprofile [N]
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  /** function (file:line), with anonymous functions and V8 pseudo-frames named. */
  name: string;
  /** The nearest drover function (runner/, modules/) on the stack above it, the most frequent one: who asked for this work. */
  via: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  top: SelfTime[];
}

/** Where in the code: node_modules/<package>/... or the project file, short enough for a table. */
function where(url: string): string {
  if (!url) return '';
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path);
  if (pkg) return `${pkg[1]}/${pkg[2]}`;
  const own = /\/(runner|modules|bench)\/(.*)$/.exec(path);
  return own ? `${own[1]}/${own[2]}` : basename(path);
}

export async function summarizeProfile(file: string, count = 15): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const nameOf = new Map<number, string>();
  const parentOf = new Map<number, number>();
  const ownCode = new Set<number>();
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const at = where(f.url);
    nameOf.set(n.id, `${f.functionName || '(anonymous)'}${at ? ` ${at}:${f.lineNumber + 1}` : ''}`);
    if (/^(runner|modules)\//.test(at)) ownCode.add(n.id);
    for (const c of n.children ?? []) parentOf.set(c, n.id);
  }
  const ownCaller = (id: number): string => {
    for (let p = parentOf.get(id); p !== undefined; p = parentOf.get(p)) if (ownCode.has(p)) return nameOf.get(p) ?? '';
    return '';
  };
  const callers = new Map<string, Map<string, number>>();
  // Sample i was taken timeDeltas[i+1] µs before the next one: that interval is charged to it.
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const name = nameOf.get(id) ?? '(unknown)';
    selfUs.set(name, (selfUs.get(name) ?? 0) + dt);
    const byCaller = callers.get(name) ?? new Map<string, number>();
    const via = ownCaller(id);
    byCaller.set(via, (byCaller.get(via) ?? 0) + dt);
    callers.set(name, byCaller);
    totalUs += dt;
  });
  const top = [...selfUs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, via: [...(callers.get(name) ?? [])].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '', ms: us / 1000, share: totalUs ? us / totalUs : 0 }));
  return { totalMs: totalUs / 1000, top };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, n] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: cpu-profile FILE.cpuprofile [N]\n');
    process.exit(2);
  }
  const s = await summarizeProfile(file, Number(n ?? 20));
  process.stdout.write(`total ${s.totalMs.toFixed(0)} ms sampled\n`);
  for (const t of s.top) process.stdout.write(`${t.ms.toFixed(1).padStart(9)} ms ${(100 * t.share).toFixed(1).padStart(5)}%  ${t.name}${t.via ? `  (via ${t.via})` : ''}\n`);
}
