// Every namespace-driver scenario of the project's roles and playbooks
// passes (syntax, create, prepare, check, converge, idempotence, side_effect,
// verify, destroy): what `drover test --all` proves for our users' workflows.
import { describe, test } from 'node:test';
import { projectScenarios, scenarioPasses } from './support/project-scenarios.js';

describe('project scenarios on namespace hosts', () => {
  for (const ref of projectScenarios('namespace')) test(ref.label, () => scenarioPasses(ref));
});
