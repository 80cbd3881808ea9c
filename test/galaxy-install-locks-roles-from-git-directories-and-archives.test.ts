// `drover galaxy install -r requirements.yml` with sources on this machine
// only: a local bare git repository (a tag, then the tag moved), a role
// directory, a .tar.gz with one top directory, and a collection from git.
// The lock file pins the commit and tree digest: a second install is
// byte-identical and touches nothing, a moved tag does not move an install
// until --update, Galaxy names are refused, and a playbook finds the
// installed role through ANSIBLE_ROLES_PATH.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { treeDigest } from '../runner/galaxy/install.js';
import { runDrover } from './support/cli.js';

let dir: string;
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' }).trim();

function roleFiles(root: string, message: string): void {
  mkdirSync(join(root, 'tasks'), { recursive: true });
  writeFileSync(join(root, 'tasks/main.yml'), `- name: say ${message}\n  debug:\n    msg: ${message}\n`);
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'drover-galaxy-'));
  const work = join(dir, 'ntp-work');
  roleFiles(work, 'ntp-one');
  git(dir, 'init', '--quiet', work);
  git(work, 'add', '.');
  git(work, 'commit', '--quiet', '-m', 'one');
  git(work, 'tag', 'v1.0');
  git(dir, 'clone', '--quiet', '--bare', work, join(dir, 'ntp.git'));
  roleFiles(join(dir, 'local_role'), 'local');
  roleFiles(join(dir, 'pack', 'archived-1.0'), 'archived');
  execFileSync('tar', ['-czf', join(dir, 'archived-1.0.tar.gz'), '-C', join(dir, 'pack'), 'archived-1.0']);
  const coll = join(dir, 'tools-work');
  mkdirSync(join(coll, 'roles', 'lint'), { recursive: true });
  writeFileSync(join(coll, 'galaxy.yml'), 'namespace: acme\nname: tools\nversion: 1.0.0\n');
  roleFiles(join(coll, 'roles', 'lint'), 'lint');
  git(dir, 'init', '--quiet', coll);
  git(coll, 'add', '.');
  git(coll, 'commit', '--quiet', '-m', 'tools');
  writeFileSync(
    join(dir, 'requirements.yml'),
    [
      'roles:',
      `  - src: git+file://${dir}/ntp.git`,
      '    version: v1.0',
      '    name: ntp',
      '  - src: ./local_role',
      '  - src: ./archived-1.0.tar.gz',
      '    name: archived',
      'collections:',
      `  - name: acme.tools`,
      `    src: git+file://${coll}`,
      '',
    ].join('\n'),
  );
});

after(() => rmSync(dir, { recursive: true, force: true }));

const install = (...extra: string[]) => runDrover(['galaxy', 'install', '-r', 'requirements.yml', '-p', 'roles', '--collections-path', 'collections', ...extra], { cwd: dir });

test('installs roles and collections from git, a directory and an archive, and locks them', async () => {
  const r = await install();
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(readFileSync(join(dir, 'roles/ntp/tasks/main.yml'), 'utf8'), /ntp-one/);
  assert.match(readFileSync(join(dir, 'roles/local_role/tasks/main.yml'), 'utf8'), /local/);
  assert.match(readFileSync(join(dir, 'roles/archived/tasks/main.yml'), 'utf8'), /archived/, 'the archive\'s top directory is stripped');
  assert.match(readFileSync(join(dir, 'collections/ansible_collections/acme/tools/roles/lint/tasks/main.yml'), 'utf8'), /lint/);
  const lock = parse(readFileSync(join(dir, 'requirements.lock.yml'), 'utf8')) as Array<{ name: string; commit?: string; sha256: string }>;
  assert.deepEqual(lock.map((l) => l.name), ['ntp', 'local_role', 'archived', 'acme.tools']);
  assert.equal(lock[0]!.commit, git(join(dir, 'ntp.git'), 'rev-parse', 'v1.0'));
  assert.equal(lock[1]!.sha256, treeDigest(join(dir, 'roles/local_role')));
});

test('a second install is byte-identical and says so; a moved tag moves nothing until --update', async () => {
  const before = treeDigest(join(dir, 'roles'));
  const lockBefore = readFileSync(join(dir, 'requirements.lock.yml'), 'utf8');
  const again = await install();
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /- ntp is already installed as locked \(commit [0-9a-f]{12}\)/);
  assert.equal(treeDigest(join(dir, 'roles')), before);
  assert.equal(readFileSync(join(dir, 'requirements.lock.yml'), 'utf8'), lockBefore);

  // Upstream moves the tag to a new commit; the role is removed here and installed again.
  const work = join(dir, 'ntp-work');
  roleFiles(work, 'ntp-two');
  git(work, 'commit', '--quiet', '-am', 'two');
  git(work, 'tag', '-f', 'v1.0');
  git(work, 'push', '--quiet', '--force', join(dir, 'ntp.git'), 'main', 'v1.0');
  rmSync(join(dir, 'roles/ntp'), { recursive: true });
  const locked = await install();
  assert.equal(locked.code, 0, locked.stderr);
  assert.match(readFileSync(join(dir, 'roles/ntp/tasks/main.yml'), 'utf8'), /ntp-one/, 'the locked commit, not the moved tag');

  const updated = await install('--update');
  assert.equal(updated.code, 0, updated.stderr);
  assert.match(readFileSync(join(dir, 'roles/ntp/tasks/main.yml'), 'utf8'), /ntp-two/);
  assert.match(readFileSync(join(dir, 'requirements.lock.yml'), 'utf8'), new RegExp(git(join(dir, 'ntp.git'), 'rev-parse', 'v1.0')));
});

test('a source that changed since it was locked is refused when it must be installed again', async () => {
  roleFiles(join(dir, 'local_role'), 'local-edited');
  const kept = await install();
  assert.equal(kept.code, 0, kept.stderr);
  assert.match(readFileSync(join(dir, 'roles/local_role/tasks/main.yml'), 'utf8'), /msg: local\n/, 'the locked install is kept, as ansible-galaxy keeps an installed role');
  rmSync(join(dir, 'roles/local_role'), { recursive: true });
  const r = await install();
  assert.equal(r.code, 5, r.stderr + r.stdout);
  assert.match(r.stderr, /local_role: .*local_role no longer gives the locked content .*install with --update/);
});

test('a Galaxy server name is refused with what to write instead', async () => {
  writeFileSync(join(dir, 'galaxy.yml'), '- src: geerlingguy.ntp\n');
  const r = await runDrover(['galaxy', 'install', '-r', 'galaxy.yml', '-p', 'roles'], { cwd: dir });
  assert.equal(r.code, 5);
  assert.match(r.stderr, /'geerlingguy\.ntp' looks like a Galaxy name; drover cannot reach a Galaxy server: give src: a git URL/);
});

test('a name that is a path, or a version that is an option, is refused before anything is touched', async () => {
  writeFileSync(join(dir, 'evil.yml'), '- src: ./local_role\n  name: ..\n- src: ./local_role\n  name: ../../x\n');
  const names = await runDrover(['galaxy', 'install', '-r', 'evil.yml', '-p', 'roles'], { cwd: dir });
  assert.equal(names.code, 5);
  assert.match(names.stderr, /'\.\.' is not a role or collection name/);
  assert.ok(readFileSync(join(dir, 'roles/ntp/tasks/main.yml'), 'utf8').length > 0, 'the roles path is intact');
  writeFileSync(join(dir, 'opt.yml'), `- src: git+file://${dir}/ntp.git\n  version: --orphan=zz\n  name: ntp2\n`);
  const option = await runDrover(['galaxy', 'install', '-r', 'opt.yml', '-p', 'roles'], { cwd: dir });
  assert.equal(option.code, 5);
  assert.match(option.stderr, /version '--orphan=zz' is not a git ref/);
});

test('a playbook finds an installed role through ANSIBLE_ROLES_PATH', async () => {
  writeFileSync(join(dir, 'site.yml'), '- hosts: localhost\n  gather_facts: false\n  roles: [ntp]\n');
  const r = await runDrover(['run', 'site.yml', '--list-tasks'], { cwd: dir, env: { ANSIBLE_ROLES_PATH: join(dir, 'roles') } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /ntp : say ntp-two/);
});
