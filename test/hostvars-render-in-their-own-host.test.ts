// `hostvars[other].var` renders var in the other host's scope, as Ansible
// does: a group_vars template naming inventory_hostname gives the other
// host's name, not the name of the host whose task reads it. (Diskless node
// MACs computed per node in group_vars, read by the head node, rely on it.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskResultEvent } from '../runner/engine/events.js';
import { jsonEvents, runDrover } from './support/cli.js';

test("another host's template variables render in that host's scope", async () => {
  const r = await runDrover(['run', 'test/fixtures/hostvars/site.yml', '-i', 'test/fixtures/hostvars/hosts.yml', '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const messages = jsonEvents(r.stdout)
    .filter((e): e is TaskResultEvent => e.type === 'host.task.result')
    .map((e) => [e.task.name, e.item ?? '', e.message]);
  assert.deepEqual(messages, [
    ['Who the nodes say they are', '', 'compute1,compute2'],
    ["The nodes' MACs", 'compute1', '52:54:00:be:ef:01'],
    ["The nodes' MACs", 'compute2', '52:54:00:be:ef:02'],
    ["The nodes' MACs", '', undefined],
    ['This host seen through hostvars', '', 'h1'],
  ]);
});
