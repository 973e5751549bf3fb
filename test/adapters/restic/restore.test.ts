/**
 * restic's file-restore commands and their readers, on outputs recorded from
 * real restic 0.14 and reconstructed from the 0.16-0.17.1 sources
 * (internal/ui/restore/json.go, cmd/restic/cmd_ls.go): version and what it
 * allows, ls folded into a tree a directory at a time, restore progress in
 * both forms, errors in both forms, exit codes per version.
 */
import { describe, expect, it } from 'vitest';
import { resticLsCommand, resticLsFold } from '../../../src/adapters/restic/ls.js';
import { includePattern, resticRestoreCommand, resticRestoreFold } from '../../../src/adapters/restic/restore.js';
import { parseResticVersion, RESTIC_014_FEATURES, resticFeatures } from '../../../src/adapters/restic/version.js';
import { foldOutput } from '../../../src/adapters/shared/line-fold.js';
import type { Result } from '../../../src/domain/types.js';
import { fixture } from '../../helpers/fixtures.js';

const access = { repository: '/mnt/usb/restic', password: { file: '/root/.restic-pass' } };

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected a value, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

const ls = (name: string, dir?: string) => {
  const f = fixture('restic', name);
  return foldOutput(resticLsFold(dir !== undefined ? { dir } : {}), f.stdout, f.stderr, f.exitCode);
};
const restore = (name: string) => {
  const f = fixture('restic', name);
  return foldOutput(resticRestoreFold(), f.stdout, f.stderr, f.exitCode);
};

describe('restic version', () => {
  it('reads 0.14 (recorded), 0.17 text and JSON, and a dev build', () => {
    for (const [name, minor, patch] of [['version-0.14', 14, 0], ['version-0.17', 17, 3], ['version-0.17-json', 17, 3], ['version-0.16-dev', 16, 4]] as const) {
      const f = fixture('restic', name);
      expect(value(parseResticVersion(f.stdout, f.stderr, f.exitCode))).toMatchObject({ major: 0, minor, patch });
    }
  });

  it('decides the restore features from the version', () => {
    const v = (minor: number, patch = 0) => resticFeatures({ major: 0, minor, patch, text: '' });
    expect(v(14)).toEqual(RESTIC_014_FEATURES);
    expect(RESTIC_014_FEATURES).toMatchObject({ jsonRestoreProgress: false, overwrite: false, jsonErrors: false, subpath: false });
    expect(v(16)).toMatchObject({ jsonRestoreProgress: true, subpath: true, overwrite: false });
    expect(v(17, 0)).toMatchObject({ overwrite: true, dryRun: true, jsonErrors: false, exitCodeWrongPassword: false, exitCodesNoRepoAndLock: true });
    expect(v(17, 1)).toMatchObject({ jsonErrors: true, exitCodeWrongPassword: true });
    expect(resticFeatures({ major: 1, minor: 0, patch: 0, text: '' }).jsonErrors).toBe(true);
  });

  it('refuses output that is not a version', () => {
    expect(parseResticVersion('usage: restic [command]\n', '', 0).ok).toBe(false);
    expect(parseResticVersion('', 'restic: command not found', 127)).toMatchObject({ ok: false, error: { kind: 'command-failed' } });
  });
});

describe('restic ls --json', () => {
  it('streams the whole snapshot into a tree a browser opens one directory at a time (real 0.14)', () => {
    const l = value(ls('ls-0.14-recursive'));
    expect(l.snapshot).toMatchObject({ shortId: 'a95b5efc', paths: ['/tmp/strata-fx/src'], hostname: 'vm' });
    expect(l.tree.list('/tmp/strata-fx/src')?.map((e) => [e.name, e.kind])).toEqual([
      ['etc', 'dir'],
      ['srv', 'dir'],
    ]);
    const data = l.tree.list('/tmp/strata-fx/src/srv/app/data')!;
    expect(data.map((e) => e.name)).toEqual(['db.sqlite', 'name with spaces.txt', 'tab\there']);
    expect(data[0]).toMatchObject({ path: '/tmp/strata-fx/src/srv/app/data/db.sqlite', kind: 'file', sizeBytes: 65536 });
    expect(data[0]!.mtimeMs).toBeGreaterThan(Date.parse('2026-01-01T00:00:00Z'));
    expect(l.tree.list('/tmp/strata-fx/src/etc/nginx')?.find((e) => e.name === 'current')?.kind).toBe('symlink');
    expect(l.tree.totals).toMatchObject({ files: 5, bytes: 65536 + 1 + 3 + 22 + 5 });
    expect(l.tree.truncated).toBe(false);
  });

  it('lists one directory (itself and its children) and says when the directory is not in the snapshot', () => {
    const l = value(ls('ls-0.14-dir', '/tmp/strata-fx/src/etc/nginx'));
    expect(l.dir).toBe('/tmp/strata-fx/src/etc/nginx');
    expect(l.tree.list('/tmp/strata-fx/src/etc/nginx')?.map((e) => e.name)).toEqual(['current', 'nginx.conf', 'sites']);
    // restic prints only the snapshot line and exits 0 for a directory it does not have.
    expect(ls('ls-0.14-missing-dir', '/tmp/strata-fx/src/nope')).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });

  it('reads 0.17 lines (message_type beside struct_type, inode)', () => {
    const l = value(ls('ls-0.17-dir', '/srv/app/config'));
    expect(l.tree.list('/srv/app/config')).toEqual([{ path: '/srv/app/config/app.yaml', name: 'app.yaml', kind: 'file', sizeBytes: 1204, mtimeMs: Date.parse('2024-01-19T11:02:17.553Z') }]);
  });

  it('names a snapshot id that does not exist (0.14 says so and exits 0)', () => {
    expect(ls('ls-0.14-unknown-snapshot')).toMatchObject({ ok: false, error: { kind: 'not-found', message: expect.stringContaining('no matching ID found') } });
  });

  it('keeps at most maxEntries and says the tree is truncated (then browse per directory)', () => {
    const f = fixture('restic', 'ls-0.14-recursive');
    const l = value(foldOutput(resticLsFold({ maxEntries: 3 }), f.stdout, f.stderr, 0));
    expect(l.tree.truncated).toBe(true);
    expect(l.tree.totals.files).toBe(5);
  });

  it('builds `restic ls --json -- SNAP [DIR]` with the repository in the environment', () => {
    expect(resticLsCommand(access, { snapshot: 'latest' }).argv).toEqual(['restic', 'ls', '--json', '--', 'latest']);
    const c = resticLsCommand(access, { snapshot: 'a95b5efc', dir: '/-odd dir' });
    expect(c.argv).toEqual(['restic', 'ls', '--json', '--', 'a95b5efc', '/-odd dir']);
    expect(c.env).toMatchObject({ RESTIC_REPOSITORY: '/mnt/usb/restic', RESTIC_PASSWORD_FILE: '/root/.restic-pass' });
    expect(() => resticLsCommand(access, { snapshot: '--repo=/x' })).toThrow(/snapshot id/);
    expect(() => resticLsCommand(access, { snapshot: 'latest', dir: 'relative' })).toThrow(/absolute/);
  });
});

describe('restic restore', () => {
  it('0.14: the "restoring" line, then nothing until exit: no counts (measure the target)', () => {
    const r = value(restore('restore-0.14-ok'));
    expect(r).toMatchObject({ outcome: 'restored', form: 'text', snapshotShortId: 'a95b5efc', target: '/tmp/strata-fx/out', errors: [], errorCount: 0 });
    expect(r.bytesRestored).toBeUndefined();
    expect(value(restore('restore-0.14-verify')).verifiedFiles).toBe(3);
  });

  it('0.14: text errors and "There were N errors" are a partial restore with each item', () => {
    const r = value(restore('restore-0.14-errors'));
    expect(r).toMatchObject({ outcome: 'partial', errorCount: 13 });
    expect(r.errors[0]).toEqual({ item: '/tmp/strata-fx/src/etc/nginx', message: 'mkdir /tmp/strata-fx/out3/tmp: not a directory' });
  });

  it('fails to start on an unknown snapshot or a wrong password, by version', () => {
    expect(restore('restore-0.14-unknown-snapshot')).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(restore('restore-0.14-wrong-password')).toMatchObject({ ok: false, error: { kind: 'auth' } });
    expect(restore('restore-0.17-wrong-password')).toMatchObject({ ok: false, error: { kind: 'auth', message: expect.stringContaining('exit 12') } });
  });

  it('0.16+ --json: the newest status is the progress, the summary the result', () => {
    const f = fixture('restic', 'restore-0.16-json');
    const fold = resticRestoreFold();
    const lines = f.stdout.trim().split('\n');
    fold.line('stdout', lines[1]!);
    expect(fold.progress()).toEqual({ percent: 60.5, filesRestored: 7, totalFiles: 12, bytesRestored: 2923905024, totalBytes: 4831838208, secondsElapsed: 2 });
    const r = value(restore('restore-0.16-json'));
    expect(r).toMatchObject({ outcome: 'restored', form: 'json', filesRestored: 12, totalFiles: 12, bytesRestored: 4831838208, secondsElapsed: 3 });
  });

  it('reads absent counters as zero and 0.17 skipped files', () => {
    const fold = resticRestoreFold();
    fold.line('stdout', '{"message_type":"status","percent_done":0}');
    expect(fold.progress()).toEqual({ percent: 0, filesRestored: 0, bytesRestored: 0 });
    expect(value(restore('restore-0.17-json-skipped'))).toMatchObject({ filesRestored: 2, filesSkipped: 2, bytesSkipped: 524288 });
  });

  it('reads errors as text up to 0.17.0 and as JSON from 0.17.1', () => {
    const old = value(restore('restore-0.17.0-json-text-errors'));
    expect(old).toMatchObject({ outcome: 'partial', form: 'json', errorCount: 1, errors: [{ item: '/srv/app/config/app.yaml' }] });
    const json = value(restore('restore-0.17.1-json-errors'));
    expect(json).toMatchObject({ outcome: 'partial', errorCount: 2 });
    expect(json.errors[1]).toEqual({ item: '/srv/app/data/db.sqlite-wal', message: 'open /restore/srv/app/data/db.sqlite-wal: no space left on device' });
  });

  it('an include that matched nothing still exits 0: a restore of nothing the check must catch', () => {
    expect(value(restore('restore-0.14-nothing-matched'))).toMatchObject({ outcome: 'restored', errorCount: 0 });
  });

  it('builds the argv each version accepts and refuses what it lacks', () => {
    const v17 = resticFeatures({ major: 0, minor: 17, patch: 3, text: '' });
    const c = resticRestoreCommand(access, { snapshot: 'a95b5efc', target: '/restore/x', include: ['/srv/app/con*fig', '/srv/app/data'], verify: true, overwrite: 'if-changed' }, v17);
    expect(c.argv).toEqual(['restic', 'restore', 'a95b5efc', '--target', '/restore/x', '--include', '/srv/app/con\\*fig', '--include', '/srv/app/data', '--verify', '--overwrite', 'if-changed', '--json']);
    expect(c.env).toMatchObject({ RESTIC_PROGRESS_FPS: '1', RESTIC_REPOSITORY: '/mnt/usb/restic' });
    const old = resticRestoreCommand(access, { snapshot: 'latest', target: '/restore/x' }, RESTIC_014_FEATURES);
    expect(old.argv).toEqual(['restic', 'restore', 'latest', '--target', '/restore/x']);
    expect(() => resticRestoreCommand(access, { snapshot: 'latest', target: '/r', overwrite: 'never' }, RESTIC_014_FEATURES)).toThrow(/--overwrite/);
    expect(() => resticRestoreCommand(access, { snapshot: 'latest', target: '/r', subpath: '/srv' }, RESTIC_014_FEATURES)).toThrow(/subpath/);
    expect(resticRestoreCommand(access, { snapshot: 'latest', target: '/r', subpath: '/srv/app' }, v17).argv[2]).toBe('latest:/srv/app');
    expect(() => resticRestoreCommand(access, { snapshot: 'latest', target: '/' }, v17)).toThrow(/overOriginal/);
    expect(resticRestoreCommand(access, { snapshot: 'latest', target: '/', overOriginal: true, include: ['/etc/hosts'] }, v17).argv).toContain('/');
  });

  it('escapes the glob characters of a path so an include matches only that path', () => {
    expect(includePattern('/data/[2024] *report?.txt')).toBe('/data/\\[2024] \\*report\\?.txt');
    expect(includePattern('/back\\slash')).toBe('/back\\\\slash');
  });
});
