#!/usr/bin/python3
"""Record what ansible-core answers for an inventory fixture, for test/inventory-oracle.test.ts.

    python3 scripts/record-inventory-oracle.py NAME CWD SOURCE... [--pattern P]...

CWD is relative to test/fixtures/inventory/, SOURCEs relative to CWD; writes
test/fixtures/inventory/expected/NAME.json: hosts in run order, the groups and
group_names magic variables, each host's inventory variables (magic ones left
out), and the hosts each --pattern selects.
"""
import json
import os
import sys

from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.release import __version__
from ansible.vars.manager import VariableManager

# Variables VariableManager adds that are not the inventory's.
MAGIC = {
    'inventory_hostname', 'inventory_hostname_short', 'group_names', 'groups', 'hostvars', 'omit', 'playbook_dir',
    'ansible_version', 'ansible_playbook_python', 'ansible_config_file', 'ansible_check_mode', 'ansible_diff_mode',
    'ansible_forks', 'ansible_inventory_sources', 'ansible_skip_tags', 'ansible_run_tags', 'ansible_verbosity',
    'ansible_facts', 'ansible_play_hosts', 'ansible_play_hosts_all', 'ansible_play_batch', 'play_hosts',
    'ansible_search_path', 'ansible_dependent_role_names', 'ansible_role_names', 'ansible_play_role_names',
    'role_names', 'ansible_collection_name',
}

def main(argv):
    name, cwd, rest = argv[0], argv[1], argv[2:]
    sources = [a for i, a in enumerate(rest) if a != '--pattern' and (i == 0 or rest[i - 1] != '--pattern')]
    patterns = [rest[i + 1] for i, a in enumerate(rest) if a == '--pattern']
    fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'inventory')
    base = os.path.join(fixtures, cwd)
    os.chdir(base)
    loader = DataLoader()
    inventory = InventoryManager(loader=loader, sources=sources)
    variables = VariableManager(loader=loader, inventory=inventory)
    hosts = [h.name for h in inventory.get_hosts('all')]
    groups = {g: sorted_hosts(inventory, g) for g in inventory.groups}
    record = {
        'recorded_with': 'ansible-core ' + __version__,
        'args': {'cwd': cwd, 'sources': sources, 'patterns': [{'pattern': p} for p in patterns]},
        'hosts': hosts,
        'groups': groups,
        'group_names': {},
        'vars': {},
        'patterns': [{'pattern': p, 'hosts': [h.name for h in inventory.get_hosts(p)]} for p in patterns],
    }
    del record['args']['patterns']
    for h in hosts:
        host = inventory.get_host(h)
        all_vars = variables.get_vars(host=host, include_hostvars=False)
        record['group_names'][h] = all_vars['group_names']
        kept = {k: v for k, v in all_vars.items() if k not in MAGIC}
        for k in ('inventory_file', 'inventory_dir'):
            if isinstance(kept.get(k), str):
                kept[k] = os.path.relpath(kept[k], base)
        record['vars'][h] = kept
    out = os.path.join(fixtures, 'expected', name + '.json')
    with open(out, 'w') as f:
        json.dump(record, f, indent=1, sort_keys=True, default=str)
        f.write('\n')
    print(out)

def sorted_hosts(inventory, group):
    return [h.name for h in inventory.groups[group].get_hosts()]

if __name__ == '__main__':
    main(sys.argv[1:])
