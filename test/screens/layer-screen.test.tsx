/**
 * The Layer screen as a new user reads it: one figure for when the layer was
 * read (title bar and Read row), and what Strata itself last did on it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { composeServices } from '../../src/services/root.js';
import { tuiStore } from '../../src/cli/tui.js';
import type { Inventory } from '../../src/domain/inventory.js';
import type { Lab } from '../../src/lab/index.js';
import { useLab } from '../helpers/lab/lab-runner.js';
import { lastJobText, verifiedText } from '../../screens/rows/layer-detail-rows.js';
import { layerActivity, type JournalEntryView } from '../../src/store/index.js';
import { NOW_MS, seededStore } from '../helpers/tui/estate.js';
import { KEY, renderApp, type Rendered } from '../helpers/tui/render-app.js';

let view: Rendered | undefined;
afterEach(() => view?.unmount());

const titleOf = (frame: string) => frame.split('\n')[0]!;
const readRow = (frame: string) => /Read +(.*)$/m.exec(frame)?.[1]?.trim();

describe('when the layer was read', () => {
  it('the title bar says the same figure as the Read row, on one clock', async () => {
    let t = NOW_MS;
    const { store } = await seededStore({ nowMs: () => t });
    // Another host read later: the report as a whole is younger than this layer's reading.
    t += 8_000;
    await store.getState().refresh({ hosts: ['pbs1'] });
    t += 25_000;
    store.getState().navigate({ kind: 'layer', layerId: 'pve1-dump' });
    view = await renderApp(store, { columns: 120, rows: 30 }, () => t);
    const f = await view.waitFor('Newest point');
    expect(readRow(f)).toBe('33s ago');
    expect(titleOf(f)).toMatch(/ read 33s ago\s*$/);
    // The clock moves on; a key that redraws only the screen moves the title bar's age too.
    t += 10_000;
    await view.press(KEY.tab);
    const g = await view.waitFor('[Jobs');
    expect(readRow(g)).toBe('43s ago');
    expect(titleOf(g)).toMatch(/ read 43s ago\s*$/);
  });

  it('the Host screen too: its title bar says when that host was read', async () => {
    let t = NOW_MS;
    const { store } = await seededStore({ nowMs: () => t });
    t += 8_000;
    await store.getState().refresh({ hosts: ['pbs1'] });
    t += 25_000;
    store.getState().navigate({ kind: 'host', host: 'pve1' });
    view = await renderApp(store, { columns: 120, rows: 30 }, () => t);
    const f = await view.waitFor('Clock skew');
    expect(readRow(f)).toBe('33s ago');
    expect(titleOf(f)).toMatch(/ read 33s ago\s*$/);
  });
});

describe("the Layer screen's job and verify lines", () => {
  const H_MS = 3_600_000;
  const entry = (id: string, layerId: string, kind: string, state: string, hoursAgo: number, extra: Partial<JournalEntryView> = {}): JournalEntryView => ({
    id,
    atMs: NOW_MS - hoursAgo * H_MS,
    kind,
    title: `${kind} ${layerId}`,
    layerId,
    hosts: ['h'],
    state,
    summary: `${kind} ${id}`,
    durationMs: 60_000,
    commands: [],
    ...extra,
  });

  it("takes the layer's newest finished action, and its newest verify with a result", () => {
    const entries = [
      entry('v1', 'pve1-dump', 'verify', 'ok', 3, { verified: 'ok' }),
      entry('v2', 'pve1-dump', 'verify', 'cancelled', 2),
      entry('r1', 'pve1-dump', 'run', 'unfinished', 1),
      entry('x1', 'pbs-local', 'run', 'ok', 0.5),
    ];
    const a = layerActivity(entries, 'pve1-dump');
    expect(a.lastAction?.id).toBe('v2'); // a cancelled verify ran; it proves nothing
    expect(a.lastVerify?.id).toBe('v1');
    expect(layerActivity(entries, 'nas-repl')).toEqual({});
  });

  it('says the host\'s job and Strata\'s, the newer first; a Strata run the report carries is said once', async () => {
    const { store } = await seededStore();
    const layer = (id: string) => store.getState().report!.layers.find((l) => l.id === id)!;
    const dump = layer('pve1-dump'); // its host's vzdump ended 5 h ago
    expect(lastJobText(dump, {}, NOW_MS)).toBe('vzdump ok "OK" at 2026-02-01 21:41Z');
    const older = entry('r1', 'pve1-dump', 'run', 'failed', 8);
    expect(lastJobText(dump, { lastAction: older }, NOW_MS)).toBe('vzdump ok "OK" at 2026-02-01 21:41Z · by Strata: run FAILED at 2026-02-01 18:41Z (7h ago)');
    const newer = entry('r2', 'pve1-dump', 'run', 'ok', 1, { summary: 'vzdump: 4 guests backed up' });
    expect(lastJobText(dump, { lastAction: newer }, NOW_MS)).toBe('by Strata: run ok at 2026-02-02 01:41Z (59m ago) · vzdump ok "OK" at 2026-02-01 21:41Z');
    const carried = { ...dump, lastJob: { ...dump.lastJob!, type: 'strata run' } };
    expect(lastJobText(carried, { lastAction: newer }, NOW_MS)).toBe('by Strata: run ok at 2026-02-02 01:41Z (59m ago): vzdump: 4 guests backed up');
    expect(lastJobText({ ...dump, lastJob: undefined }, {}, NOW_MS)).toBe('none reported, none run by Strata');
  });

  it("says Strata's last verify and the host's verify state, the newer first, and never when there is neither", async () => {
    const { store } = await seededStore();
    const pbs = store.getState().report!.layers.find((l) => l.id === 'pbs-local')!; // its points verified 1 h ago
    const strata = entry('v1', 'pbs-local', 'verify', 'failed', 3, { verified: 'failed', summary: 'verify failed: 1 of 12 snapshots' });
    expect(verifiedText(pbs, { lastVerify: strata }, NOW_MS)).toBe(
      'newest point: ok at 2026-02-02 01:40Z · VERIFY FAILED at 2026-02-01 23:41Z (2h ago) by Strata: verify failed: 1 of 12 snapshots',
    );
    const restic = store.getState().report!.layers.find((l) => l.id === 'restic-usb')!;
    expect(verifiedText(restic, {}, NOW_MS)).toBe("never verified (v verifies the layer's copies)");
    const structure = entry('v2', 'restic-usb', 'verify', 'ok', 0.25, { summary: 'restic check: no errors were found in the structure (no data read)' });
    expect(verifiedText(restic, { lastVerify: structure }, NOW_MS)).toBe('ok at 2026-02-02 02:26Z (14m ago) by Strata: restic check: no errors were found in the structure (no data read)');
  });
});

describe('what Strata last did on a layer: a verify from the TUI against the lab, through the real journal', () => {
  let lab: Lab;
  let inventory: Inventory;
  useLab({ scenario: 'healthy', timeScale: 0.02 }, (l, _runners, inv) => ((lab = l), (inventory = inv)));

  it('after a restic check, the Layer screen shows the verify (when, what it read, result) and it as the last job', async () => {
    const io = memoryIo('', { STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-layer-journal-')) });
    const session = composeServices({ inventory, configPath: lab.configPath, env: io.env });
    try {
      const store = await tuiStore({ session, io, color: false, pollIntervalMs: 3_600_000 });
      store.getState().navigate({ kind: 'layer', layerId: 'restic-usb' });
      view = await renderApp(store, { columns: 160, rows: 34 }, () => Date.now());
      const before = await view.waitFor('Newest point  20', 20_000);
      expect(before).toMatch(/Verified +never verified \(v verifies the layer's copies\)/);
      expect(before).toMatch(/Last job +none reported, none run by Strata/);
      await view.press('v');
      expect(await view.waitFor('Run this? [y/N]', 20_000)).toMatch(/\$ .*restic check/);
      await view.press('y');
      await view.waitFor(/Result: restic check: no errors/, 30_000);
      await view.press(KEY.esc);
      const after = await view.waitFor(/Verified +ok at /, 20_000);
      expect(after).toMatch(/Verified +ok at \d{4}-\d\d-\d\d \d\d:\d\dZ \(\d+s ago\) by Strata: restic check: no errors were found in the structure \(no data read/);
      expect(after).toMatch(/Last job +by Strata: verify ok at \d{4}-\d\d-\d\d \d\d:\d\dZ \(\d+s ago\): restic check: no errors/);
      // Read again after the verify: its host's reading includes it as the layer's job.
      const jobTypes = () => store.getState().observations.layers['restic-usb']?.jobs.map((j) => j.type) ?? [];
      for (const until = Date.now() + 20_000; !jobTypes().includes('strata verify') && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
      expect(jobTypes()).toContain('strata verify');
    } finally {
      view?.unmount();
      view = undefined;
      await session.close();
    }
  }, 90_000);
});
