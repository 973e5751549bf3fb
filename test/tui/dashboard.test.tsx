import { afterEach, describe, expect, it } from 'vitest';
import { seededStore } from './helpers/estate.js';
import { renderApp, type Rendered } from './helpers/render-app.js';

const ESC = String.fromCharCode(27);
let view: Rendered | undefined;
afterEach(() => view?.unmount());

describe.each([80, 120])('dashboard at %i columns', (columns) => {
  it('fits the terminal at 24 rows: banner with counts, both panes, the keys', async () => {
    const { store } = await seededStore();
    view = await renderApp(store, { columns, rows: 24 });
    const f = await view.waitFor('Hosts × layers');
    expect(f).toContain('STRATA ✖ CRIT');
    expect(f).toMatch(/hosts 4 ✔ 1 \? · layers 6 ✔ 1 ▲ 1 \? 2 ✖/);
    expect(f).toContain('Workloads (3-2-1)');
    expect(f).toMatch(/x run +v verify/);
    expect(view.widest()).toBeLessThanOrEqual(columns);
    expect(f.split('\n').length).toBeLessThanOrEqual(23);
  });

  it('shows each health as glyph and word on its host, layer and workload rows', async () => {
    const { store } = await seededStore();
    view = await renderApp(store, { columns, rows: 60 });
    const f = await view.waitFor('Workloads (3-2-1)');
    expect(f).toMatch(/✔ OK +pve1-dump/);
    expect(f).toMatch(/▲ WARN +nas-snap/);
    expect(f).toMatch(/\? UNKNOWN +pbs2 .*UNREACHABLE/);
    expect(f).toMatch(/\? UNKNOWN +pbs-remote/);
    expect(f).toMatch(/✖ CRIT +restic-usb/);
    expect(f).toMatch(/✖ CRIT +dataset\/tank\/media/);
    expect(f).toMatch(/▲ WARN +files\/docker1:\/srv/);
    expect(view.widest()).toBeLessThanOrEqual(columns);
  });

  it('says when each source was last read, and marks an old reading STALE', async () => {
    let now = 1_770_000_000_000;
    const { store } = await seededStore({ nowMs: () => now });
    view = await renderApp(store, { columns, rows: 30 }, () => now);
    expect(await view.waitFor('pbs-local')).toMatch(/pbs-local .* 0s ago/);
    now += 3 * 3600 * 1000;
    await view.resize(columns, 31); // any re-render; the clock has moved on 3 h
    expect(await view.waitFor('STALE')).toMatch(/pbs-local .* 3h STALE/);
  });
});

describe('dashboard layout', () => {
  it('re-lays out when the terminal is resized: columns appear and rows follow the height', async () => {
    const { store } = await seededStore();
    view = await renderApp(store, { columns: 80, rows: 24 });
    const narrow = await view.waitFor('Hosts × layers');
    expect(narrow).not.toContain('KIND');
    await view.resize(120, 40);
    const wide = await view.waitFor('KIND');
    expect(wide).toContain('zfs-snapshots');
    expect(view.widest()).toBeLessThanOrEqual(120);
    expect(wide.split('\n').length).toBeGreaterThan(narrow.split('\n').length);
    await view.resize(80, 24);
    expect(await view.waitFor((f) => !f.includes('KIND'))).toContain('Hosts × layers');
    expect(view.widest()).toBeLessThanOrEqual(80);
  });

  it('with NO_COLOR health still reads from glyph and word, and no colour codes are written', async () => {
    const chalk = (await import('chalk')).default;
    const level = chalk.level;
    chalk.level = 1; // as on a colour terminal, so the colour mode is seen to differ
    try {
      const coloured = await seededStore();
      view = await renderApp(coloured.store, { columns: 80, rows: 60 });
      await view.waitFor('Workloads');
      expect(view.raw()).toMatch(new RegExp(`${ESC}\\[3[1-5]m✖ CRIT`));
      view.unmount();

      const mono = await seededStore({ ui: { color: false } });
      view = await renderApp(mono.store, { columns: 80, rows: 60 });
      await view.waitFor('Workloads');
      const frame = view.raw();
      expect(frame).not.toMatch(new RegExp(`${ESC}\\[3[0-9]m`));
      for (const word of ['✔ OK', '▲ WARN', '? UNKNOWN', '✖ CRIT']) expect(frame).toContain(word);
    } finally {
      chalk.level = level;
    }
  });

  it('shows the saved status with its age while the first refresh runs, then the live one', async () => {
    const saved = await seededStore();
    const report = saved.store.getState().report!;
    const { store, status } = await seededStore({ pollIntervalMs: 3_600_000 }, { empty: true });
    store.getState().showSavedReport(report, 1_770_000_000_000 - 3 * 3600 * 1000);
    const release = status.hold();
    view = await renderApp(store, { columns: 80, rows: 24 });
    const f = await view.waitFor('saved status from 3h ago, refreshing');
    expect(f).toContain('✖ CRIT');
    expect(f).toMatch(/3h SAVED/);
    release();
    const live = await view.waitFor('read 0s ago');
    expect(live).not.toContain('SAVED');
    expect(status.calls.length).toBeGreaterThanOrEqual(1);
  });
});
