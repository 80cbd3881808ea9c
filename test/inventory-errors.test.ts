// Every broken fixture in fixtures/inventory/errors and the exact message it
// gives: position first (file:line, or file:line:col for YAML), the reason,
// then the offending line. ansible-core rejects each of these files too.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '../runner/errors.js';
import { loadInventory } from '../runner/inventory/index.js';

const cwd = fileURLToPath(new URL('./fixtures/inventory/', import.meta.url));

const EXPECTED: Record<string, string> = {
  'host-var-without-value.ini': `errors/host-var-without-value.ini:3: Expected key=value host variable assignment, got: ansible_host
    web02 ansible_host`,
  'unknown-section-type.ini': `errors/unknown-section-type.ini:4: Section [web:nonsense] has an unknown type 'nonsense' (expected :vars or :children)
    [web:nonsense]`,
  'undefined-child.ini': `errors/undefined-child.ini:2: Section [prod:children] includes undefined group 'web'
    web`,
  'vars-for-undefined-group.ini': `errors/vars-for-undefined-group.ini:3: Section [ghost:vars] is not valid: group 'ghost' is not defined
    [ghost:vars]`,
  'section-with-space.ini': `errors/section-with-space.ini:1: Invalid section entry '[web servers]': a section is [name], [name:vars] or [name:children], without spaces
    [web servers]`,
  'unclosed-quote.ini': `errors/unclosed-quote.ini:2: Error parsing host definition 'web01 motd="unterminated': No closing quotation
    web01 motd="unterminated`,
  'range-unequal-width.ini': `errors/range-unequal-width.ini:2: host range in 'node[01:1]' must specify equal-length begin and end formats
    node[01:1]`,
  'trailing-colon.ini': `errors/trailing-colon.ini:2: Invalid host pattern 'web01:': it ends in ':', which is reserved to introduce a port
    web01:`,
  'vars-without-equals.ini': `errors/vars-without-equals.ini:3: Expected key=value, got: justaword
    justaword`,
  'group-loop.ini': `errors/group-loop.ini:5: adding group 'a' as a child of 'b' creates a dependency loop
    a`,
  'bad-priority.ini': `errors/bad-priority.ini:2: ansible_group_priority must be an integer, got "high"
    ansible_group_priority=high`,
  'bad-indent.yml': `errors/bad-indent.yml:4:4: All mapping items must start at the same column
       ansible_host: 10.0.0.1
       ^`,
  'vars-as-list.yml': `errors/vars-as-list.yml:5:9: the "vars" entry of group "web" must be a mapping, found a list
            - http_port
            ^`,
  'host-vars-as-list.yml': `errors/host-vars-as-list.yml:3:12: host 'web01' must map to its variables (a mapping) or nothing, found a list
        web01: [a, b]
               ^`,
  'plugin-config.yml': `errors/plugin-config.yml:1:1: inventory plugin 'amazon.aws.aws_ec2' is not available in drover; it has constructed, drover.libvirt, drover.terraform_state (docs/inventory.md), or export the inventory to YAML
    plugin: amazon.aws.aws_ec2`,
  // Vaults are opened by runner/vault (InputError, not InventoryError); here no password is given.
  'inline-vault.yml':
    'the !vault value at errors/inline-vault.yml:3:20 is encrypted with Ansible Vault, and no password was given: use --vault-id LABEL@FILE, --vault-password-file FILE, --ask-vault-pass, or set DROVER_VAULT_PASSWORD_FILE (or ANSIBLE_VAULT_PASSWORD_FILE)',
  'vaulted.yml':
    'errors/vaulted.yml is encrypted with Ansible Vault, and no password was given: use --vault-id LABEL@FILE, --vault-password-file FILE, --ask-vault-pass, or set DROVER_VAULT_PASSWORD_FILE (or ANSIBLE_VAULT_PASSWORD_FILE)',
};

describe('inventory errors', () => {
  it('has an expected message for every error fixture', () => {
    assert.deepEqual(readdirSync(`${cwd}errors`).sort(), Object.keys(EXPECTED).sort());
  });

  for (const [file, message] of Object.entries(EXPECTED)) {
    it(file, async () => {
      await assert.rejects(loadInventory(`errors/${file}`, { cwd }), (e: unknown) => {
        assert.ok(e instanceof InputError);
        assert.equal(e.message, message);
        return true;
      });
    });
  }
});
