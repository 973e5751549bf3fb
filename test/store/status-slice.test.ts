/**
 * The status slice of the app store (zustand vanilla), fed by the real
 * collector and domain rules over strict fake hosts: what a refresh writes,
 * how partial and overlapping refreshes merge, and what survives a failure.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { validateInventory, type Inventory } from '../../src/domain/inventory.js';
import type { StatusReport } from '../../src/domain/status-report.js';
import type { CollectorDeps } from '../../src/services/collector.js';
import { readLayer } from '../../src/kinds/read.js';
import { readStatus } from '../../src/services/status-service.js';
import { createAppStore, type AppStore } from '../../src/store/index.js';
import { TransportError } from '../../src/transport/errors.js';
import { FakeRunner } from '../helpers/fake-runner.js';

const LOCAL = 1_770_000_000.5;
const T = Math.floor(LOCAL);
const HOUR = 3600;
const CLOCK = ['date', '+%s %z'];
const RESTIC = ['restic', 'snapshots', '--json'];

let fakes: FakeRunner[] = [];
afterEach(() => {
  const all = fakes;
  fakes = [];
  for (const f of all) f.assertDone();
});

function inventory(): Inventory {
  const layer = (id: string, host: string) => ({ id, kind: 'restic', host, repository: `/srv/${id}`, secret: { file: '/pass' }, rpo: '1d', media: 'hdd' });
  const r = validateInventory({ version: 1, hosts: [{ name: 'h1' }, { name: 'h2' }], layers: [layer('a', 'h1'), layer('b', 'h2')] });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.inventory;
}

const env = (id: string) => ({ env: { RESTIC_REPOSITORY: `/srv/${id}`, RESTIC_PASSWORD_FILE: '/pass' } });

/** restic's answer: one snapshot of /data taken `hoursAgo` before the host's now. */
const snapshot = (host: string, hoursAgo: number) =>
  JSON.stringify([
    {
      time: new Date((T - hoursAgo * HOUR) * 1000).toISOString(),
      tree: 'a'.repeat(64),
      paths: ['/data'],
      hostname: host,
      username: 'root',
      id: 'c'.repeat(64),
      short_id: 'cccccccc',
    },
  ]);

function setup(more: { saveReport?: (r: StatusReport, at: number) => void | Promise<void> } = {}) {
  const h1 = new FakeRunner('h1');
  const h2 = new FakeRunner('h2');
  fakes.push(h1, h2);
  // The store's clock and the collector's are one clock, as in Strata itself (Date.now()).
  let ms = LOCAL * 1000;
  const collector: CollectorDeps = {
    runnerFor: (h) => (h === 'h1' ? h1 : h2),
    readLayer,
    localNowSec: () => LOCAL,
    lookupEnv: () => undefined,
  };
  const store: AppStore = createAppStore({
    readStatus: (inv, opts) => readStatus(inv, collector, opts),
    nowMs: () => (ms += 1),
    ...more,
  });
  store.getState().setInventory(inventory());
  return { h1, h2, store };
}

const clock = `${T} +0000\n`;
const layerHealth = (r: StatusReport | null) => Object.fromEntries((r?.layers ?? []).map((l) => [l.id, [l.health, l.ageSeconds]]));

describe('status store', () => {
  it('keeps the report of a refresh, the observations behind it and when each host and layer was read', async () => {
    const { h1, h2, store } = setup();
    h1.on(CLOCK, clock).on(RESTIC, snapshot('h1', 2), env('a'));
    h2.on(CLOCK, clock).on(RESTIC, snapshot('h2', 3), env('b'));
    const report = await store.getState().refresh();
    const s = store.getState();
    expect(s.report).toBe(report);
    expect(layerHealth(s.report)).toEqual({ a: ['ok', 2 * HOUR], b: ['ok', 3 * HOUR] });
    expect(s).toMatchObject({ refreshing: false, refreshesRunning: 0, refreshError: null, reportIsSaved: false });
    expect(Object.keys(s.observations.layers).sort()).toEqual(['a', 'b']);
    expect(s.observations.hostReadAtMs).toEqual({ h1: s.reportReadAtMs, h2: s.reportReadAtMs });
  });

  it('says it is refreshing while any refresh runs, counting overlapping ones', async () => {
    const { h1, h2, store } = setup();
    h1.on(CLOCK, clock, { times: 2 }).on(RESTIC, snapshot('h1', 1), { ...env('a'), delayMs: 30, times: 2 });
    h2.on(CLOCK, clock).on(RESTIC, snapshot('h2', 1), { ...env('b'), delayMs: 80 });
    const seen: [boolean, number][] = [];
    const unsubscribe = store.subscribe((s) => seen.push([s.refreshing, s.refreshesRunning]));
    const whole = store.getState().refresh();
    const one = store.getState().refresh({ hosts: ['h1'] });
    expect(store.getState()).toMatchObject({ refreshing: true, refreshesRunning: 2 });
    await one;
    expect(store.getState()).toMatchObject({ refreshing: true, refreshesRunning: 1 });
    await whole;
    unsubscribe();
    expect(store.getState()).toMatchObject({ refreshing: false, refreshesRunning: 0 });
    expect(seen.at(-1)).toEqual([false, 0]);
  });

  it('merges a refresh of one host into what is known and evaluates the whole estate again', async () => {
    const { h1, h2, store } = setup();
    h1.on(CLOCK, clock).on(RESTIC, snapshot('h1', 2), env('a'));
    h2.on(CLOCK, clock, { times: 2 }).on(RESTIC, snapshot('h2', 3), env('b'));
    await store.getState().refresh();
    const firstReadAt = store.getState().observations.hostReadAtMs.h1;
    // h2's backup has stopped: its newest snapshot is now 30 h old.
    h2.on(RESTIC, snapshot('h2', 30), env('b'));
    const report = await store.getState().refresh({ hosts: ['h2'] });
    expect(layerHealth(report)).toEqual({ a: ['ok', 2 * HOUR], b: ['warn', 30 * HOUR] });
    expect(report!.hosts.map((h) => [h.name, h.health])).toEqual([
      ['h1', 'ok'],
      ['h2', 'ok'],
    ]);
    expect(store.getState().observations.hostReadAtMs.h1).toBe(firstReadAt);
    expect(store.getState().observations.hostReadAtMs.h2).toBeGreaterThan(firstReadAt!);
  });

  it('keeps the reading of the later-started of two overlapping refreshes, even when the earlier one finishes last', async () => {
    const { h1, store } = setup();
    h1.on(CLOCK, clock, { times: 2 });
    // The first refresh's probe is slow and sees the older state; the second is quick and sees a new snapshot.
    h1.on(RESTIC, snapshot('h1', 20), { ...env('a'), delayMs: 150 });
    h1.on(RESTIC, snapshot('h1', 1), env('a'));
    const first = store.getState().refresh({ hosts: ['h1'] });
    await new Promise((r) => setTimeout(r, 20));
    await store.getState().refresh({ hosts: ['h1'] });
    expect(layerHealth(store.getState().report).a).toEqual(['ok', HOUR]);
    await first;
    expect(layerHealth(store.getState().report).a).toEqual(['ok', HOUR]);
    expect(store.getState().observations.layers.a!.points.map((p) => p.timeSec)).toEqual([T - HOUR]);
  });

  it('keeps the last report and says why when a refresh fails', async () => {
    const { h1, h2, store } = setup();
    h1.on(CLOCK, clock).on(RESTIC, snapshot('h1', 2), env('a'));
    h2.on(CLOCK, clock).on(RESTIC, snapshot('h2', 3), env('b'));
    const report = await store.getState().refresh();
    const broken = createAppStore({
      readStatus: () => Promise.reject(new Error('inventory vanished')),
      nowMs: () => 5,
    });
    broken.setState({ report, reportReadAtMs: 4 });
    broken.getState().setInventory(inventory());
    expect(await broken.getState().refresh()).toBeNull();
    expect(broken.getState()).toMatchObject({ report, reportReadAtMs: 4, refreshing: false, refreshError: 'inventory vanished' });
  });

  it('shows a saved report until the first live reading, and never over a live one', async () => {
    const { h1, h2, store } = setup();
    h1.on(CLOCK, clock).on(RESTIC, snapshot('h1', 2), env('a'));
    h2.on(CLOCK, clock).on(RESTIC, snapshot('h2', 3), env('b'));
    const saved = { version: 1, generatedAt: '2026-01-01T00:00:00Z', overall: 'crit', hosts: [], layers: [], assets: [] } as StatusReport;
    store.getState().showSavedReport(saved, 42);
    expect(store.getState()).toMatchObject({ report: saved, reportReadAtMs: 42, reportIsSaved: true });
    const live = await store.getState().refresh();
    store.getState().showSavedReport(saved, 43);
    expect(store.getState()).toMatchObject({ report: live, reportIsSaved: false });
  });

  it('hands each new report to saveReport, and a report that cannot be saved is still shown', async () => {
    const saves: string[] = [];
    const { h1, h2, store } = setup({
      saveReport: (r) => {
        saves.push(r.overall);
        throw new Error('disk full');
      },
    });
    h1.on(CLOCK, clock).on(RESTIC, snapshot('h1', 2), env('a'));
    h2.on(CLOCK, clock).on(RESTIC, snapshot('h2', 3), env('b'));
    const report = await store.getState().refresh();
    expect(saves).toEqual(['ok']);
    expect(store.getState()).toMatchObject({ report, refreshError: null });
  });

  it('drops a reading of an inventory that was replaced while it ran', async () => {
    const { h1, h2, store } = setup();
    h1.on(CLOCK, clock).on(RESTIC, snapshot('h1', 2), { ...env('a'), delayMs: 50 });
    h2.on(CLOCK, clock).on(RESTIC, snapshot('h2', 3), env('b'));
    const running = store.getState().refresh();
    store.getState().setInventory(inventory());
    expect(await running).toBeNull();
    expect(store.getState()).toMatchObject({ report: null, refreshing: false, refreshesRunning: 0 });
    expect(store.getState().observations.layers).toEqual({});
  });

  it('keeps listing a workload of the shown report, UNKNOWN, when its host is down at the next refresh (a saved report at start too)', async () => {
    const { h1, h2, store } = setup();
    h1.on(CLOCK, clock).on(RESTIC, snapshot('h1', 2), env('a'));
    h2.on(CLOCK, clock).on(RESTIC, snapshot('h2', 3), env('b'));
    const first = await store.getState().refresh();
    expect(first!.assets.map((a) => [a.id, a.health])).toEqual([
      ['files/h1:/data', 'ok'],
      ['files/h2:/data', 'ok'],
    ]);
    const down = new TransportError('unreachable', { host: 'h2', detail: 'connect ECONNREFUSED' });
    h1.on(CLOCK, clock).on(RESTIC, snapshot('h1', 2), env('a'));
    h2.on(CLOCK, down);
    const second = await store.getState().refresh();
    expect(second!.assets.find((a) => a.id === 'files/h2:/data')).toMatchObject({ health: 'unknown', reasons: [expect.stringMatching(/cannot tell: layer b could not be read/), expect.anything(), expect.anything()] });

    // A new process: only the saved report knows files/h2:/data.
    const next = setup();
    next.store.getState().showSavedReport(second!, 1);
    next.h1.on(CLOCK, clock).on(RESTIC, snapshot('h1', 2), env('a'));
    next.h2.on(CLOCK, down);
    const third = await next.store.getState().refresh();
    expect(third!.assets.map((a) => [a.id, a.health])).toEqual([
      ['files/h1:/data', 'ok'],
      ['files/h2:/data', 'unknown'],
    ]);
  });
});
