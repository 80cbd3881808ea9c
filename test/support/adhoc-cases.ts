// The ad-hoc commands drover exec is compared on with Debian's `ansible`
// (scripts/record-adhoc-oracle.ts records them; test/drover-exec-prints-what-ansible-prints.test.ts
// replays them). Run in this order on two fresh namespace hosts, node1 and node2,
// with -f 1 so that both print the hosts in inventory order.
import { startHosts, type TestGround } from '../../runner/testground/namespace-hosts.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface AdHocCase {
  name: string;
  /** After `-i INVENTORY -f 1`; `nodes` is the two hosts, `all` adds one that refuses connections. */
  args: string[];
}

export const ADHOC_CASES: AdHocCase[] = [
  { name: 'command, the default module', args: ['nodes', '-a', 'echo hi'] },
  { name: 'shell with a pipe and stderr', args: ['nodes', '-m', 'shell', '-a', 'echo a b | wc -w; echo err >&2'] },
  { name: 'file with key=value arguments', args: ['nodes', '-m', 'file', '-a', 'path=/root/adhoc-touched state=touch'] },
  { name: 'file under --check', args: ['nodes', '-m', 'file', '-a', 'path=/root/adhoc-planned state=touch', '--check'] },
  { name: 'command under --check is skipped', args: ['nodes', '-a', 'echo hi', '--check'] },
  { name: 'a failing command', args: ['nodes', '-a', 'false'] },
  { name: 'JSON arguments, one line per host', args: ['nodes', '-m', 'ping', '-a', '{"data": "x y"}', '-o'] },
  { name: 'a host that refuses connections', args: ['all', '-m', 'ping'] },
];

export interface AdHocOutcome {
  name: string;
  code: number | null;
  stdout: string;
}

/** The refusing host's message is the connection library's own (ssh's in Ansible): compared as a placeholder. */
export function normalized(stdout: string): string {
  return stdout.replace(/("msg": ")[^"]*(refused[^"]*")/g, '$1<refused>"').replace(/"msg": "[^"]*<refused>"/g, '"msg": "<refused>"');
}

/** Two fresh hosts and an inventory with them (group nodes) and a host on a closed port. */
export async function adHocGround(dir: string): Promise<{ ground: TestGround; inventory: string }> {
  const ground = await startHosts({ count: 2, namePrefix: 'node' });
  const inventory = join(dir, 'hosts.ini');
  // A set interpreter: Ansible would otherwise add the ansible_facts of its Python discovery, which drover has no use for.
  await writeFile(inventory, `${ground.inventoryIni('nodes')}\n[nodes:vars]\nansible_python_interpreter=/usr/bin/python3\n\n[refusing]\nghost ansible_host=127.0.0.1 ansible_port=1 ansible_user=root\n`);
  return { ground, inventory };
}
