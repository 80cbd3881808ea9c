// Files inside a test host, read and written from outside drover (nsenter):
// set-up and assertions for text-editing module tests recorded from Ansible.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TestGround } from '../../runner/testground/namespace-hosts.js';
import type { Host } from '../../runner/host/types.js';
import type { AnyModule } from '../../runner/module-api.js';
import { runModule } from './module-harness.js';

/** One recorded case: the file before, the parameters, what Ansible answered. */
export interface FileCase {
  name: string;
  /** The file lives in a directory that does not exist yet. */
  subdir?: boolean;
  /** Content before; null: no file. */
  before: string | null;
  params: Record<string, unknown>;
  /** Expected failure ({path}: the file's path). */
  error?: string;
  changed?: boolean;
  msg?: string;
  after?: string | null;
  /** Only where a second run is not a no-op (in Ansible too). */
  second?: { changed: boolean; after: string | null };
}

export function hostFiles(host: string, ground: () => TestGround) {
  /** Run a shell script inside the host, not through drover. */
  async function inHost(script: string, args: string[] = [], stdin?: string | Buffer): Promise<string> {
    const r = await ground().exec(host, ['sh', '-c', script, 'sh', ...args], { stdin });
    if (r.rc !== 0) throw new Error(`${script}: ${r.stderr}`);
    return r.stdout;
  }

  let dirs = 0;
  /** A fresh directory, with the file in it (or not, for null). */
  async function fresh(content: string | null, options: { subdir?: boolean; dirName?: string } = {}): Promise<{ dir: string; path: string }> {
    const dir = `/srv/${host}-test/${++dirs}${options.dirName ? `/${options.dirName}` : ''}`;
    const path = `${dir}${options.subdir ? '/sub' : ''}/f.conf`;
    await inHost('mkdir -p -- "$1"', [dir]);
    if (content !== null) await inHost('mkdir -p -- "$(dirname -- "$1")" && cat > "$1"', [path], content);
    return { dir, path };
  }

  /** The file's content as the host has it, or null when there is none. */
  async function content(path: string): Promise<string | null> {
    const out = await inHost('if [ -e "$1" ]; then base64 -w0 < "$1"; else printf MISSING; fi', [path]);
    return out === 'MISSING' ? null : Buffer.from(out, 'base64').toString('utf8');
  }

  /** Everything a change would touch: names, kinds, modes, owners, content, mtime and ctime. */
  function snapshot(dir: string): Promise<string> {
    return inHost(`find "$1" -printf '%p|%y|%m|%u|%g|%s|%T@|%C@\\n' | sort && find "$1" -type f -exec sha256sum {} + | sort`, [dir]);
  }

  return { inHost, fresh, content, snapshot };
}

/**
 * Each recorded case on a real host: under --check on a fresh copy (same
 * answer, diff equal to the real result, nothing touched), then for real
 * twice (the second run changes nothing unless Ansible's does too).
 */
export function describeRecordedCases(title: string, module: AnyModule, cases: readonly FileCase[], files: ReturnType<typeof hostFiles>, host: () => Host): void {
  const { fresh, snapshot, content } = files;
  const at = (text: string, path: string) => text.split('{path}').join(path);
  describe(title, () => {
    for (const c of cases) {
      test(c.name, async () => {
        const check = await fresh(c.before, { subdir: c.subdir });
        const before = await snapshot(check.dir);
        if (c.error) {
          await assert.rejects(runModule(host(), module, { ...c.params, path: check.path }, { check: true }), { message: at(c.error, check.path) });
        } else {
          const planned = await runModule(host(), module, { ...c.params, path: check.path }, { check: true });
          assert.equal(planned.changed, c.changed, planned.changes.join('; '));
          assert.deepEqual(planned.diff, c.changed ? [{ label: check.path, before: c.before ?? '', after: c.after }] : []);
        }
        assert.equal(await snapshot(check.dir), before, 'check mode changed the host');

        const { path } = await fresh(c.before, { subdir: c.subdir });
        if (c.error) {
          await assert.rejects(runModule(host(), module, { ...c.params, path }), { message: at(c.error, path) });
          assert.equal(await content(path), c.before);
          return;
        }
        const first = await runModule(host(), module, { ...c.params, path });
        assert.equal(first.changed, c.changed);
        assert.equal(first.result.msg, at(c.msg ?? '', path));
        assert.equal(await content(path), c.after);
        const second = await runModule(host(), module, { ...c.params, path });
        assert.equal(second.changed, c.second?.changed ?? false, second.changes.join('; '));
        if (!c.second) assert.deepEqual(second.changes, []);
        assert.equal(await content(path), c.second?.after ?? c.after);
      });
    }
  });
}
