import { afterEach, describe, expect, it } from 'vitest';
import { JOURNAL } from '../helpers/tui/fake-actions.js';
import { seededStore } from '../helpers/tui/estate.js';
import { KEY, renderApp, sleep, type Rendered } from '../helpers/tui/render-app.js';

let view: Rendered | undefined;
afterEach(() => view?.unmount());

/** The matrix line holding the cell mark `›`. */
const marked = (f: string) => f.split('\n').find((l) => l.includes('›') && !l.startsWith('Dashboard')) ?? '';

describe.each([80, 120])('navigation at %i columns', (columns) => {
  it('j/k and the arrows move between hosts in the matrix; Enter on the host column opens the Host, Esc comes back', async () => {
    const { store } = await seededStore();
    view = await renderApp(store, { columns, rows: 24 });
    await view.waitFor('Hosts × layers');
    expect(marked(view.frame())).toMatch(/^›pve1 /);
    await view.press('j');
    expect(marked(view.frame())).toMatch(/^›pbs1 /);
    await view.press(KEY.down);
    expect(marked(view.frame())).toMatch(/^›pbs2 /);
    await view.press('k', KEY.up);
    expect(marked(view.frame())).toMatch(/^›pve1 /);
    await view.press(KEY.enter);
    const host = await view.waitFor('Layers on pve1');
    expect(host).toContain('Dashboard › host pve1');
    expect(host).toContain('Reachable');
    expect(host).toMatch(/Session start\s+4\.2 s/);
    await view.press(KEY.esc);
    await view.waitFor('Hosts × layers');
    expect(view.frame()).not.toContain('host pve1');
  });

  it('Enter on a layer’s cell opens its Layer screen with points; Tab switches to its jobs', async () => {
    const { store } = await seededStore();
    view = await renderApp(store, { columns, rows: 24 });
    await view.waitFor('Hosts × layers');
    await view.press('j', 'l', 'l', 'l', 'l'); // pbs1, then across to its pbs column: pbs-local
    expect(marked(view.frame())).toMatch(/›✖ CRIT/);
    await view.press(KEY.enter);
    const layer = await view.waitFor('[Points 8]');
    expect(layer).toContain('layer pbs-local');
    expect(layer).toMatch(/Newest point +2026-02-01 22:40Z \(4h old, RPO 24h\), 8 points/);
    expect(layer).toMatch(/vm\/100 +ok/);
    await view.press(KEY.tab);
    const jobs = await view.waitFor('[Jobs 2]');
    expect(jobs).toMatch(/verificationjob +FAILED +job errors/);
    await view.press(KEY.esc);
    await view.waitFor('Hosts × layers');
  });

  it('Tab moves to the workloads pane; Enter opens a Workload across every layer', async () => {
    const { store } = await seededStore();
    view = await renderApp(store, { columns, rows: 30 });
    await view.waitFor('Hosts × layers');
    await view.press(KEY.tab);
    expect(view.frame()).toMatch(/▶ Workloads/);
    await view.press('j'); // host/pve1 -> vm/100
    await view.press('l'); // outside the matrix, l still opens
    const w = await view.waitFor('Across layers');
    expect(w).toContain('workload vm/100');
    expect(w).toMatch(/3-2-1 +4\/3 copies · 3\/2 media · 1\/1 off-site/);
    expect(w).toMatch(/pbs-local +4h +yes/);
    expect(w).toMatch(/Proven restorable +NEVER/);
    expect(w).toMatch(/Restore time +not measured yet · never drilled \(d drills it\)/);
    await view.press(KEY.shiftTab, KEY.esc);
    await view.waitFor('Hosts × layers');
    expect(view.frame()).toMatch(/▶ Workloads/);
  });

  it('J opens the Journal newest first, with the selected entry’s commands; Esc comes back', async () => {
    const { store } = await seededStore({ journal: { readJournal: async () => JOURNAL } });
    view = await renderApp(store, { columns, rows: 24 });
    await view.waitFor('Hosts × layers');
    await view.press('J');
    const j = await view.waitFor('Journal (2)');
    const rows = j.split('\n').filter((l) => /restic-usb|pbs-local/.test(l) && /2026/.test(l));
    expect(rows[0]).toMatch(/run +restic-usb +FAILED/);
    expect(rows[1]).toMatch(/verify +pbs-local +ok, proven/);
    expect(j).toContain('RESTIC_PASSWORD=<secret from file /root/.restic-pass> restic backup');
    await view.press('j');
    expect(await view.waitFor('proxmox-backup-manager verify usb')).toContain('(by alice)');
    await view.press(KEY.esc);
    await view.waitFor('Hosts × layers');
  });
});

describe('keys that arrive together', () => {
  it('a chunk of keys (typed faster than a frame) is each key in turn, Enter included', async () => {
    const { store } = await seededStore();
    view = await renderApp(store, { columns: 80, rows: 24 });
    await view.waitFor('Hosts × layers');
    await view.press('jllll\r');
    expect(await view.waitFor('Dashboard › layer pbs-local')).toContain('pbs on pbs1');
  });
});

describe('polling what is on screen', () => {
  it('only the screen shown polls: the Layer screen its own layer, the dashboard again after Esc; r reads now', async () => {
    const { store, status } = await seededStore();
    view = await renderApp(store, { columns: 80, rows: 24 });
    await view.waitFor('Hosts × layers');
    expect(store.getState().polling).toEqual(['dashboard']);
    await view.press('j', 'l', 'l', 'l', 'l', KEY.enter);
    await view.waitFor('layer pbs-local');
    expect(store.getState().polling).toEqual(['layer']);
    const before = status.calls.length;
    await view.press('r');
    await view.waitFor('refreshing what is on screen');
    await sleep(30);
    expect(status.calls.slice(before)).toEqual([{ hosts: ['pbs1'], layers: ['pbs-local'] }]);
    await view.press(KEY.esc);
    await view.waitFor('Hosts × layers');
    expect(store.getState().polling).toEqual(['dashboard']);
    await view.press('?');
    await view.waitFor('Help —');
    expect(store.getState().polling).toEqual([]); // the help covers the dashboard: nothing on screen to poll
  });
});
