// Tests that look at the controller's file system, as Ansible's path tests do
// (os.path.isfile, isdir, islink, exists, isabs, samefile, ismount): they run
// where drover runs, never on a target host.
import { lstatSync, statSync, type Stats } from 'node:fs';
import { posix } from 'node:path';
import { asText, type Callable } from './callables.js';
import { TemplateError } from './errors.js';

function stat(path: string, follow = true): Stats | null {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch {
    return null;
  }
}

function pathTest(name: string, check: (path: string) => boolean): Callable {
  return { params: ['value'], run: ([value]) => check(asText(`test '${name}'`, value)) };
}

/** os.path.ismount: a different device than the parent, or the same inode (the root). */
function isMount(path: string): boolean {
  const self = stat(path, false);
  if (self === null || self.isSymbolicLink()) return false;
  const parent = stat(posix.join(path, '..'), false);
  if (parent === null) return false;
  return self.dev !== parent.dev || self.ino === parent.ino;
}

export const controllerTests: Record<string, Callable> = {
  file: pathTest('file', (p) => stat(p)?.isFile() === true),
  directory: pathTest('directory', (p) => stat(p)?.isDirectory() === true),
  link: pathTest('link', (p) => stat(p, false)?.isSymbolicLink() === true),
  exists: pathTest('exists', (p) => stat(p) !== null),
  link_exists: pathTest('link_exists', (p) => stat(p, false) !== null),
  abs: pathTest('abs', (p) => p.startsWith('/')),
  mount: pathTest('mount', isMount),
  same_file: {
    params: ['value', 'other'],
    run: ([a, b]) => {
      const [x, y] = [stat(asText("test 'same_file'", a)), stat(asText("test 'same_file'", b))];
      // os.path.samefile raises for a path that does not exist.
      if (x === null || y === null) throw new TemplateError("test 'same_file': a path does not exist on the controller");
      return x.dev === y.dev && x.ino === y.ino;
    },
  },
};
for (const name of ['file', 'directory', 'link', 'abs', 'mount', 'same_file']) controllerTests[`is_${name === 'directory' ? 'dir' : name}`] = controllerTests[name]!;
