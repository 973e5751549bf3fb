/**
 * The README's commands for marking an rclone copy made outside Strata (from
 * cron), run as written with real rclone (1.60 here) under sh, on a machine
 * whose local time is 13 h ahead of UTC: the mark is dated when the sync
 * began, Strata's reader dates the copy by it, and a sync that fails writes
 * no mark. Without `-u` the same lines date the copy 13 h into the future,
 * which is why the README says `date -u` (rclone reads --timestamp as UTC).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listRemote } from '../../src/adapters/rclone/index.js';
import { readLayer } from '../../src/kinds/read.js';
import { LocalRunner } from '../../src/transport/local-runner.js';
import { describeWithTools } from '../helpers/tools.js';
import { fillMarkScript as filledIn, readmeMarkScript as markScript } from '../helpers/docs.js';

/** A local time zone 13 h ahead of UTC, in POSIX form (no tz database needed). */
const AHEAD = 'STRATA-13';

describeWithTools(['rclone'], 'the README rclone mark, with real rclone', () => {
  let dir = '';
  let config = '';
  const runner = new LocalRunner('here');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-readme-mark-'));
    config = join(dir, 'rclone.conf');
    writeFileSync(config, `[cloud]\ntype = alias\nremote = ${join(dir, 'cloud')}\n`);
    mkdirSync(join(dir, 'cloud'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'a.txt'), 'alpha');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (script: string) => {
    const before = Math.floor(Date.now() / 1000);
    const r = spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, TZ: AHEAD, RCLONE_CONFIG: config } });
    return { ...r, before, after: Date.now() / 1000 };
  };
  const markTime = (remoteDir: string) => statSync(join(dir, 'cloud', remoteDir, '.strata-synced')).mtimeMs / 1000;

  it('dates the copy when the sync began, in UTC, and Strata reads that date', async () => {
    const r = run(filledIn(markScript(), join(dir, 'src'), 'cloud:copy'));
    expect(r.stderr).not.toMatch(/ERROR|Failed/);
    expect(r.status).toBe(0);
    const marked = markTime('copy');
    expect(marked).toBeGreaterThanOrEqual(r.before);
    expect(marked).toBeLessThanOrEqual(r.after);

    // To the millisecond the file system and the reader share (START carries nanoseconds).
    const listed = await listRemote(runner, { remote: 'cloud:copy', configFile: config });
    expect(listed.ok && Math.abs(listed.value.syncedAtSec! - marked)).toBeLessThan(0.001);
    const o = await readLayer(
      { runner, runnerFor: () => runner, node: 'here', nowSec: Math.floor(Date.now() / 1000), timeoutMs: 30_000, lookupEnv: () => undefined },
      { id: 'copy', kind: 'rclone', host: 'here', remote: 'cloud:copy', source: join(dir, 'src'), configFile: config },
    );
    expect(o.errors).toEqual([]);
    expect(o.points).toHaveLength(1);
    expect(Math.abs(o.points[0]!.timeSec - marked)).toBeLessThan(0.001);
  });

  it('keeps the mark through the next sync (it is excluded) and moves it to that sync\'s start', async () => {
    const first = markTime('copy');
    await new Promise((r) => setTimeout(r, 1100));
    writeFileSync(join(dir, 'src', 'b.txt'), 'bravo');
    const r = run(filledIn(markScript(), join(dir, 'src'), 'cloud:copy'));
    expect(r.status).toBe(0);
    expect(markTime('copy')).toBeGreaterThan(first);
    expect(markTime('copy')).toBeGreaterThanOrEqual(r.before);
    expect(existsSync(join(dir, 'src', '.strata-synced'))).toBe(false);
  });

  it('writes no mark when the sync fails', () => {
    const r = run(filledIn(markScript(), join(dir, 'no-such-source'), 'cloud:failed'));
    expect(r.status).not.toBe(0);
    expect(existsSync(join(dir, 'cloud', 'failed', '.strata-synced'))).toBe(false);
  });

  it('would date the copy 13 h ahead if START were local time: rclone reads --timestamp as UTC', () => {
    const local = markScript().replace('date -u ', 'date ');
    expect(local).not.toBe(markScript());
    const r = run(filledIn(local, join(dir, 'src'), 'cloud:local'));
    expect(r.status).toBe(0);
    expect(markTime('local') - r.before).toBeGreaterThan(13 * 3600 - 5);
    expect(markTime('local') - r.after).toBeLessThan(13 * 3600 + 5);
  });
});
