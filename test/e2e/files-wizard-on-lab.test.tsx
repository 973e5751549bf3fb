/**
 * The file-restore wizard against the real file engine on the lab, the store
 * wired as the panel wires it (tuiStore over composeServices): sources of a
 * path or dataset, the browser reading one directory at a time through the
 * engine's browse, restic restores to a new directory and over the original
 * (typed), a dataset cloned or rolled back (typed, newer snapshots listed),
 * and a Glacier copy thawed, left, and resumed by a restarted panel.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { tuiStore } from '../../src/cli/tui.js';
import type { Inventory } from '../../src/domain/inventory.js';
import type { Lab } from '../../src/lab/index.js';
import { composeServices, type Services } from '../../src/services/root.js';
import { selectedPaths, type AppStore } from '../../src/store/index.js';
import { useLab } from '../helpers/lab/lab-runner.js';
import { KEY, renderApp, sleep, type Rendered } from '../helpers/tui/render-app.js';

let lab: Lab;
let inventory: Inventory;
useLab({ scenario: 'healthy', timeScale: 0.05 }, (l, _runners, inv) => ((lab = l), (inventory = inv)));

let view: Rendered | undefined;
const sessions: Services[] = [];
afterEach(async () => {
  view?.unmount();
  view = undefined;
  for (const s of sessions.splice(0)) await s.close();
});

async function panel(assetId: string, stateDir = mkdtempSync(join(tmpdir(), 'strata-files-wizard-'))): Promise<{ store: AppStore; v: Rendered; stateDir: string }> {
  const io = memoryIo('', { STRATA_STATE_DIR: stateDir });
  const session = composeServices({ inventory, configPath: lab.configPath, env: io.env });
  sessions.push(session);
  const store = await tuiStore({ session, io, color: false, pollIntervalMs: 3_600_000 });
  store.getState().navigate({ kind: 'workload', assetId });
  view?.unmount();
  view = await renderApp(store, { columns: 80, rows: 24 }, () => Date.now());
  await view.waitFor(`workload ${assetId}`, 20_000);
  return { store, v: view, stateDir };
}

/** From the workload screen: R, the source on `layer`, into the browser. */
async function toBrowser(v: Rendered, store: AppStore, layer: string): Promise<void> {
  await v.press('R');
  await v.waitFor('best first', 20_000);
  const sources = store.getState().files!.sources!;
  if (sources.state !== 'ready') throw new Error('no sources');
  const at = sources.value.sources.findIndex((s) => s.layerId === layer);
  expect(at, `a source on ${layer}`).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < at; i++) await v.press('j');
  await v.press(KEY.enter);
  await v.waitFor('[Files]');
  await v.waitFor(/· [\d,]+ entr(y|ies) ·/, 20_000);
}

const files = (host: string, prefix: string) => Object.keys(lab.state.hosts[host]!.fs.files).filter((p) => p.startsWith(prefix)).sort();

function planOf(store: AppStore) {
  const p = store.getState().files?.plan;
  if (p?.state !== 'ready') throw new Error(`no plan: ${JSON.stringify(p)}`);
  return p.value;
}

describe('restic: files of a path', () => {
  it('R on a files workload: sources ranked, the browser reads each directory as entered, chosen files go to a new directory and are checked', async () => {
    const { store, v } = await panel('files/docker1:/srv/app');
    await v.press('R');
    const point = await v.waitFor('best first', 20_000);
    expect(point).toContain('[Point]');
    // Ranked newest first: which of the two ran last depends on the time of day (restic-cloud runs
    // at 03:40 and 15:40, restic-usb every few hours), so the test takes restic-usb wherever it is.
    const usbFirst = /1 restic-usb .*same host/.test(point);
    expect(point).toMatch(usbFirst ? /1 restic-usb .*same host[\s\S]*2 restic-cloud .*OFF-SITE/ : /1 restic-cloud .*OFF-SITE[\s\S]*2 restic-usb .*same host/);
    if (!usbFirst) await v.press('j');
    await v.press(KEY.enter);
    const top = await v.waitFor('/srv/app · 3 entries', 20_000);
    expect(store.getState().files!.sourceId).toMatch(/^restic-usb@/);
    expect(top).toMatch(/› \[ \] config\/ +dir/);
    expect(top).toMatch(/\[ \] docker-compose\.yml +\d/);
    await v.press(KEY.enter);
    await v.waitFor('/srv/app/config ·', 20_000);
    await v.press(' ');
    await v.waitFor('Chosen: 1 file');
    await v.press(KEY.backspace);
    await v.waitFor('/srv/app · 3 entries');
    await v.press('G', ' ');
    await v.waitFor('Chosen: 2 files');
    expect(selectedPaths(store.getState().browser!)).toEqual(['/srv/app/config/app.yaml', '/srv/app/docker-compose.yml']);
    await v.press('c');
    const target = await v.waitFor('[Target]');
    expect(target).toContain('a new directory on the host (nothing overwritten)');
    await v.press(KEY.enter);
    const pre = await v.waitFor(/Every check passed|A check failed|Cannot plan/, 20_000);
    expect(pre).toContain('Every check passed');
    const plan = planOf(store);
    expect(plan.paths).toEqual(['/srv/app/config/app.yaml', '/srv/app/docker-compose.yml']);
    expect(plan.target.overwrites).toBe(false);
    await v.press(KEY.enter);
    expect(await v.waitFor('[Plan]')).toContain('restic restore');
    await v.press(KEY.enter);
    await v.waitFor('Run this? [y/N]');
    await v.press('y');
    const done = await v.waitFor('RESTORED and checked', 30_000);
    expect(done).toMatch(/✔ passed/);
    // 80x24 without colour, as every step before it (the panel here runs with color: false).
    expect(v.widest()).toBeLessThanOrEqual(80);
    expect(done.split('\n').length).toBeLessThanOrEqual(24);
    expect(v.raw()).not.toMatch(new RegExp(`${String.fromCharCode(27)}\\[3[0-9]m`));
    expect(files('docker1', `${plan.target.path}/`)).toEqual([`${plan.target.path}/srv/app/config/app.yaml`, `${plan.target.path}/srv/app/docker-compose.yml`]);
    await v.press(KEY.enter);
    await v.waitFor('workload files/docker1:/srv/app');
    expect(store.getState().files).toBeNull();
  }, 120_000);

  it('over the original: the overwrite policy is chosen, what is replaced is listed, and only the typed host name runs it', async () => {
    const { store, v } = await panel('files/docker1:/srv/app');
    await toBrowser(v, store, 'restic-usb');
    await v.press(KEY.enter); // config/
    await v.waitFor('/srv/app/config ·', 20_000);
    await v.press(' ', 'c');
    await v.waitFor('[Target]');
    await v.press(KEY.right);
    const t = await v.waitFor('OVER the original paths');
    expect(t).toMatch(/Overwrite +‹ if-changed/);
    await v.press('j', ' ');
    await v.waitFor(/Overwrite +‹ if-newer/);
    await v.press(KEY.left);
    await v.waitFor(/Overwrite +‹ if-changed/);
    await v.press(KEY.enter);
    await v.waitFor(/Every check passed|A check failed|Cannot plan/, 20_000);
    const plan = planOf(store);
    expect(plan.confirmWord).toBe('docker1');
    expect(plan.destroys.length).toBeGreaterThan(0);
    await v.press(KEY.enter, KEY.enter);
    await v.waitFor('Type docker1');
    await v.type('docker2');
    await v.press(KEY.enter);
    await v.waitFor('"docker2" is not docker1: nothing runs');
    expect(store.getState().files?.step.kind).toBe('confirm');
    expect(store.getState().files?.run).toBeNull();
    for (let i = 0; i < 7; i++) await v.press(KEY.backspace);
    await v.type('docker1');
    await v.press(KEY.enter);
    await v.waitFor(/RESTORED and checked|FAILED/, 30_000);
    expect(store.getState().files?.run?.result?.state).toBe('restored');
  }, 120_000);
});

describe('a dataset', () => {
  it('clones the snapshot by default (nothing destroyed); a rollback lists every newer snapshot it destroys and wants the dataset typed', async () => {
    const { store, v } = await panel('dataset/tank/data');
    await toBrowser(v, store, 'nas-snap');
    await v.press('c');
    const target = await v.waitFor('[Target]');
    expect(target).toContain('a new clone of the snapshot (nothing destroyed)');
    await v.press(KEY.enter);
    await v.waitFor(/Every check passed|A check failed|Cannot plan/, 20_000);
    expect(planOf(store)).toMatchObject({ method: 'clone', destroys: [], confirmWord: null });
    await v.press(KEY.enter);
    expect(await v.waitFor('[Plan]')).toContain('zfs clone');
    await v.press(KEY.esc, KEY.esc); // the plan, the preflight: back at the target, nothing run
    await v.waitFor('[Target]');
    // clone, a new directory, over the original, rollback.
    await v.press(KEY.right, KEY.right, KEY.right);
    await v.waitFor('ROLL /tank/data BACK (newer snapshots DESTROYED; typed)');
    await v.press(KEY.enter);
    await v.waitFor(/Every check passed|A check failed|Cannot plan/, 20_000);
    const plan = planOf(store);
    expect(plan.method).toBe('rollback');
    expect(plan.confirmWord).toBe('tank/data');
    await v.press(KEY.enter, KEY.enter);
    const confirm = await v.waitFor('This plan DESTROYS:');
    for (const d of plan.destroys.slice(0, 3)) expect(confirm).toContain(d.slice(0, 40));
    expect(confirm).toContain('Type tank/data');
    expect(store.getState().files?.run).toBeNull();
  }, 120_000);
});

describe("a guest's files", () => {
  it('F on a container: its PBS archive browsed from /, a file chosen, restored by proxmox-backup-client to a new directory and checked', async () => {
    const { store, v } = await panel('ct/102');
    await v.press('F');
    await v.waitFor('best first', 20_000);
    const sources = store.getState().files!.sources!;
    if (sources.state !== 'ready') throw new Error('no sources');
    expect(sources.value.sources[0]).toMatchObject({ kind: 'pbs-archive', covers: '/' });
    await v.press(KEY.enter);
    await v.waitFor(/^\/ · \d+ entries/m, 20_000);
    const root = store.getState().browser!.listings['/'];
    const names = root?.state === 'ready' ? root.value.entries.map((e) => e.name) : [];
    for (let i = 0; i < names.indexOf('etc'); i++) await v.press('j');
    await v.press(KEY.enter);
    await v.waitFor(/\/etc · \d+ entr/, 20_000);
    const etc = store.getState().browser!.listings['/etc'];
    const firstFile = etc?.state === 'ready' ? etc.value.entries.findIndex((e) => e.kind === 'file') : -1;
    expect(firstFile).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < firstFile; i++) await v.press('j');
    await v.press(' ');
    await v.waitFor('Chosen: 1 file');
    await v.press('c');
    await v.waitFor('[Target]');
    await v.press(KEY.enter);
    await v.waitFor(/Every check passed|A check failed|Cannot plan/, 30_000);
    await v.press(KEY.enter);
    expect(await v.waitFor('[Plan]')).toContain('proxmox-backup-client');
    await v.press(KEY.enter, 'y');
    await v.waitFor(/RESTORED and checked|FAILED/, 30_000);
    expect(store.getState().files?.run?.result?.state).toBe('restored');
  }, 120_000);

  it("F on a VM: its disk images are listed, and Enter opens one like a directory (proxmox-file-restore list)", async () => {
    const { store, v } = await panel('vm/100');
    await v.press('F');
    await v.waitFor('best first', 20_000);
    await v.press(KEY.enter);
    const images = await v.waitFor(/^\/ · \d+ entr/m, 60_000);
    expect(images).toMatch(/\.img\.fidx\//);
    await v.press(KEY.enter);
    await v.waitFor(/^\/drive-\S+\.img\.fidx · \d+ entr/m, 60_000);
    expect(store.getState().browser!.dir).toMatch(/^\/drive-.*\.img\.fidx$/);
  }, 120_000);
});

describe('cold storage', () => {
  it('a Glacier copy: the thaw step shows wait and cost, the request is saved, q leaves, and a restarted panel resumes it from W once thawed', async () => {
    const first = await panel('dataset/tank/data');
    await toBrowser(first.v, first.store, 'nas-glacier');
    const point = first.store.getState().files!;
    expect(point.sources?.state === 'ready' && point.sources.value.sources.find((s) => s.layerId === 'nas-glacier')?.cold?.storageClass).toBe('GLACIER');
    await first.v.waitFor('/tank/data ·');
    const at = first.store.getState().browser!.listings['/tank/data'];
    const names = at?.state === 'ready' ? at.value.entries.map((e) => e.name) : [];
    for (let i = 0; i < names.indexOf('db'); i++) await first.v.press('j');
    await first.v.press(' ', 'c');
    await first.v.waitFor('[Target]');
    await first.v.press(KEY.enter);
    const thaw = await first.v.waitFor('[Thaw]');
    expect(thaw).toContain('The objects are in GLACIER');
    expect(thaw).toMatch(/Expedited +wait 1-5 minutes/);
    expect(thaw).toMatch(/› Standard +wait 3-5 hours/);
    expect(thaw).toMatch(/Bulk +wait 5-12 hours/);
    await first.v.press('j', KEY.enter); // Bulk
    await first.v.waitFor(/Every check passed|A check failed|Cannot plan/, 20_000);
    expect(planOf(first.store).thaw).toMatchObject({ priority: 'Bulk', wait: '5-12 hours' });
    await first.v.press(KEY.enter);
    expect(await first.v.waitFor('[Plan]')).toContain('rclone backend restore');
    await first.v.press(KEY.enter, 'y');
    const waiting = await first.v.waitFor('[Thawing]', 30_000);
    expect(waiting).toMatch(/Thawed \d+ of \d+ · thawing \d+ · not requested \d+/);
    const id = first.store.getState().files!.thaw!.id;
    expect(waiting).toContain(`strata restore --resume ${id}`);
    await first.v.press('q');
    await first.v.waitFor('workload dataset/tank/data');
    expect(first.store.getState().files).toBeNull();
    // A restart: a new composition root and panel over the same state directory.
    const again = await panel('dataset/tank/data', first.stateDir);
    await again.v.press('W');
    const list = await again.v.waitFor(id, 20_000);
    expect(list).toContain('[Waiting]');
    await again.v.press(KEY.enter);
    await again.v.waitFor('[Thawing]');
    let frame = '';
    for (let i = 0; i < 60; i++) {
      await again.v.press('r');
      frame = await again.v.waitFor(/Every object is thawed|Not every object/, 10_000);
      if (frame.includes('Every object is thawed')) break;
      await sleep(250);
    }
    expect(frame).toContain('Every object is thawed');
    await again.v.press(KEY.enter);
    await again.v.waitFor(/RESTORED and checked|FAILED/, 30_000);
    expect(again.store.getState().files?.run?.result?.state).toBe('restored');
  }, 120_000);
});
