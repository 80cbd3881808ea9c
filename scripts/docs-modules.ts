// Writes docs/modules.md from the module registry: `make docs`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultRegistry } from '../modules/registry.js';
import { modulesMarkdown } from '../runner/docs/module-doc.js';
import { projectRoot } from '../runner/paths.js';

writeFileSync(join(projectRoot(), 'docs', 'modules.md'), modulesMarkdown(defaultRegistry));
