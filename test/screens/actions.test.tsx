import { afterEach, describe, expect, it } from 'vitest';
import { fakeActions } from '../helpers/tui/fake-actions.js';
import { seededStore } from '../helpers/tui/estate.js';
import { KEY, renderApp, sleep, type Rendered } from '../helpers/tui/render-app.js';

let view: Rendered | undefined;
afterEach(() => view?.unmount());

/** Cursor to pve1-dump: pve1's host column, snap, zfs-snap (a gap), vzdump. */
const TO_PVE1_DUMP = ['l', 'l', 'l'];

describe.each([80, 120])('run and verify at %i columns', (columns) => {
  it('x shows the plan (commands and host) and asks; n runs nothing', async () => {
    const actions = fakeActions();
    const { store } = await seededStore({ actions });
    view = await renderApp(store, { columns, rows: 24 });
    await view.waitFor('Hosts × layers');
    await view.press(...TO_PVE1_DUMP, 'x');
    const plan = await view.waitFor('Run this? [y/N]');
    expect(plan).toContain('Run vzdump of pve1-dump');
    expect(plan).toContain('▲ CHANGES HOST pve1');
    expect(plan).toContain('1. back up every guest of the node (on pve1)');
    expect(plan).toContain('$ vzdump --all 1 --storage local-backup --mode snapshot');
    await view.press('n');
    await view.waitFor('not run: Run vzdump of pve1-dump');
    expect(actions.planned).toEqual([{ kind: 'run', layerId: 'pve1-dump' }]);
    expect(actions.executed).toEqual([]);
    expect(store.getState().jobOrder).toEqual([]);
  });

  it('j/k scroll the waiting plan without answering it; only y runs it', async () => {
    const actions = fakeActions();
    const { store } = await seededStore({ actions });
    view = await renderApp(store, { columns, rows: 24 });
    await view.waitFor('Hosts × layers');
    await view.press(...TO_PVE1_DUMP, 'x');
    await view.waitFor('Run this? [y/N]');
    await view.press('j', 'j', 'k');
    const pending = store.getState().pending;
    expect(pending?.state).toBe('ready');
    expect(pending?.state === 'ready' ? pending.scroll : -1).toBe(1);
    expect(actions.executed).toEqual([]);
    await view.press('n');
    expect(store.getState().pending).toBeNull();
  });

  it('y runs it: the Job screen streams the output; Esc cancels and the job ends; the layer is read again', async () => {
    const actions = fakeActions({ linesPerTick: 20, tickMs: 10 });
    const { store, status } = await seededStore({ actions });
    view = await renderApp(store, { columns, rows: 24 });
    await view.waitFor('Hosts × layers');
    await view.press(...TO_PVE1_DUMP, 'x');
    await view.waitFor('Run this? [y/N]');
    await view.press('y');
    const running = await view.waitFor(/⟳ RUNNING .* following/);
    expect(running).toContain('Dashboard › job job-1');
    expect(running).toMatch(/Esc cancel/);
    await view.waitFor(/INFO: line [1-9]\d\d\b/); // lines keep arriving, the newest in view
    const lines = view.frame().split('\n').filter((l) => l.startsWith('INFO: line'));
    expect(lines.length).toBeGreaterThan(10);
    const callsBefore = status.calls.length;
    await view.press(KEY.esc);
    const cancelled = await view.waitFor('■ CANCELLED');
    expect(cancelled).toContain('cancelled by the operator');
    expect(actions.cancelled).toBe(true);
    // Still on the Job screen: the first Esc cancelled, it did not go back.
    expect(cancelled).toContain('job job-1');
    // The footer now says what Esc does next.
    const ended = await view.waitFor(/Esc back/);
    expect(ended).not.toMatch(/Esc cancel/);
    await sleep(50);
    expect(status.calls.slice(callsBefore)).toContainEqual({ layers: ['pve1-dump'] });
    await view.press(KEY.esc);
    await view.waitFor('Hosts × layers');
    await view.press('o');
    await view.waitFor('■ CANCELLED');
  });

  it('the Job screen scrolls back (k, PgUp, g) and f follows again', async () => {
    const actions = fakeActions({ linesPerTick: 50, ticks: 10, tickMs: 5 });
    const { store } = await seededStore({ actions });
    view = await renderApp(store, { columns, rows: 24 });
    await view.waitFor('Hosts × layers');
    await view.press(...TO_PVE1_DUMP, 'x');
    await view.waitFor('Run this? [y/N]');
    await view.press('y');
    const done = await view.waitFor('✔ OK');
    expect(done).toContain('500 lines');
    expect(done).toContain('INFO: line 499');
    await view.press('g');
    const top = await view.waitFor('lines 1-');
    expect(top).toMatch(/^INFO: line 0$/m);
    expect(top).not.toContain('INFO: line 499');
    await view.press(KEY.down, KEY.down);
    expect(await view.waitFor('lines 3-')).toMatch(/^INFO: line 2$/m);
    await view.press('f');
    expect(await view.waitFor('following')).toContain('INFO: line 499');
  });
});

describe('verify', () => {
  it('v on a layer shows a plan that reads only, with secrets named, not shown', async () => {
    const actions = fakeActions();
    const { store } = await seededStore({ actions });
    view = await renderApp(store, { columns: 120, rows: 24 });
    await view.waitFor('Hosts × layers');
    await view.press(...TO_PVE1_DUMP, KEY.enter);
    await view.waitFor('layer pve1-dump');
    await view.press('v');
    const plan = await view.waitFor('Run this? [y/N]');
    expect(plan).toContain('Reads only, on pve1');
    expect(plan).toContain('$ RESTIC_PASSWORD=<secret from file /root/.restic-pass> restic check --read-data-subset 5%');
    await view.press(KEY.esc); // anything but y declines
    await view.waitFor('not run: Verify pve1-dump');
    expect(actions.executed).toEqual([]);
  });

  it('x on the host column says to select a layer, and plans nothing', async () => {
    const actions = fakeActions();
    const { store } = await seededStore({ actions });
    view = await renderApp(store, { columns: 80, rows: 24 });
    await view.waitFor('Hosts × layers');
    await view.press('x');
    await view.waitFor('select a layer first');
    expect(actions.planned).toEqual([]);
  });

  it('cancelAll, which quitting runs before it returns, ends a running job', async () => {
    const actions = fakeActions();
    const { store } = await seededStore({ actions });
    view = await renderApp(store, { columns: 80, rows: 24 });
    await view.waitFor('Hosts × layers');
    await view.press(...TO_PVE1_DUMP, 'x');
    await view.waitFor('Run this? [y/N]');
    await view.press('y');
    await view.waitFor('⟳ RUNNING');
    await store.getState().cancelAll();
    expect(actions.cancelled).toBe(true);
    expect(store.getState().jobs['job-1']?.state).toBe('cancelled');
  });
});
