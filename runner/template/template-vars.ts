// The variables Ansible adds while it renders a template file, for the
// template module and the template lookup (generate_ansible_template_vars in
// lib/ansible/template/__init__.py): where the template is, who owns it, the
// controller's name, and `ansible_managed`. They sit above every other
// variable of the task, as Ansible's temp_vars.update() puts them.
import { readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { Undefined } from './errors.js';

/**
 * Ansible's DEFAULT_MANAGED_STR. The `ansible_managed` setting of ansible.cfg
 * that changes it is refused by drover's config reader, so the string is
 * always this one; it has no `{host}`/`{uid}`/`{file}` fields nor strftime
 * directives for Ansible to fill in.
 */
export const ANSIBLE_MANAGED = 'Ansible managed';

/** Python datetime values drover has no counterpart for: using one is an error that says so. */
function datetimeValue(name: string): Undefined {
  return new Undefined(name, `'${name}' is a Python datetime object in Ansible, which drover does not have; use now(fmt=...) or the strftime filter instead`);
}

/** pwd.getpwuid(uid).pw_name from the controller's /etc/passwd, else the number as text (Ansible's fallback). */
function ownerName(uid: number): string {
  try {
    const entry = readFileSync('/etc/passwd', 'utf8').split('\n').map((line) => line.split(':')).find((f) => f[2] === String(uid));
    if (entry?.[0]) return entry[0];
  } catch {
    // No passwd file: the number, as Ansible gives it on KeyError.
  }
  return String(uid);
}

/**
 * `template_path` is the name the task or lookup gave (its `src`), `fullpath`
 * the file found, `destPath` the module's `dest` (null for the lookup).
 */
export function ansibleTemplateVars(path: string, fullpath: string, destPath: string | null): Record<string, unknown> {
  return {
    template_host: hostname(),
    template_path: path,
    template_mtime: datetimeValue('template_mtime'),
    template_uid: ownerName(statSync(fullpath).uid),
    template_run_date: datetimeValue('template_run_date'),
    template_destpath: destPath === null || destPath === '' ? null : destPath,
    template_fullpath: fullpath,
    ansible_managed: ANSIBLE_MANAGED,
  };
}
