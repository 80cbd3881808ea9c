// drover's own install directory (where playbooks/ and package.json live),
// found by walking up from this file: the same answer from source (tsx) and
// from the compiled dist/ tree.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find drover\'s package.json above its code');
    dir = parent;
  }
  return dir;
}
