// --keep: the text that tells how to reach the hosts that were kept (the
// real OpenSSH client, strict host keys, the ground's key) and how to end
// them. Namespace hosts die with the process that created them, so "later"
// means: while `drover test` waits, until Ctrl-C or SIGTERM.
import type { HostGround } from '../testground/driver.js';
import { sh } from '../quote.js';

export function keptInstructions(ground: HostGround, inventories: readonly string[], workspace: string): string {
  const lines = ['Hosts kept for debugging. Connect with:'];
  for (const host of ground.hosts) {
    const t = ground.target(host.name);
    const command = sh`ssh -i ${ground.privateKeyFile} -o UserKnownHostsFile=${ground.knownHostsFile} -o StrictHostKeyChecking=yes -p ${String(t.port)} ${`${t.user}@${t.address}`}`;
    lines.push(`  ${host.name}: ${command.text}`);
  }
  lines.push(
    `Run playbooks against them: drover run PLAYBOOK ${inventories.map((i) => `-i ${i}`).join(' ')} --known-hosts ${ground.knownHostsFile}`,
    `Scenario files: ${workspace}`,
    `They stay up while this command runs. Destroy them with Ctrl-C (or: kill -TERM ${process.pid}).`,
  );
  return lines.join('\n');
}
