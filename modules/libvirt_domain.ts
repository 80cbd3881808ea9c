// libvirt_domain: a virtual machine defined from inline XML or from typed
// fields, its run state and autostart. A domain whose definition differs from
// the playbook's is redefined (keeping its uuid), which Ansible's virt module
// never does; only what the playbook states is compared (libvirt-compare.ts).
import { defineModule, ModuleFailure, type DiffEntry } from '../runner/module-api.js';
import { sh } from '../runner/quote.js';
import { compareDefinitions } from './support/libvirt-compare.js';
import { DOMAIN_FIELD_NAMES, domainFieldsSchema, domainXml, type DomainFields } from './support/libvirt-domain-xml.js';
import { defineStep, infoFlag, keepUuid, parseDesired, readObject, runSteps, uriParam, virsh, withName, type LibvirtObject, type VirshStep } from './support/libvirt-virsh.js';
import { serializeXml, type XmlElement } from './support/libvirt-xml.js';
import { renderLocalTemplate } from './support/render-local-template.js';

type DomainState = 'defined' | 'running' | 'shutoff' | 'paused' | 'absent';

export default defineModule({
  name: 'libvirt_domain',
  summary: 'Manage a libvirt domain (virtual machine): definition, run state, autostart.',
  changedWhen: 'the domain was defined, redefined (its XML differed in a field the task states), started, paused, resumed, shut off, undefined, or its autostart flag changed.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'Domain name.' },
      uri: uriParam,
      state: {
        enum: ['defined', 'running', 'shutoff', 'paused', 'absent'],
        default: 'defined',
        description: 'defined: exists, whatever its run state; running, shutoff, paused: exists in that state; absent: stopped and undefined (its disk images are kept).',
      },
      autostart: { type: 'boolean', description: 'Start the domain when libvirtd starts. Unset: left as it is.' },
      xml: { type: 'string', minLength: 1, description: 'The whole <domain> definition (e.g. from a template lookup), instead of the typed fields. Only the elements and attributes it states are compared.' },
      xml_template: {
        type: 'string',
        minLength: 1,
        description: "Like xml, from a template on the controller (searched in the role's templates/, then the playbook's directory) rendered with the task's variables.",
      },
      shutdown_timeout: {
        type: 'integer',
        minimum: 0,
        default: 60,
        description: 'For state shutoff: seconds to wait for the guest to power off after an ACPI shutdown request before forcing it off; 0 forces it off at once.',
      },
      ...domainFieldsSchema,
    },
  },
  async plan(host, params, ctx) {
    const what = `domain ${params.name}`;
    const current = await readObject(host, 'domain', params.uri, params.name);
    const state = params.state as DomainState;
    const result = { name: params.name, state: current ? describeState(current) : 'absent' };
    if (state === 'absent') {
      if (!current) return { changes: [], result };
      const steps: VirshStep[] = [];
      if (isActive(current)) steps.push({ command: virsh(params.uri, 'destroy', '--domain', params.name) });
      // A UEFI domain cannot be undefined without saying what happens to its NVRAM file.
      const nvram = current.xml.children.find((c) => c.tag === 'os')?.children.some((c) => c.tag === 'nvram');
      steps.push({ command: virsh(params.uri, 'undefine', '--managed-save', '--snapshots-metadata', ...(nvram ? ['--nvram'] : []), '--domain', params.name) });
      return { changes: [`undefine ${what}${isActive(current) ? ' (forced off first)' : ''}`], diff: [{ label: what, before: current.xmlText, after: '' }], state: steps, result };
    }

    if (params.xml !== undefined && params.xml_template !== undefined) throw new ModuleFailure('give xml or xml_template, not both');
    const xml = params.xml_template === undefined ? params.xml : await renderLocalTemplate(ctx, params.xml_template);
    const desired = desiredDefinition(params.name, { ...params, xml });
    const changes: string[] = [];
    const steps: VirshStep[] = [];
    const diff: DiffEntry[] = [];
    if (!current) {
      changes.push(`define ${what}`);
      steps.push(defineStep(params.uri, 'define', desired));
      diff.push({ label: what, before: '', after: serializeXml(desired) });
    } else {
      const comparison = compareDefinitions(desired, current.xml);
      if (!comparison.same) {
        changes.push(`redefine ${what}${isActive(current) ? ' (it is running: the new definition takes effect when it next starts)' : ''}`);
        steps.push(defineStep(params.uri, 'define', keepUuid(desired, current.xml, what)));
        diff.push({ label: what, before: comparison.before, after: comparison.after });
      }
    }
    const autostartNow = current ? infoFlag(current.info.Autostart) : false;
    if (params.autostart !== undefined && params.autostart !== autostartNow) {
      changes.push(`${params.autostart ? 'enable' : 'disable'} autostart of ${what}`);
      steps.push({ command: virsh(params.uri, 'autostart', ...(params.autostart ? [] : ['--disable']), '--domain', params.name) });
    }
    const transition = runStateSteps(params.uri, params.name, current, state, params.shutdown_timeout);
    if (transition) {
      changes.push(`${transition.change} ${what}`);
      steps.push(...transition.steps);
      diff.push({ label: `run state of ${what}`, before: `${result.state}\n`, after: `${state === 'shutoff' ? 'shut off' : state}\n` });
    }
    return { changes, diff, state: steps, result };
  },
  async apply(host, params, plan) {
    await runSteps(host, plan.state as VirshStep[]);
    const now = await readObject(host, 'domain', params.uri, params.name);
    return { result: { name: params.name, state: now ? describeState(now) : 'absent' } };
  },
});

/** The playbook's definition: its XML, or the XML its typed fields stand for. */
function desiredDefinition(name: string, params: DomainFields & { xml?: string }): XmlElement {
  const fields = DOMAIN_FIELD_NAMES.filter((k) => params[k] !== undefined);
  if (params.xml === undefined) return domainXml(name, params);
  if (fields.length > 0) throw new ModuleFailure(`give the domain as xml or as fields, not both (also given: ${fields.join(', ')})`);
  return withName(parseDesired(params.xml, 'domain'), name, 'domain');
}

/** dominfo's Id is '-' for a domain that is not running (shut off or never started). */
function isActive(domain: LibvirtObject): boolean {
  return (domain.info.Id ?? '-') !== '-';
}

function describeState(domain: LibvirtObject): string {
  return domain.info.State ?? 'unknown';
}

/** What to run to bring the domain from its run state to the wanted one; null when it is there. */
function runStateSteps(uri: string, name: string, current: LibvirtObject | null, wanted: DomainState, timeout: number): { change: string; steps: VirshStep[] } | null {
  const active = current !== null && isActive(current);
  const now = current ? describeState(current) : 'shut off';
  const one = (change: string, ...args: string[]) => ({ change, steps: [{ command: virsh(uri, ...args, '--domain', name) }] });
  switch (wanted) {
    case 'running':
      if (!active) return one('start', 'start');
      if (now === 'paused') return one('resume', 'resume');
      if (now === 'pmsuspended') return one('wake up', 'dompmwakeup');
      return null;
    case 'paused':
      if (!active) return one('start (paused)', 'start', '--paused');
      return now === 'paused' ? null : one('pause', 'suspend');
    case 'shutoff':
      return active ? { change: timeout > 0 ? 'shut down' : 'force off', steps: [{ command: shutdownCommand(uri, name, timeout) }] } : null;
    default:
      return null;
  }
}

/** ACPI shutdown, wait up to `timeout` seconds, then force off whatever still runs; one round trip. */
function shutdownCommand(uri: string, name: string, timeout: number) {
  return sh`U=${uri} N=${name} T=${timeout}
off() { [ "$(virsh -q -c "$U" domstate --domain "$N")" = "shut off" ]; }
if [ "$T" -gt 0 ]; then
  virsh -q -c "$U" shutdown --domain "$N" >/dev/null || true
  i=0
  while [ "$i" -lt "$T" ] && ! off; do sleep 1; i=$((i + 1)); done
fi
off || virsh -q -c "$U" destroy --domain "$N"`;
}
