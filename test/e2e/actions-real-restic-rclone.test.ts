/**
 * run and verify with real restic 0.14 and rclone 1.60 through the real
 * LocalRunner: a backup makes a snapshot, a check of a sound repository is
 * verified ok, a check of a repository missing a pack file is a failed
 * verify; rclone sync copies, a changed file makes check a failed verify.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lastJobText, verifiedText } from '../../screens/rows/layer-detail-rows.js';
import type { JournalEntry } from '../../src/services/journal/entry.js';
import { strataRuns } from '../../src/services/journal/strata-runs.js';
import { readLayer } from '../../src/kinds/read.js';
import { readStatus } from '../../src/services/status-service.js';
import { journalViews, layerActivity } from '../../src/store/journal-view.js';
import { describeWithTools } from '../helpers/tools.js';
import { localActions } from '../helpers/actions/local.js';

describeWithTools(['restic'], 'restic actions against real restic', () => {
  let dir = '';
  let actions: ReturnType<typeof localActions>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-act-restic-'));
    writeFileSync(join(dir, 'pass'), 'correct horse\n');
    mkdirSync(join(dir, 'data'));
    // Random bytes: restic cannot deduplicate them, so the data pack is far larger than the tree pack.
    for (let i = 0; i < 20; i++) writeFileSync(join(dir, 'data', `f${i}.bin`), randomBytes(10_000));
    const env = { ...process.env, RESTIC_CACHE_DIR: join(dir, 'cache'), RESTIC_REPOSITORY: join(dir, 'repo'), RESTIC_PASSWORD_FILE: join(dir, 'pass') };
    const init = spawnSync('restic', ['init', '-q'], { env });
    if (init.status !== 0) throw new Error(`restic init: ${String(init.stderr)}`);
    actions = localActions([
      { id: 'files', kind: 'restic', host: 'here', repository: join(dir, 'repo'), secret: { file: join(dir, 'pass') }, paths: [join(dir, 'data')], env: { RESTIC_CACHE_DIR: join(dir, 'cache') } },
    ]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a backup: a snapshot, streamed as restic prints it', async () => {
    const out = await actions.run({ kind: 'run', layerId: 'files' });
    expect(out).toMatchObject({ state: 'ok', exitCode: 0, summary: expect.stringMatching(/^restic backup: snapshot [0-9a-f]{8}, 20 new files, .* added$/) });
    expect(actions.output.some((l) => l.text.includes('"message_type":"summary"'))).toBe(true);
  });

  it('checks a sound repository, reading all its data: verified ok', async () => {
    const out = await actions.run({ kind: 'verify', layerId: 'files', readDataSubset: '100%' });
    expect(out).toMatchObject({ state: 'ok', verified: 'ok', summary: 'restic check: no errors were found, 100% of the data read' });
  });

  it('checks a repository with a pack file deleted: failed, verified failed', async () => {
    // The largest pack holds file data (tree packs are small): losing a tree would make restic
    // retry its reads for minutes, losing data is what a failing disk does to a repository.
    const packs = join(dir, 'repo', 'data');
    const files = readdirSync(packs).flatMap((d) => readdirSync(join(packs, d)).map((f) => join(packs, d, f)));
    const largest = files.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
    unlinkSync(largest);
    const out = await actions.run({ kind: 'verify', layerId: 'files' });
    expect(out).toMatchObject({ state: 'failed', verified: 'failed', exitCode: 1, summary: expect.stringContaining('repository contains errors') });
  });

  it("the Layer screen's lines say the last check from the journal: its time, result and what it read", async () => {
    const entries = actions.journal.entries.map((e) => ({ v: 1, ...e }) as JournalEntry);
    const deps = { runnerFor: () => actions.runner, readLayer, localNowSec: () => Date.now() / 1000, lookupEnv: () => undefined };
    const { report } = await readStatus(actions.inventory, deps, { strataRuns: async () => strataRuns(entries) });
    const layer = report.layers.find((l) => l.id === 'files')!;
    const activity = layerActivity(journalViews(entries), 'files');
    expect(verifiedText(layer, activity, Date.now())).toMatch(/^VERIFY FAILED at \d{4}-\d\d-\d\d \d\d:\d\dZ \(\d+s ago\) by Strata: restic check: .*repository contains errors/);
    expect(lastJobText(layer, activity, Date.now())).toMatch(/^by Strata: verify FAILED at .*: restic check: /);
    // The check that read all the data, before it, is what a passed verify looks like.
    const sound = layerActivity(journalViews(entries.slice(0, entries.findLastIndex((e) => e.type === 'action-end' && e.verified === 'ok') + 1)), 'files');
    expect(verifiedText(layer, sound, Date.now())).toMatch(/^ok, proven at .* by Strata: restic check: no errors were found, 100% of the data read$/);
  });
});

describeWithTools(['rclone'], 'rclone actions against real rclone', () => {
  let dir = '';
  let actions: ReturnType<typeof localActions>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-act-rclone-'));
    writeFileSync(join(dir, 'rclone.conf'), '');
    mkdirSync(join(dir, 'src', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'src', 'a.txt'), 'alpha');
    writeFileSync(join(dir, 'src', 'sub', 'b.txt'), 'bravo');
    actions = localActions([
      { id: 'copy', kind: 'rclone', host: 'here', source: join(dir, 'src'), remote: join(dir, 'remote'), configFile: join(dir, 'rclone.conf') },
    ]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('syncs: the files copied, from rclone\'s own stats; then marks the copy whole, a mark the next sync keeps', async () => {
    const before = Math.floor(Date.now() / 1000);
    const out = await actions.run({ kind: 'run', layerId: 'copy' });
    expect(out).toMatchObject({ state: 'ok', summary: expect.stringMatching(/^rclone sync: 2 files copied \(10 B\); copy marked whole as of \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
    const mark = join(dir, 'remote', '.strata-synced');
    const markedAt = statSync(mark).mtimeMs / 1000;
    expect(markedAt).toBeGreaterThanOrEqual(before - 1);
    expect(markedAt).toBeLessThanOrEqual(Date.now() / 1000);
    // The next sync neither deletes the mark (it is not the source's) nor copies it anywhere.
    expect(await actions.run({ kind: 'run', layerId: 'copy' })).toMatchObject({ state: 'ok' });
    expect(statSync(mark).isFile()).toBe(true);
    expect(existsSync(join(dir, 'src', '.strata-synced'))).toBe(false);
  });

  it('checks a faithful copy: verified ok', async () => {
    expect(await actions.run({ kind: 'verify', layerId: 'copy' })).toMatchObject({ state: 'ok', verified: 'ok', summary: 'rclone check: 2 files match' });
  });

  it('checks a copy with a changed and a missing file: failed, with the counts', async () => {
    writeFileSync(join(dir, 'remote', 'a.txt'), 'tampered!');
    writeFileSync(join(dir, 'src', 'c.txt'), 'charlie');
    const out = await actions.run({ kind: 'verify', layerId: 'copy' });
    expect(out).toMatchObject({ state: 'failed', verified: 'failed', exitCode: 1, summary: expect.stringMatching(/^rclone check: 1 missing on the remote, 1 differ; 1 match/) });
  });
});
