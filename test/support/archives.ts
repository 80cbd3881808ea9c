// The archives unarchive's tests unpack, built the same way for drover's
// tests and for recording Ansible: one small tree (a nested file, an
// executable) packed by GNU tar with fixed times and owners, in each format.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ARCHIVES = { tgz: 'tree.tar.gz', tar: 'tree.tar', bz2: 'tree.tar.bz2', xz: 'tree.tar.xz', zip: 'tree.zip', empty: 'empty.tar.gz' } as const;

/** Build every archive under dir; returns dir. */
export function buildArchives(dir: string): string {
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'top', 'sub'), { recursive: true });
  writeFileSync(join(tree, 'top', 'a.txt'), 'alpha\n');
  writeFileSync(join(tree, 'top', 'sub', 'b.txt'), 'beta\n');
  writeFileSync(join(tree, 'top', 'run.sh'), '#!/bin/sh\necho run\n');
  chmodSync(join(tree, 'top', 'run.sh'), 0o755);
  chmodSync(join(tree, 'top', 'a.txt'), 0o644);
  chmodSync(join(tree, 'top', 'sub', 'b.txt'), 0o644);
  chmodSync(join(tree, 'top'), 0o755);
  chmodSync(join(tree, 'top', 'sub'), 0o755);
  const fixed = ['--sort=name', '--mtime=2020-01-01 00:00:00Z', '--owner=0', '--group=0', '--numeric-owner', '-C', tree, 'top'];
  execFileSync('tar', ['-czf', join(dir, ARCHIVES.tgz), ...fixed]);
  execFileSync('tar', ['-cf', join(dir, ARCHIVES.tar), ...fixed]);
  execFileSync('tar', ['-cjf', join(dir, ARCHIVES.bz2), ...fixed]);
  execFileSync('tar', ['-cJf', join(dir, ARCHIVES.xz), ...fixed]);
  execFileSync('zip', ['-qr', join(dir, ARCHIVES.zip), 'top'], { cwd: tree });
  writeFileSync(join(dir, ARCHIVES.empty), '');
  return dir;
}
