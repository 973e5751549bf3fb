import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backoffMs, createPoller } from '../../src/services/poller.js';
import { loadSavedStatus, saveStatus, statusCachePath } from '../../src/services/status-cache.js';
import { LineBuffer } from '../../src/store/line-buffer.js';
import { FLUSH_MS } from '../../src/store/jobs-slice.js';
import { fakeActions } from '../helpers/tui/fake-actions.js';
import { seededStore } from '../helpers/tui/estate.js';
import { sleep } from '../helpers/tui/render-app.js';

describe('job output buffer', () => {
  it('keeps only the newest lines however many arrive, and counts the dropped ones', () => {
    const b = new LineBuffer(1000);
    for (let i = 0; i < 50_000; i++) b.push({ step: 0, stream: 'stdout', text: `line ${i}` });
    expect(b.length).toBe(1000);
    expect(b.total).toBe(50_000);
    expect(b.dropped).toBe(49_000);
    expect(b.slice(0, 2).map((l) => l.text)).toEqual(['line 49000', 'line 49001']);
    expect(b.slice(998, 5000).map((l) => l.text)).toEqual(['line 49998', 'line 49999']);
  });

  it('cuts a runaway line', () => {
    const b = new LineBuffer(10);
    b.push({ step: 0, stream: 'stderr', text: 'x'.repeat(1_000_000) });
    expect(b.slice(0, 1)[0]!.text.length).toBeLessThan(2_100);
  });
});

describe('jobs slice', () => {
  it('batches output: 5,000 lines in a burst cost a handful of store updates, and memory stays bounded', async () => {
    const actions = fakeActions({ linesPerTick: 5_000, ticks: 1, tickMs: 1 });
    const { store } = await seededStore({ actions, jobLineCapacity: 2_000 });
    await store.getState().requestAction({ kind: 'run', layerId: 'pve1-dump' });
    let updates = 0;
    const unsubscribe = store.subscribe(() => updates++);
    const id = store.getState().confirmPending()!;
    await sleep(FLUSH_MS * 4);
    unsubscribe();
    const job = store.getState().jobs[id]!;
    expect(job.output.total).toBe(5_000);
    expect(job.output.length).toBe(2_000);
    expect(job.state).toBe('ok');
    expect(updates).toBeLessThan(12);
  });

  it('keeps the output of the last 20 ended jobs, not of every job ever run', async () => {
    const actions = fakeActions({ linesPerTick: 10, ticks: 1, tickMs: 1 });
    const { store } = await seededStore({ actions });
    for (let i = 0; i < 25; i++) {
      await store.getState().requestAction({ kind: 'verify', layerId: 'pve1-dump' });
      store.getState().confirmPending();
      await sleep(15);
    }
    await sleep(50);
    const { jobOrder, jobs } = store.getState();
    expect(jobOrder.length).toBe(20);
    expect(Object.keys(jobs).length).toBe(20);
    expect(jobOrder.at(-1)).toBe('job-25');
  });

  it('refuses a host-changing plan in read-only mode even when asked directly', async () => {
    const actions = fakeActions();
    const { store } = await seededStore({ actions, ui: { readOnly: true } });
    await store.getState().requestAction({ kind: 'run', layerId: 'pve1-dump' });
    expect(store.getState().pending).toMatchObject({ state: 'refused', reason: 'read-only mode: this plan changes a host' });
    expect(store.getState().confirmPending()).toBeNull();
    expect(actions.executed).toEqual([]);
  });

  it('a planner error is shown as the reason and nothing runs', async () => {
    const actions = { ...fakeActions(), plan: async () => Promise.reject(new Error('rclone layer nas-glacier has no source to sync')) };
    const { store } = await seededStore({ actions });
    await store.getState().requestAction({ kind: 'run', layerId: 'nas-glacier' });
    expect(store.getState().pending).toMatchObject({ state: 'refused', reason: 'rclone layer nas-glacier has no source to sync' });
  });
});

describe('poller', () => {
  it('backs off a failing host (2, 4, 8 intervals, capped) while the others keep their interval', async () => {
    expect([0, 1, 2, 3, 9].map((n) => backoffMs(100, n, 1000))).toEqual([100, 200, 400, 800, 1000]);
    let t = 0;
    const rounds: string[][] = [];
    const p = createPoller({
      intervalMs: 100,
      keys: ['good', 'dead'],
      nowMs: () => t,
      poll: async (keys) => {
        rounds.push([...keys]);
        return { failed: keys.filter((k) => k === 'dead') };
      },
    });
    p.start();
    await sleep(10);
    expect(rounds).toEqual([['good', 'dead']]);
    expect(p.dueAtMs('good')).toBe(100);
    expect(p.dueAtMs('dead')).toBe(200);
    t = 200;
    await p.trigger(); // `r` reads every host now, the dead one too
    expect(p.failures('dead')).toBe(2);
    expect(p.dueAtMs('dead')).toBe(600);
    expect(p.dueAtMs('good')).toBe(300);
    p.stop();
  });

  it('polls only while started: a hidden screen stops its polling', async () => {
    let polls = 0;
    const p = createPoller({ intervalMs: 20, keys: ['h'], poll: async () => ((polls++, { failed: [] })) });
    p.start();
    await sleep(110);
    p.stop();
    const seen = polls;
    expect(seen).toBeGreaterThanOrEqual(3);
    await sleep(80);
    expect(polls).toBe(seen);
  });

  it('does not read again what another screen read a moment ago', async () => {
    let polls = 0;
    const p = createPoller({ intervalMs: 1000, keys: ['h'], lastReadAtMs: () => Date.now() - 10, poll: async () => ((polls++, { failed: [] })) });
    p.start();
    await sleep(50);
    p.stop();
    expect(polls).toBe(0);
  });
});

describe('polling slice', () => {
  it('watch starts polling the scope’s hosts, and the returned stop ends it', async () => {
    const { store, status } = await seededStore({ pollIntervalMs: 20 }, { empty: true });
    const stop = store.getState().watch({ id: 'layer', layers: ['nas-repl'] });
    await sleep(100);
    stop();
    const n = status.calls.length;
    expect(n).toBeGreaterThanOrEqual(2);
    expect(status.calls[0]).toEqual({ hosts: ['nas1'], layers: ['nas-repl'] });
    await sleep(60);
    expect(status.calls.length).toBe(n);
  });
});

describe('status slice', () => {
  it('a reading of one layer is merged: the workloads keep their whole 3-2-1', async () => {
    const { store, status } = await seededStore();
    const before = store.getState().report!.assets.find((a) => a.id === 'vm/100')!;
    // pbs-local now has no points: only its own re-read shows it, the rest stays as read.
    status.observations = {
      ...status.observations,
      layers: status.observations.layers.map((l) => (l.layerId === 'pbs-local' ? { ...l, points: [] } : l)),
    };
    await store.getState().refresh({ layers: ['pbs-local'] });
    const report = store.getState().report!;
    expect(report.assets.length).toBeGreaterThan(0);
    const after = report.assets.find((a) => a.id === 'vm/100')!;
    // pbs-local's points are gone, and with them what restic-cloud carried of them.
    expect(after.copies).toBeLessThan(before.copies);
    expect(report.layers.find((l) => l.id === 'pbs-local')!.health).toBe('crit');
    expect(report.layers.find((l) => l.id === 'pve1-dump')!.health).toBe('ok');
  });

  it('an older refresh that finishes last does not overwrite a newer reading', async () => {
    const { store, status } = await seededStore();
    const release = status.hold();
    const slow = store.getState().refresh({ layers: ['nas-repl'] }); // reads the old points, answers late
    status.observations = {
      ...status.observations,
      layers: status.observations.layers.map((l) => (l.layerId === 'nas-repl' ? { ...l, points: [] } : l)),
    };
    await store.getState().refresh({ layers: ['nas-repl'] });
    expect(store.getState().observations.layers['nas-repl']?.points).toEqual([]);
    release();
    await slow;
    expect(store.getState().observations.layers['nas-repl']?.points).toEqual([]);
    expect(store.getState().report!.layers.find((l) => l.id === 'nas-repl')!.health).toBe('crit');
    expect(store.getState().refreshing).toBe(false);
    expect(store.getState().refreshesRunning).toBe(0);
  });
});

describe('saved status', () => {
  it('round-trips, privately, per inventory path; another path or a damaged file is no saved status', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-cache-'));
    const env = { STRATA_STATE_DIR: dir };
    const { store } = await seededStore();
    const report = store.getState().report!;
    await saveStatus('/etc/strata/a.json', { report, readAtMs: 123 }, env);
    const back = await loadSavedStatus('/etc/strata/a.json', env);
    expect(back?.readAtMs).toBe(123);
    expect(back?.report).toEqual(report);
    expect(statSync(statusCachePath('/etc/strata/a.json', env)).mode & 0o777).toBe(0o600);
    expect(await loadSavedStatus('/etc/strata/b.json', env)).toBeNull();
    const path = statusCachePath('/etc/strata/a.json', env);
    writeFileSync(path, readFileSync(path, 'utf8').slice(0, 100));
    expect(await loadSavedStatus('/etc/strata/a.json', env)).toBeNull();
    writeFileSync(path, JSON.stringify({ version: 1, configPath: '/etc/strata/a.json', readAtMs: 1, report: { overall: 'ok' } }));
    expect(await loadSavedStatus('/etc/strata/a.json', env)).toBeNull();
  });
});

describe('last proven restorable', () => {
  it('a verify of a whole layer in the journal proves each workload with a point on that layer, from the first reading', async () => {
    const { restoreEvidence: evidenceFrom } = await import('../../src/services/restore-evidence.js');
    const records = [{ layerId: 'pbs-local', assetId: null, atSec: 1_770_000_000 - 3600, kind: 'verify', actionId: 'a1', summary: 'verify ok' }];
    const { store } = await seededStore({ restoreEvidence: (layers) => evidenceFrom(records, layers) });
    const vm100 = store.getState().report!.assets.find((a) => a.id === 'vm/100')!;
    expect(vm100.lastProvenRestorableAt).toBe('2026-02-02T01:40:00Z');
    const nas = store.getState().report!.assets.find((a) => a.id === 'dataset/tank/data')!;
    expect(nas.lastProvenRestorableAt).toBeNull();
  });
});

describe('journal view', () => {
  it('one row per action from its start, commands and end entries, newest first; an action without an end says so', async () => {
    const { journalViews } = await import('../../src/store/journal-view.js');
    const request = { kind: 'verify' as const, layerId: 'restic-usb' };
    const views = journalViews([
      { v: 1, type: 'action-start', at: '2026-02-01T10:00:00Z', operator: 'alice', actionId: 'a1', title: 'Verify restic-usb', request, changesHost: false, steps: [{ host: 'docker1', command: 'restic check', description: 'check' }] },
      { v: 1, type: 'command', at: '2026-02-01T10:00:01Z', operator: 'alice', actionId: 'a1', host: 'docker1', command: 'RESTIC_PASSWORD=<secret> restic check', exitCode: 0, durationMs: 900 },
      { v: 1, type: 'action-end', at: '2026-02-01T10:00:02Z', operator: 'alice', actionId: 'a1', title: 'Verify restic-usb', request, state: 'ok', exitCode: 0, summary: 'no errors were found', verified: 'ok', durationMs: 2000 },
      { v: 1, type: 'action-start', at: '2026-02-02T10:00:00Z', operator: 'bob', actionId: 'a2', title: 'Run vzdump of pve1-dump', request: { kind: 'run', layerId: 'pve1-dump' }, changesHost: true, steps: [{ host: 'pve1', command: 'vzdump --all 1', description: 'back up' }] },
    ]);
    expect(views.map((v) => [v.id, v.state, v.kind, v.user])).toEqual([
      ['a2', 'unfinished', 'run', 'bob'],
      ['a1', 'ok', 'verify', 'alice'],
    ]);
    expect(views[1]!.commands).toEqual(['RESTIC_PASSWORD=<secret> restic check  → exit 0']);
    expect(views[1]!.verified).toBe('ok');
    expect(views[0]!.commands).toEqual(['vzdump --all 1']);
    expect(views[0]!.summary).toMatch(/no end recorded/);
  });
});
