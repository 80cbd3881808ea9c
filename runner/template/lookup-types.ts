// What a lookup plugin is (see lookups.ts), apart from the table, so plugin
// files and the dispatcher can share it without importing each other.
import { TemplateError } from './errors.js';
import type { Names } from './values.js';

/** What a lookup plugin sees besides its terms and options. */
export interface LookupContext {
  names: Names;
  /**
   * The subdirectory first_found searches: `files`, or for a `with_NAME` loop the task's
   * action decides (`vars` for include_vars, `templates` for template), as Ansible's task executor sets it.
   */
  subdir?: string;
}

export interface LookupPlugin {
  /** Keyword options the plugin takes (anything else is refused, as Ansible's set_options does). */
  options?: readonly string[];
  /**
   * What a `with_NAME` loop over a mapping hands the plugin: by default its keys
   * (Python iterates a dict so); `whole` passes the mapping as the one term (the
   * dict plugin), `refuse` fails with this message (the list plugin needs a sequence).
   */
  loopMapping?: 'whole' | { refuse: string };
  run(terms: unknown[], options: Record<string, unknown>, ctx: LookupContext): unknown[];
}

/** A failure the `errors=` keyword may turn into an empty result (Ansible's AnsibleLookupError and plugin exceptions). */
export class LookupFailure extends TemplateError {}
