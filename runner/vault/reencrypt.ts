// Re-encrypting what a file holds, whatever it was encrypted with: the whole
// file when it is a vault, else each inline `!vault` value of a YAML file,
// rewritten in place so the rest of the file (comments, order, layout) stays
// as it was. This is the migration from Ansible Vault (`drover vault rekey`)
// and the way to re-encrypt after a recipient joins or leaves.
import { parseDocument, visit, type Scalar } from 'yaml';
import { decryptVaultText, isVaultText } from './session.js';

export type Encrypt = (plaintext: string) => Promise<string>;

/** The new text of the file, or undefined when it holds nothing encrypted. */
export async function reencryptText(text: string, file: string, encrypt: Encrypt): Promise<string | undefined> {
  if (isVaultText(text)) return encrypt(await decryptVaultText(text, file));
  const doc = parseDocument(text, { version: '1.1' });
  const vaulted: Scalar[] = [];
  visit(doc, {
    Scalar(_key, node) {
      if (node.tag === '!vault' && node.range) vaulted.push(node);
    },
  });
  if (vaulted.length === 0) return undefined;
  let out = text;
  // From the end, so earlier ranges stay valid while later ones are replaced.
  for (const node of vaulted.sort((a, b) => b.range![0] - a.range![0])) {
    const [start, end] = node.range!;
    const plaintext = await decryptVaultText(String(node.value), `the !vault value in ${file}`);
    const indent = blockIndent(text, start);
    const armored = (await encrypt(plaintext)).trimEnd().split('\n').map((l) => indent + l).join('\n');
    out = out.slice(0, start) + `|\n${armored}\n` + out.slice(end).replace(/^\n/, '');
  }
  return out;
}

/** Indentation for the new block: the old block's, else four more than the key's line. */
function blockIndent(text: string, valueStart: number): string {
  const old = /^[|>][-+0-9]*[ \t]*(?:#[^\n]*)?\n([ \t]+)\S/.exec(text.slice(valueStart));
  if (old) return old[1]!;
  const lineStart = text.lastIndexOf('\n', valueStart - 1) + 1;
  const lead = /^[ \t]*/.exec(text.slice(lineStart))![0];
  return `${lead}    `;
}
