/**
 * The restic adapter and reader against real restic (0.14 here), through the
 * real LocalRunner: a repository in a temp dir, each way of giving the
 * password, and the failures an operator meets (wrong password, missing
 * repository, a lock held by another restic).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { backup, check, forget, listSnapshots, type ResticAccess } from '../../../src/adapters/restic/index.js';
import { readLayer, type ReaderContext } from '../../../src/kinds/read.js';
import { LocalRunner } from '../../../src/transport/local-runner.js';
import { describeWithTools } from '../../helpers/tools.js';

describeWithTools(['restic'], 'restic adapter against real restic', () => {
  let dir: string;
  let repo: string;
  let cacheEnv: Record<string, string>;
  let access: ResticAccess;
  const runner = new LocalRunner('here');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-restic-'));
    repo = join(dir, 'repo');
    cacheEnv = { RESTIC_CACHE_DIR: join(dir, 'cache') };
    writeFileSync(join(dir, 'pass'), 'correct horse\n');
    for (const p of ['data/app', 'data/db']) mkdirSync(join(dir, p), { recursive: true });
    writeFileSync(join(dir, 'data/app/a.txt'), 'hello');
    writeFileSync(join(dir, 'data/db/dump.sql'), 'select 1;');
    const init = spawnSync('restic', ['init', '-q'], {
      env: { ...process.env, ...cacheEnv, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD_FILE: join(dir, 'pass') },
    });
    if (init.status !== 0) throw new Error(`restic init failed: ${String(init.stderr)}`);
    access = { repository: repo, password: { file: join(dir, 'pass') }, env: cacheEnv };
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('backs up through the adapter and lists the snapshots it made, per path', async () => {
    const app = join(dir, 'data/app');
    const db = join(dir, 'data/db');
    const first = await backup(runner, access, { paths: [app], host: 'docker1', tags: ['nightly'] });
    expect(first.ok && first.value).toMatchObject({ incomplete: false, errors: [] });
    const second = await backup(runner, access, { paths: [app, db], host: 'docker1' });
    expect(second.ok).toBe(true);
    const snaps = await listSnapshots(runner, access);
    if (!snaps.ok) throw new Error(snaps.error.message);
    expect(snaps.value.map((s) => [s.hostname, s.paths, s.tags])).toEqual([
      ['docker1', [app], ['nightly']],
      ['docker1', [app, db], []],
    ]);
    const now = Date.now() / 1000;
    expect(snaps.value.every((s) => Math.abs(s.timeSec - now) < 120)).toBe(true);
    expect(first.ok && snaps.value[0]!.shortId).toBe(first.ok ? first.value.snapshotId : '');
  });

  it('reads the password from a command and from a value sent as a secret', async () => {
    const viaCommand = await listSnapshots(runner, { ...access, password: { command: `cat ${join(dir, 'pass')}` } });
    expect(viaCommand.ok && viaCommand.value.length).toBe(2);
    const viaValue = await listSnapshots(runner, { ...access, password: { value: 'correct horse' } });
    expect(viaValue.ok && viaValue.value.length).toBe(2);
  });

  it('reads the layer: one point per path, assets per host and path', async () => {
    const ctx: ReaderContext = {
      runner,
      runnerFor: () => runner,
      node: 'here',
      nowSec: Math.floor(Date.now() / 1000),
      timeoutMs: 30_000,
      lookupEnv: (n) => (n === 'STRATA_TEST_RESTIC_PW' ? 'correct horse' : undefined),
    };
    const o = await readLayer(ctx, {
      id: 'restic-local',
      kind: 'restic',
      host: 'here',
      repository: repo,
      secret: { env: 'STRATA_TEST_RESTIC_PW' },
      env: cacheEnv,
      paths: [join(dir, 'data/app'), '/not/backed/up'],
    });
    expect(o.errors).toEqual([]);
    expect(o.points.map((p) => p.assetId)).toEqual([`files/docker1:${join(dir, 'data/app')}`, `files/docker1:${join(dir, 'data/app')}`]);
    expect(o.assets.map((a) => a.id)).toEqual([`files/docker1:${join(dir, 'data/app')}`, 'files/here:/not/backed/up']);
  });

  it('plans retention with forget --dry-run (remove is null where nothing goes) and checks the repository', async () => {
    const plan = await forget(runner, access, { retention: 'keep-last=1', dryRun: true });
    if (!plan.ok) throw new Error(plan.error.message);
    // Two groups (the path sets differ), one snapshot each: keep-last=1 removes nothing, restic prints null.
    expect(plan.value.map((g) => [g.keep.length, g.remove])).toEqual([
      [1, []],
      [1, []],
    ]);
    const c = await check(runner, access);
    expect(c).toEqual({ ok: true, value: { clean: true, message: 'no errors were found' } });
  });

  it('reports a wrong password as auth and a missing repository as not-found', async () => {
    const wrong = await listSnapshots(runner, { ...access, password: { value: 'wrong' } });
    expect(wrong.ok ? null : wrong.error.kind).toBe('auth');
    const missing = await listSnapshots(runner, { ...access, repository: join(dir, 'nope') });
    expect(missing.ok ? null : missing.error.kind).toBe('not-found');
    const noFile = await listSnapshots(runner, { ...access, password: { file: join(dir, 'no-such-pass') } });
    expect(noFile.ok ? null : noFile.error.kind).toBe('auth');
  });

  it('reports a repository locked by another restic as locked', async () => {
    // `key passwd` takes the exclusive lock, then waits for the new password on stdin.
    const holder: ChildProcess = spawn('restic', ['key', 'passwd'], {
      env: { ...process.env, ...cacheEnv, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD_FILE: join(dir, 'pass') },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    try {
      const deadline = Date.now() + 15_000;
      while (readdirSync(join(repo, 'locks')).length === 0) {
        if (Date.now() > deadline) throw new Error('restic never took the lock');
        await new Promise((r) => setTimeout(r, 50));
      }
      const r = await listSnapshots(runner, access);
      expect(r.ok ? null : r.error.kind).toBe('locked');
    } finally {
      holder.kill('SIGKILL');
      await new Promise((r) => holder.once('exit', r));
      spawnSync('restic', ['unlock', '-q'], { env: { ...process.env, ...cacheEnv, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD_FILE: join(dir, 'pass') } });
    }
  });
});
