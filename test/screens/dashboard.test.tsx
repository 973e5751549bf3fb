import { afterEach, describe, expect, it } from 'vitest';
import { validateInventory } from '../../src/domain/inventory.js';
import { createAppStore } from '../../src/store/index.js';
import { fakeActions } from '../helpers/tui/fake-actions.js';
import { fakeStatus, homelab, NOW_MS, seededStore } from '../helpers/tui/estate.js';
import { KEY, renderApp, type Rendered } from '../helpers/tui/render-app.js';

const ESC = String.fromCharCode(27);
let view: Rendered | undefined;
afterEach(() => view?.unmount());

const HEADERS = /HOST +snap +zfs-snap +vzdump +pbs +zfs-repl +restic +rclone +config/;

/** The matrix's lines: from its header to the line above the workloads pane, detail included. */
function matrixOf(frame: string): string[] {
  const lines = frame.split('\n');
  const from = lines.findIndex((l) => l.startsWith(' HOST '));
  const to = lines.findIndex((l) => l.startsWith('─ Workloads') || l.startsWith('▶ Workloads'));
  return lines.slice(from, to);
}

/** The detail under the matrix, its wrapped lines joined: what follows the last matrix row. */
function detailOf(frame: string): string {
  const lines = matrixOf(frame);
  const last = lines.findLastIndex((l) => /^[ ›]/.test(l) && !/^ {2}rows /.test(l));
  return lines
    .slice(last + 1)
    .filter((l) => !/^ {2}(rows|kinds) /.test(l))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The matrix's line that holds the cell mark `›`. */
const markedLine = (frame: string) => matrixOf(frame).find((l) => l.includes('›')) ?? '';

describe.each([80, 120])('the hosts × layers matrix at %i columns', (columns) => {
  it('fits the terminal at 24 rows: banner with counts, the matrix with its detail, the workloads, the keys', async () => {
    const { store } = await seededStore();
    view = await renderApp(store, { columns, rows: 24 });
    const f = await view.waitFor('Hosts × layers');
    expect(f).toContain('STRATA ✖ CRIT');
    expect(f).toMatch(/hosts 4 ✔ 1 \? · layers 6 ✔ 1 ▲ 1 \? 2 ✖/);
    expect(f).toContain('Hosts × layers (5 hosts · 10 layers)');
    expect(f).toMatch(HEADERS);
    expect(detailOf(f)).toMatch(/^✔ OK pve1 · host, 3 layers · reachable, clock \+0s · read 0s ago · no problem found$/);
    expect(f).toContain('Workloads (3-2-1)');
    expect(f).toMatch(/x run +v verify/);
    expect(view.widest()).toBeLessThanOrEqual(columns);
    expect(f.split('\n').length).toBeLessThanOrEqual(23);
  });

  it('shows every host as a row and every kind as a column: glyph and word, age against RPO, · for a gap', async () => {
    const { store } = await seededStore();
    view = await renderApp(store, { columns, rows: 60 });
    const f = await view.waitFor('Workloads (3-2-1)');
    const text = matrixOf(f).join('\n');
    const hosts = matrixOf(f).filter((l) => /^[ ›](pve1|pbs1|pbs2|docker1|nas1) /.test(l)).map((l) => l.slice(1).split(' ')[0]);
    expect(hosts).toEqual(['pve1', 'pbs1', 'pbs2', 'docker1', 'nas1']);
    // Each layer's cell, in its kind's column: the word, then its age against RPO (same line or below).
    for (const [word, age] of [
      ['✔ OK', '3h/-'], // pve1-snap: no RPO
      ['✔ OK', '5h/24h'], // pve1-dump
      ['✖ CRIT', '4h/24h'], // pbs-local
      ['? UNK', 'none/2d'], // pbs-remote: its host unreachable
      ['✖ CRIT', '2d/24h'], // restic-usb
      ['▲ WARN', '1h/1h'], // nas-snap
      ['✔ OK', '30h/7d'], // nas-glacier
    ]) {
      expect(text).toContain(word);
      expect(text).toContain(age);
    }
    // pbs1 has only a PBS datastore: every other kind is a gap.
    const pbs1 = matrixOf(f).find((l) => /^[ ›]pbs1 /.test(l))!;
    expect(pbs1.match(/·/g)?.length).toBe(7);
    // The host column carries the host's own health: pbs2 does not answer.
    expect(text).toMatch(columns >= 120 ? /pbs2 +\? UNKN/ : /^ \? UNKNOWN/m);
    expect(view.widest()).toBeLessThanOrEqual(columns);
  });

  it('a host with two layers of one kind takes a second line for the second, its host column blank', async () => {
    const { store } = await seededStore();
    view = await renderApp(store, { columns, rows: 60 });
    const f = await view.waitFor('Workloads (3-2-1)');
    const lines = matrixOf(f);
    const docker = lines.findIndex((l) => /^[ ›]docker1 /.test(l));
    const restic = lines[0]!.indexOf('restic');
    const below = lines.slice(docker + 1).find((l) => l.slice(restic).startsWith('✔ OK'));
    expect(lines[docker]!.slice(restic)).toMatch(/^✖ CRIT/); // restic-usb
    expect(below).toBeDefined(); // restic-cloud, on a line of its own
    expect(below!.slice(0, restic).trim()).toBe('');
    await view.press('j', 'j', 'j', 'l', 'l', 'l', 'l', 'l', 'l', 'j');
    expect(detailOf(view.frame())).toContain('restic-cloud · restic on docker1 · newest 20h, RPO 7d');
  });

  it('h/l/j/k move the cell cursor; the detail follows with the layer, kind, newest/RPO, reading and the full reason', async () => {
    const { store, status } = await seededStore();
    const long = 'repository /mnt/usb/restic is locked by another process (PID 4242 on docker1, started 2026-02-01 21:00:00 UTC); remove a stale lock with restic unlock';
    status.observations = { ...status.observations, layers: status.observations.layers.map((l) => (l.layerId === 'restic-cloud' ? { ...l, errors: [{ kind: 'locked' as const, message: long }] } : l)) };
    await store.getState().refresh();
    view = await renderApp(store, { columns, rows: 40 });
    await view.waitFor('Hosts × layers');
    await view.press('l');
    expect(detailOf(view.frame())).toMatch(/^✔ OK pve1-snap · pve-snapshots on pve1 · newest 3h, RPO - · read 0s ago · no problem found$/);
    await view.press('l', KEY.right); // zfs-snap (a gap), then vzdump
    expect(detailOf(view.frame())).toMatch(/^✔ OK pve1-dump · vzdump on pve1 · newest 5h, RPO 24h · read 0s ago/);
    expect(markedLine(view.frame())).toMatch(/›✔ OK/);
    await view.press('j'); // pbs1 has no vzdump layer
    expect(detailOf(view.frame())).toBe('pbs1 has no vzdump layer');
    await view.press('l');
    const pbs = view.frame();
    expect(detailOf(pbs)).toBe('✖ CRIT pbs-local · pbs on pbs1 · newest 4h, RPO 24h · read 0s ago · last verificationjob job (2026-01-31T20:41:00Z) failed: job errors');
    expect(markedLine(pbs)).toMatch(/›✖ CRIT/);
    await view.press(KEY.down);
    expect(detailOf(view.frame())).toMatch(/^\? UNKNOWN pbs-remote · pbs on pbs2 · no point, RPO 2d · read 0s ago · host pbs2 unreachable: connect ECONNREFUSED/);
    await view.press('l', 'l', 'j'); // restic: docker1's first
    expect(detailOf(view.frame())).toBe('✖ CRIT restic-usb · restic on docker1 · newest 2d, RPO 24h · read 0s ago · newest point is 2 d 12 h old, RPO 24 h');
    await view.press('j'); // docker1's second restic layer, on the line below
    const cloud = detailOf(view.frame());
    expect(cloud).toMatch(/^\? UNKNOWN restic-cloud · restic on docker1 · newest 20h, RPO 7d · read 0s ago · /);
    expect(cloud).toContain(long); // whole, wrapped over the detail's lines
    await view.press('j', 'k'); // nas1 (a gap), back to restic-cloud
    expect(detailOf(view.frame())).toContain('restic-cloud · restic on docker1');
    await view.press('h'); // nothing left of it on this line: to the host
    expect(detailOf(view.frame())).toMatch(/^✔ OK docker1 · host, 2 layers/);
    await view.press('j'); // the host column skips the blank below docker1
    expect(detailOf(view.frame())).toMatch(/^✔ OK nas1 · host, 3 layers/);
    await view.press(KEY.left); // at the left edge already
    expect(detailOf(view.frame())).toMatch(/^✔ OK nas1 · host/);
    expect(view.widest()).toBeLessThanOrEqual(columns);
  });

  it('Enter on a cell opens that Layer; on the host column, the Host; on a gap, nothing', async () => {
    const { store } = await seededStore();
    view = await renderApp(store, { columns, rows: 24 });
    await view.waitFor('Hosts × layers');
    await view.press('j', 'l', 'l', 'l', 'l', KEY.enter); // pbs1 -> pbs-local
    expect(await view.waitFor('Dashboard › layer pbs-local')).toContain('pbs on pbs1');
    await view.press(KEY.esc);
    await view.waitFor('Hosts × layers');
    await view.press('h', 'h', 'h', 'h', KEY.enter);
    expect(await view.waitFor('Dashboard › host pbs1')).toContain('Layers on pbs1');
    await view.press(KEY.esc);
    await view.waitFor('Hosts × layers');
    await view.press('l', KEY.enter); // pbs1 has no snap layer
    expect(store.getState().routes).toEqual([{ kind: 'dashboard' }]);
  });

  it('x on a cell plans that layer’s job; on the host column or a gap it says to select a layer', async () => {
    const actions = fakeActions();
    const { store } = await seededStore({ actions });
    view = await renderApp(store, { columns, rows: 24 });
    await view.waitFor('Hosts × layers');
    await view.press('x');
    await view.waitFor('select a layer first');
    await view.press('l', 'l', 'x'); // zfs-snap: a gap on pve1
    expect(actions.planned).toEqual([]);
    await view.press('l', 'x'); // pve1-dump
    const plan = await view.waitFor('Run this? [y/N]');
    expect(plan).toContain('Run vzdump of pve1-dump');
    await view.press('n');
    await view.press('j', 'l', 'v'); // pbs1's pbs-local
    await view.waitFor('Verify pbs-local');
    await view.press('n');
    expect(actions.planned).toEqual([
      { kind: 'run', layerId: 'pve1-dump' },
      { kind: 'verify', layerId: 'pbs-local' },
    ]);
    expect(actions.executed).toEqual([]);
  });

  it('/ narrows the hosts by name or by their layers’ names and kinds, keeping all a host’s lines', async () => {
    const { store } = await seededStore();
    view = await renderApp(store, { columns, rows: 30 });
    await view.waitFor('Hosts × layers');
    await view.press('/');
    await view.type('restic');
    const restic = await view.waitFor('/ restic');
    expect(restic).toContain('Hosts × layers (1 host · 2 layers)');
    expect(matrixOf(restic).slice(1).filter((l) => /^[ ›]\S/.test(l)).map((l) => l.slice(1).split(' ')[0])).toEqual(['docker1']);
    expect(matrixOf(restic).join('\n')).toContain('20h/7d'); // restic-cloud, on docker1's second line
    await view.press(KEY.esc, '/');
    await view.type('zfs-repl'); // a kind as its column reads
    expect(await view.waitFor('Hosts × layers (1 host')).toMatch(/^[ ›]nas1 /m);
    await view.press(KEY.esc, '/');
    await view.type('pbs2');
    expect(await view.waitFor('Hosts × layers (1 host')).toMatch(/^[ ›]pbs2 /m);
    await view.press(KEY.esc, '/');
    await view.type('nothing-here');
    expect(await view.waitFor('Hosts × layers (0 hosts')).toContain('no hosts (none in the inventory, or none matches the filter)');
    await view.press(KEY.esc);
    expect(await view.waitFor('Hosts × layers (5 hosts')).not.toContain('/ nothing-here');
  });

  it('says when each source was last read in the detail, and counts STALE readings in the matrix title', async () => {
    let now = 1_770_000_000_000;
    const { store } = await seededStore({ nowMs: () => now });
    view = await renderApp(store, { columns, rows: 30 }, () => now);
    await view.waitFor('Hosts × layers');
    await view.press('j', 'l', 'l', 'l', 'l');
    expect(detailOf(view.frame())).toContain('pbs-local · pbs on pbs1 · newest 4h, RPO 24h · read 0s ago');
    expect(view.frame()).not.toContain('STALE');
    now += 3 * 3600 * 1000;
    await view.resize(columns, 31); // any re-render; the clock has moved on 3 h
    const stale = await view.waitFor('STALE');
    expect(detailOf(stale)).toContain('pbs-local · pbs on pbs1 · newest 7h, RPO 24h · read 3h STALE');
    expect(stale).toMatch(/Hosts × layers \(5 hosts · 10 layers\) ─+ 15 of 15 readings STALE/);
  });
});

describe('the matrix’s layout', () => {
  it('follows resizes: two lines per host at 80 columns, one line at 160, and back', async () => {
    const { store } = await seededStore();
    view = await renderApp(store, { columns: 80, rows: 24 });
    const narrow = await view.waitFor('Hosts × layers');
    expect(narrow).toMatch(/^ ✔ OK +3h\/- +5h\/24h/m); // pve1's health and ages on its second line
    expect(narrow).toMatch(/rows 1-3 of 6/);
    await view.resize(160, 40);
    const wide = await view.waitFor(/pve1 +✔ OK +✔ OK 3h\/-/);
    expect(wide).toMatch(/pbs2 +\? UNKNOWN .*\? UNKNOWN none\/2d/); // wide enough for the whole word
    expect(wide).not.toMatch(/rows \d/);
    expect(view.widest()).toBeLessThanOrEqual(160);
    await view.resize(80, 24);
    expect(await view.waitFor(/rows 1-3 of 6/)).toMatch(/^ ✔ OK +3h\/-/m);
    expect(view.widest()).toBeLessThanOrEqual(80);
  });

  it('too narrow for every kind: a window of the kind columns follows the cursor', async () => {
    const { store } = await seededStore();
    view = await renderApp(store, { columns: 60, rows: 30 });
    const f = await view.waitFor('Hosts × layers');
    expect(f).toMatch(/kinds 1-\d of 8 \(h\/l scroll\)/);
    expect(f).not.toContain('config');
    await view.press(...Array<string>(8).fill('l'));
    const right = await view.waitFor(/kinds \d-8 of 8/);
    expect(matrixOf(right)[0]).toMatch(/rclone +config/);
    expect(detailOf(right)).toMatch(/^✔ OK pve1-config · config-backup on pve1/);
    expect(view.widest()).toBeLessThanOrEqual(60);
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

      for (const columns of [80, 120]) {
        const mono = await seededStore({ ui: { color: false } });
        view = await renderApp(mono.store, { columns, rows: 60 });
        await view.waitFor('Workloads');
        const frame = view.raw();
        expect(frame).not.toMatch(new RegExp(`${ESC}\\[3[0-9]m`));
        const matrix = matrixOf(view.frame()).join('\n');
        for (const word of ['✔ OK', '▲ WARN', '? UNK', '✖ CRIT']) expect(matrix).toContain(word);
        // The selected cell is marked without colour or inverse.
        expect(markedLine(view.frame())).toMatch(/^›pve1/);
        view.unmount();
      }
    } finally {
      chalk.level = level;
    }
  });

  it('50 hosts scroll under the cursor, a window of rows around it', async () => {
    const base = homelab();
    const extra = Array.from({ length: 45 }, (_, i) => `pve${i + 2}`);
    const json = {
      version: 1,
      hosts: [...base.hosts.map((h) => ({ name: h.name, address: h.address ?? '192.0.2.1', user: 'root', ...(h.node ? { node: h.node } : {}) })), ...extra.map((n) => ({ name: n, address: '192.0.2.50', user: 'root', node: n }))],
      layers: [
        { id: 'pve1-dump', kind: 'vzdump', host: 'pve1', storage: 'local-backup', media: 'hdd', rpo: '24h' },
        ...extra.flatMap((n) => [
          { id: `${n}-snap`, kind: 'pve-snapshots', host: n, media: 'nvme' },
          { id: `${n}-dump`, kind: 'vzdump', host: n, storage: 'local-backup', media: 'hdd', rpo: '26h' },
        ]),
      ],
      tiers: [],
      defaultTier: { copies: 2, media: 1, offsite: 0, rpo: '1d' },
    };
    const r = validateInventory(json);
    if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
    const status = fakeStatus();
    const store = createAppStore({ readStatus: status.readStatus, nowMs: () => NOW_MS, pollIntervalMs: 3_600_000 });
    store.getState().setInventory(r.inventory);
    await store.getState().refresh();
    view = await renderApp(store, { columns: 80, rows: 24 });
    const top = await view.waitFor('Hosts × layers (50 hosts · 91 layers)');
    expect(top).toMatch(/rows 1-\d of 50/);
    expect(matrixOf(top)[0]).toMatch(/HOST +snap +vzdump/);
    await view.press('G');
    const bottom = await view.waitFor(/rows \d+-50 of 50/);
    expect(bottom).toMatch(/^›pve46 /m);
    expect(detailOf(bottom)).toMatch(/pve46 · host, 2 layers/);
    await view.press('k', 'l');
    expect(detailOf(view.frame())).toMatch(/pve45-snap · pve-snapshots on pve45/);
    await view.press('g');
    expect(await view.waitFor(/rows 1-\d of 50/)).toMatch(/^ pve1 .*›·/m);
    expect(view.widest()).toBeLessThanOrEqual(80);
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
    expect(detailOf(f)).toMatch(/read 3h SAVED/);
    release();
    const live = await view.waitFor('read 0s ago');
    expect(live).not.toContain('SAVED');
    expect(status.calls.length).toBeGreaterThanOrEqual(1);
  });
});
