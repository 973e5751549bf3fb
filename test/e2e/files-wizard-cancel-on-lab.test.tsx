/**
 * The file wizard's Esc on the lab at real durations (a restic restore takes
 * seconds here): back through the steps with nothing run and the choices
 * kept; during the run Esc asks, n lets it go on, y stops it through the
 * engine (the remote restic ends) and the result says what is left.
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
useLab({ scenario: 'healthy', timeScale: 1 }, (l, _runners, inv) => ((lab = l), (inventory = inv)));

let view: Rendered | undefined;
let session: Services | undefined;
afterEach(async () => {
  view?.unmount();
  view = undefined;
  await session?.close();
  session = undefined;
});

async function panel(assetId: string): Promise<{ store: AppStore; v: Rendered }> {
  const io = memoryIo('', { STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-files-cancel-')) });
  session = composeServices({ inventory, configPath: lab.configPath, env: io.env });
  const store = await tuiStore({ session, io, color: false, pollIntervalMs: 3_600_000 });
  store.getState().navigate({ kind: 'workload', assetId });
  view = await renderApp(store, { columns: 80, rows: 24 }, () => Date.now());
  await view.waitFor(`workload ${assetId}`, 20_000);
  return { store, v: view };
}

const step = (store: AppStore) => store.getState().files?.step.kind;

describe('Esc in the file wizard', () => {
  it('steps back through the steps with nothing run; the browser keeps its choices; Esc on the first step leaves', async () => {
    const { store, v } = await panel('files/docker1:/srv/app');
    await v.press('R');
    await v.waitFor('best first', 20_000);
    await v.press(KEY.enter);
    await v.waitFor(/\/srv\/app · \d+ entries/, 20_000);
    await v.press('G', ' ', 'c');
    await v.waitFor('[Target]');
    await v.press(KEY.enter);
    await v.waitFor(/Every check passed|A check failed|Cannot plan/, 30_000);
    await v.press(KEY.enter);
    await v.waitFor('[Plan]');
    const back = ['preflight', 'target', 'browse', 'point'];
    for (const want of back) {
      await v.press(KEY.esc);
      await v.waitFor(() => step(store) === want);
    }
    expect(selectedPaths(store.getState().browser!)).toEqual(['/srv/app/docker-compose.yml']);
    await v.press(KEY.enter);
    const again = await v.waitFor('[Files]');
    expect(again).toMatch(/› \[x\] docker-compose\.yml/);
    await v.press(KEY.esc, KEY.esc);
    await v.waitFor('workload files/docker1:/srv/app');
    expect(store.getState().files).toBeNull();
    expect(lab.running('docker1').filter((p) => p.argv[0] === 'restic')).toEqual([]);
  }, 120_000);

  it('during the run Esc asks; n lets it go on; y cancels it and the remote restic stops', async () => {
    const { store, v } = await panel('files/docker1:/srv/app');
    await v.press('R');
    await v.waitFor('best first', 20_000);
    await v.press(KEY.enter);
    await v.waitFor(/\/srv\/app · \d+ entries/, 20_000);
    await v.press('c', KEY.enter);
    await v.waitFor(/Every check passed|A check failed|Cannot plan/, 30_000);
    await v.press(KEY.enter, KEY.enter, 'y');
    await v.waitFor(() => lab.running('docker1').some((p) => p.argv[0] === 'restic' && p.argv.includes('restore')), 20_000);
    await v.press(KEY.esc);
    await v.waitFor('Cancel the restore?');
    await v.press('n');
    await v.waitFor((f) => !f.includes('Cancel the restore?'));
    expect(store.getState().files?.run?.result).toBeNull();
    await v.press(KEY.esc);
    await v.waitFor('Cancel the restore?');
    await v.press('y');
    await v.waitFor(/CANCELLED|FAILED|RESTORED/, 30_000);
    expect(store.getState().files?.run?.result?.state).toBe('cancelled');
    await sleep(200);
    expect(lab.running('docker1').filter((p) => p.argv[0] === 'restic')).toEqual([]);
  }, 120_000);

  it('progress: a bar with the percent restic 0.17 gives in --json; on restic 0.14 no bar, the elapsed time', async () => {
    const tools = lab.state.hosts.docker1!.tools;
    try {
      for (const version of ['0.17.3', '0.14.0']) {
        lab.state.hosts.docker1!.tools = { ...tools, restic: version };
        const { store, v } = await panel('files/docker1:/srv/app');
        await v.press('R');
        await v.waitFor('best first', 20_000);
        await v.press(KEY.enter);
        await v.waitFor(/\/srv\/app · \d+ entries/, 20_000);
        await v.press('c', KEY.enter);
        await v.waitFor(/Every check passed|A check failed|Cannot plan/, 30_000);
        await v.press(KEY.enter, KEY.enter, 'y');
        // 0.14 prints nothing until it exits: no bar, the elapsed time (and the bytes under the target when a poll comes first).
        const frame = await v.waitFor(version === '0.17.3' ? /restore \[[█░]+\] +\d+ %/ : /⟳ RUNNING/, 30_000);
        expect(frame).toMatch(/Elapsed \d+s/);
        if (version === '0.14.0') expect(frame).not.toMatch(/\[[█░]+\] +\d+ %/);
        await v.waitFor(/RESTORED and checked|FAILED/, 60_000);
        expect(store.getState().files?.run?.result?.state).toBe('restored');
        view?.unmount();
        view = undefined;
        await session?.close();
        session = undefined;
      }
    } finally {
      lab.state.hosts.docker1!.tools = tools;
    }
  }, 180_000);
});
