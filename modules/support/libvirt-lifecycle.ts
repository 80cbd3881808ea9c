// The life of a persistent libvirt network or storage pool: defined or not,
// active or not, autostarted or not, and redefined when its definition
// differs (restarting it if it runs, since libvirt applies a new definition
// only on the next start). Domains have richer run states: libvirt_domain.
import type { DiffEntry, Plan } from '../../runner/module-api.js';
import { compareDefinitions } from './libvirt-compare.js';
import { defineStep, infoFlag, keepUuid, virsh, type LibvirtObject, type VirshStep } from './libvirt-virsh.js';
import { serializeXml, type XmlElement } from './libvirt-xml.js';

export interface LifecycleTarget {
  kind: 'network' | 'pool';
  uri: string;
  name: string;
  current: LibvirtObject | null;
  /** Whether libvirt reports the current object as running. */
  currentActive: boolean;
  state: 'present' | 'absent';
  desired: XmlElement;
  active: boolean;
  /** Unset: leave autostart as it is. */
  autostart?: boolean;
  /** Steps needed before the object can start (a pool's directory). */
  beforeStart?: readonly VirshStep[];
}

/** The changes and the virsh steps that bring a network or pool to the wanted state. */
export function planLifecycle(t: LifecycleTarget): Required<Pick<Plan<VirshStep[]>, 'changes' | 'diff' | 'state'>> {
  const verb = (action: string) => (t.kind === 'network' ? `net-${action}` : `pool-${action}`);
  const named = (...args: string[]): VirshStep => ({ command: virsh(t.uri, ...args, t.kind === 'network' ? '--network' : '--pool', t.name) });
  const what = `${t.kind} ${t.name}`;
  const changes: string[] = [];
  const steps: VirshStep[] = [];
  const diff: DiffEntry[] = [];

  if (t.state === 'absent') {
    if (!t.current) return { changes, diff, state: steps };
    if (t.currentActive) steps.push(named(verb('destroy')));
    steps.push(named(verb('undefine')));
    changes.push(`${t.currentActive ? 'stop and ' : ''}undefine ${what}`);
    diff.push({ label: what, before: t.current.xmlText, after: '' });
    return { changes, diff, state: steps };
  }

  const define = (xml: XmlElement): VirshStep => defineStep(t.uri, t.kind === 'network' ? 'net-define' : 'pool-define', xml);
  let redefined = false;
  if (!t.current) {
    changes.push(`define ${what}`);
    steps.push(define(t.desired));
    diff.push({ label: what, before: '', after: serializeXml(t.desired) });
  } else {
    const comparison = compareDefinitions(t.desired, t.current.xml);
    if (!comparison.same) {
      redefined = true;
      steps.push(define(keepUuid(t.desired, t.current.xml, what)));
      diff.push({ label: what, before: comparison.before, after: comparison.after });
    }
  }
  const restart = redefined && t.currentActive && t.active;
  if (redefined) changes.push(`redefine ${what}${restart ? ' and restart it to apply the new definition' : ''}`);
  if (restart) steps.push(named(verb('destroy')));
  if (t.active && (!t.currentActive || restart)) {
    steps.push(...(t.beforeStart ?? []), named(verb('start')));
    if (!restart) changes.push(`start ${what}`);
  }
  if (!t.active && t.currentActive) {
    steps.push(named(verb('destroy')));
    changes.push(`stop ${what}`);
  }
  const autostartNow = t.current ? infoFlag(t.current.info.Autostart) : false;
  if (t.autostart !== undefined && t.autostart !== autostartNow) {
    steps.push(named(verb('autostart'), ...(t.autostart ? [] : ['--disable'])));
    changes.push(`${t.autostart ? 'enable' : 'disable'} autostart of ${what}`);
  }
  if (t.active !== t.currentActive || (t.autostart ?? autostartNow) !== autostartNow) {
    const status = (active: boolean, autostart: boolean) => `active: ${active ? 'yes' : 'no'}\nautostart: ${autostart ? 'yes' : 'no'}\n`;
    diff.push({ label: `status of ${what}`, before: t.current ? status(t.currentActive, autostartNow) : '', after: status(t.active, t.autostart ?? autostartNow) });
  }
  return { changes, diff, state: steps };
}
