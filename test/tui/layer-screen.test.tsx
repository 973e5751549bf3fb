/**
 * The Layer screen as a new user reads it: one figure for when the layer was
 * read (title bar and Read row), and what Strata itself last did on it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NOW_MS, seededStore } from './helpers/estate.js';
import { KEY, renderApp, type Rendered } from './helpers/render-app.js';

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
