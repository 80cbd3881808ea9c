// Every qemu-driver scenario of the project's roles and playbooks passes in
// real VMs (a TCG boot each: slow, hence the VM suite).
import { describe, test } from 'node:test';
import { projectScenarios, scenarioPasses } from '../support/project-scenarios.js';

describe('project scenarios in qemu guests', () => {
  for (const ref of projectScenarios('qemu')) test(ref.label, () => scenarioPasses(ref));
});
