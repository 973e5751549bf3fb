import { afterEach, describe, expect, it } from 'vitest';
import { fakeActions } from '../helpers/tui/fake-actions.js';
import { fakeRestore } from '../helpers/tui/fake-restore.js';
import { seededStore } from '../helpers/tui/estate.js';
import { KEY, renderApp, type Rendered } from '../helpers/tui/render-app.js';

let view: Rendered | undefined;
afterEach(() => view?.unmount());

describe.each([80, 120])('overlays at %i columns', (columns) => {
  it('? lists the bindings of this screen and the global ones, from the binding tables', async () => {
    const { store } = await seededStore({ actions: fakeActions() });
    view = await renderApp(store, { columns, rows: 40 });
    await view.waitFor('Hosts × layers');
    await view.press('?');
    const help = await view.waitFor('Help —');
    expect(help).toContain('Dashboard screen');
    expect(help).toMatch(/x +Run the layer's job \(plan shown, y\/N\) \[changes a host\]/);
    // The cursor is on a host: the help says why x does nothing here (cut at 80 columns).
    if (columns >= 120) expect(help).toContain('(disabled: select a layer first)');
    expect(help).toMatch(/h ← +One cell left in the matrix/);
    expect(help).toMatch(/l → +One cell right in the matrix/);
    expect(help).toMatch(/v +Verify the layer's copies/);
    expect(help).toMatch(/j ↓ +Move down/);
    expect(help).toMatch(/Esc h ← +Back/);
    expect(help).toMatch(/q Ctrl-C +Quit/);
    await view.press('x'); // any other key closes, and does nothing else
    await view.waitFor('Hosts × layers');
    expect(store.getState().pending).toBeNull();
  });

  it('/ narrows the rows as you type; Enter keeps the filter, Esc clears it', async () => {
    const { store } = await seededStore();
    view = await renderApp(store, { columns, rows: 30 });
    await view.waitFor('Hosts × layers (5 hosts');
    await view.press('/');
    await view.type('restic');
    const narrowed = await view.waitFor('/ restic');
    expect(narrowed).toMatch(/^[ ›]docker1 /m);
    expect(narrowed).not.toMatch(/^[ ›](pve1|pbs1|pbs2|nas1) /m);
    expect(narrowed).toMatch(/Hosts × layers \(1 host · 2 layers\)/);
    // Keep it, move to docker1's restic column and down to its second restic layer, open it.
    await view.press(KEY.enter, ...Array<string>(6).fill('l'), 'j', KEY.enter);
    expect(await view.waitFor('layer restic-cloud')).toContain('Newest point');
    await view.press(KEY.esc);
    await view.waitFor('(Esc clears)');
    await view.press(KEY.esc);
    const back = await view.waitFor('Hosts × layers (5 hosts');
    expect(back).not.toContain('/ restic');
  });

  it(': runs a command chosen by typing (a jump to a layer, the journal)', async () => {
    const { store } = await seededStore({ journal: { readJournal: async () => [] } });
    view = await renderApp(store, { columns, rows: 24 });
    await view.waitFor('Hosts × layers');
    await view.press(':');
    await view.type('nas-repl');
    const palette = await view.waitFor('layer nas-repl');
    expect(palette).toContain('1 commands');
    await view.press(KEY.enter);
    expect(await view.waitFor('Dashboard › layer nas-repl')).toContain('zfs-replication on nas1');
    await view.press(':');
    await view.type('journal');
    await view.waitFor('view.journal');
    await view.press(KEY.enter);
    expect(await view.waitFor('Journal (0)')).toContain('nothing run yet');
  });

  it('--read-only removes exactly what changes a host: x and R are gone, v stays for verifies that only read', async () => {
    const actions = fakeActions();
    const { store } = await seededStore({ actions, ui: { readOnly: true } });
    view = await renderApp(store, { columns, rows: 40 });
    const f = await view.waitFor('Hosts × layers');
    expect(f).toContain('READ-ONLY');
    expect(f).not.toMatch(/x run/);
    expect(f).toMatch(/v verify/);
    await view.press('l', 'l', 'l', 'x', 'R'); // on pve1-dump
    expect(store.getState().pending).toBeNull();
    expect(store.getState().overlay).toBeNull();
    expect(actions.planned).toEqual([]);
    // Testing vzdump archives reads them and writes nothing: offered in read-only mode.
    await view.press('v');
    await view.waitFor('Verify pve1-dump');
    expect(actions.planned).toEqual([{ kind: 'verify', layerId: 'pve1-dump' }]);
    await view.press('n');
    // A PBS verify rewrites each snapshot's manifest: the key says why it does nothing there.
    await view.press('j', 'l', 'v'); // on pbs-local
    expect(await view.waitFor('read-only mode')).toContain('verify the datastore: read-only mode');
    expect(actions.planned).toHaveLength(1);
    await view.press('?');
    const help = await view.waitFor('Help —');
    expect(help).not.toMatch(/Run the layer's job|Restore/);
    expect(help).toMatch(/Verify the layer's copies/);
    await view.press(KEY.esc, ':');
    await view.type('action');
    const palette = await view.waitFor('action.verify');
    expect(palette).not.toContain('action.run');
  });
});

describe('the restore key', () => {
  it('R opens the restore wizard (no longer a notice of a later release), and runs nothing', async () => {
    const actions = fakeActions();
    const restore = fakeRestore();
    const { store } = await seededStore({ actions, restore });
    view = await renderApp(store, { columns: 80, rows: 24 });
    await view.waitFor('Hosts × layers');
    await view.press('R');
    const wizard = await view.waitFor('[Workload]');
    expect(wizard).not.toContain('coming in a later release');
    expect(wizard).toContain('Dashboard › restore');
    await view.press(KEY.esc);
    await view.waitFor('Hosts × layers');
    expect(actions.planned).toEqual([]);
    expect(restore.planned).toEqual([]);
    expect(restore.runs).toEqual([]);
  });
});
