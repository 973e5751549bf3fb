/**
 * File restores with real restic 0.14 on a real sshd host (Strata's SSH
 * runner, worker shells and quoting): the version and what it allows, a
 * snapshot listed through the streaming fold and browsed a directory at a
 * time, chosen paths (names with spaces, quotes, newlines and globs among
 * them) restored to an alternate directory and read back, a restore that
 * fails on its way (partial, each error named) and one that cannot start.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listTree, measureBytes } from '../../../src/adapters/files/index.js';
import { listSnapshotFiles, restore, version, type ResticAccess } from '../../../src/adapters/restic/index.js';
import { RESTIC_014_FEATURES, resticFeatures } from '../../../src/adapters/restic/version.js';
import { createRunner, type Runner } from '../../../src/transport/index.js';
import { startSshd, type SshdHost } from '../../helpers/sshd.js';
import { describeWithTools } from '../../helpers/tools.js';

describeWithTools(['restic', 'sshd'], 'file restores with real restic 0.14 over real sshd', () => {
  let dir = '';
  let src = '';
  let access: ResticAccess;
  let sshd: SshdHost;
  let runner: Runner;
  const ODD = ['name with spaces.txt', 'it\'s "quoted".txt', 'new\nline.txt', '[glob]*?.txt', '-starts-with-dash'];
  const BULK = 1500;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-restic-restore-'));
    src = join(dir, 'src');
    mkdirSync(join(src, 'etc/nginx/sites'), { recursive: true });
    mkdirSync(join(src, 'odd'), { recursive: true });
    mkdirSync(join(src, 'bulk'), { recursive: true });
    writeFileSync(join(src, 'etc/nginx/nginx.conf'), 'server { listen 80; }\n');
    writeFileSync(join(src, 'etc/nginx/sites/default'), 'site\n');
    symlinkSync('nginx.conf', join(src, 'etc/nginx/current'));
    for (const n of ODD) writeFileSync(join(src, 'odd', n), `content of ${n}`);
    for (let i = 0; i < BULK; i++) writeFileSync(join(src, 'bulk', `f${String(i).padStart(4, '0')}.txt`), `file ${i}\n`);
    writeFileSync(join(dir, 'pass'), 'correct horse\n');
    const env = { ...process.env, RESTIC_CACHE_DIR: join(dir, 'cache'), RESTIC_REPOSITORY: join(dir, 'repo'), RESTIC_PASSWORD_FILE: join(dir, 'pass') };
    for (const args of [['init', '-q'], ['backup', '-q', src]]) {
      const r = spawnSync('restic', args, { env });
      if (r.status !== 0) throw new Error(`restic ${args[0]}: ${String(r.stderr)}`);
    }
    access = { repository: join(dir, 'repo'), password: { file: join(dir, 'pass') }, env: { RESTIC_CACHE_DIR: join(dir, 'cache') } };
    sshd = await startSshd();
    runner = createRunner(sshd.sshTarget());
  }, 60_000);

  afterAll(async () => {
    await runner?.close();
    await sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the version: 0.14, no JSON progress, no --overwrite', async () => {
    const v = await version(runner);
    if (!v.ok) throw new Error(v.error.message);
    expect(v.value).toMatchObject({ major: 0, minor: 14 });
    expect(resticFeatures(v.value)).toEqual(RESTIC_014_FEATURES);
  });

  it('streams the whole snapshot into a tree and browses it a directory at a time', async () => {
    const l = await listSnapshotFiles(runner, access, { snapshot: 'latest' });
    if (!l.ok) throw new Error(l.error.message);
    expect(l.value.tree.totals.files).toBe(BULK + ODD.length + 2);
    expect(l.value.tree.list(join(src, 'odd'))?.map((e) => e.name).sort()).toEqual([...ODD].sort());
    expect(l.value.tree.list(join(src, 'bulk'))).toHaveLength(BULK);
    expect(l.value.tree.list(join(src, 'etc/nginx'))?.map((e) => [e.name, e.kind])).toEqual([
      ['current', 'symlink'],
      ['nginx.conf', 'file'],
      ['sites', 'dir'],
    ]);
  });

  it('lists one directory with `restic ls SNAP DIR`, and says when it is not in the snapshot', async () => {
    const l = await listSnapshotFiles(runner, access, { snapshot: 'latest', dir: join(src, 'odd') });
    if (!l.ok) throw new Error(l.error.message);
    expect(l.value.tree.list(join(src, 'odd'))).toHaveLength(ODD.length);
    expect(l.value.tree.list(join(src, 'bulk'))).toBeUndefined();
    const missing = await listSnapshotFiles(runner, access, { snapshot: 'latest', dir: join(src, 'nope') });
    expect(missing.ok ? null : missing.error.kind).toBe('not-found');
  });

  it('restores chosen paths to an alternate directory: exactly those, byte for byte, and measures the bytes', async () => {
    const target = join(dir, 'restore-1');
    const chosen = [join(src, 'etc/nginx'), ...ODD.slice(0, 4).map((n) => join(src, 'odd', n))];
    const progress: unknown[] = [];
    const r = await restore(runner, access, { snapshot: 'latest', target, include: chosen }, RESTIC_014_FEATURES, { onProgress: (p) => progress.push(p) });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ outcome: 'restored', form: 'text', target, errorCount: 0 });
    // 0.14 prints nothing while it runs: the caller measures the target instead.
    expect(progress).toEqual([]);
    const bytes = await measureBytes(runner, target);
    expect(bytes.ok && bytes.value).toBeGreaterThan(0);
    const back = await listTree(runner, { dir: target });
    if (!back.ok) throw new Error(back.error.message);
    const files = back.value.entries.filter((e) => e.kind === 'file').map((e) => e.relative).sort();
    const rel = (p: string) => join(src.slice(1), p);
    expect(files).toEqual([rel('etc/nginx/nginx.conf'), rel('etc/nginx/sites/default'), ...ODD.slice(0, 4).map((n) => rel(join('odd', n)))].sort());
    for (const n of ODD.slice(0, 4)) expect(readFileSync(join(target, src, 'odd', n), 'utf8')).toBe(`content of ${n}`);
  });

  it('a restore that fails on its way is partial, each error named; one that cannot start is an error', async () => {
    const target = join(dir, 'restore-2');
    mkdirSync(target);
    // A file where restic needs the first directory of every path.
    writeFileSync(join(target, src.split('/')[1]!), 'in the way');
    const r = await restore(runner, access, { snapshot: 'latest', target, include: [join(src, 'etc/nginx')] }, RESTIC_014_FEATURES);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.outcome).toBe('partial');
    expect(r.value.errorCount).toBeGreaterThan(3);
    expect(r.value.errors[0]).toMatchObject({ item: join(src, 'etc/nginx'), message: expect.stringContaining('not a directory') });
    const unknown = await restore(runner, access, { snapshot: 'deadbeef', target: join(dir, 'restore-3') }, RESTIC_014_FEATURES);
    expect(unknown.ok ? null : unknown.error.kind).toBe('not-found');
    const wrong = await restore(runner, { ...access, password: { value: 'wrong' } }, { snapshot: 'latest', target: join(dir, 'restore-4') }, RESTIC_014_FEATURES);
    expect(wrong.ok ? null : wrong.error.kind).toBe('auth');
  });
});
