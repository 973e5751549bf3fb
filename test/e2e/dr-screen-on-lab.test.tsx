/**
 * The DR screen against the real DR engine on the disaster lab, the store
 * wired as the panel wires it (tuiStore over composeServices): pve1 and pbs1
 * are gone, pbs2 and the cloud copies answer. X on the dashboard reads the
 * plan (nothing is changed) and shows, at 80x24 and without colour, what
 * survives, what is missing, each guest's way back by tier with its RTO and
 * the time expected, and the steps of the rebuild.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { tuiStore } from '../../src/cli/tui.js';
import type { Inventory } from '../../src/domain/inventory.js';
import type { Lab } from '../../src/lab/index.js';
import { composeServices, type Services } from '../../src/services/root.js';
import type { AppStore } from '../../src/store/index.js';
import { useLab } from '../helpers/lab/lab-runner.js';
import { KEY, renderApp, type Rendered } from '../helpers/tui/render-app.js';

let lab: Lab;
let inventory: Inventory;
useLab({ scenario: 'disaster', timeScale: 0.05 }, (l, _runners, inv) => ((lab = l), (inventory = inv)));

let view: Rendered | undefined;
let session: Services | undefined;
afterEach(async () => {
  view?.unmount();
  view = undefined;
  await session?.close();
  session = undefined;
});

async function panel(opts: { color?: boolean; readOnly?: boolean } = {}): Promise<{ store: AppStore; v: Rendered }> {
  const io = memoryIo('', { STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-dr-screen-')) });
  session = composeServices({ inventory, configPath: lab.configPath, env: io.env });
  const store = await tuiStore({ session, io, color: opts.color ?? false, pollIntervalMs: 3_600_000, ...(opts.readOnly ? { readOnly: true } : {}) });
  view = await renderApp(store, { columns: 80, rows: 24 }, () => Date.now());
  await view.waitFor('Hosts × layers', 20_000);
  return { store, v: view };
}

/** The plan's lines, read off the screen a screenful at a time (PgDn), in order. */
async function wholePlan(v: Rendered): Promise<string> {
  const lines: string[] = [];
  let shown = 0;
  for (let i = 0; i < 60; i++) {
    const f = v.frame().split('\n');
    const pos = f.map((l) => /^lines (\d+)-(\d+) of (\d+)/.exec(l)).find(Boolean);
    if (!pos) break;
    const [from, to, of] = [Number(pos[1]), Number(pos[2]), Number(pos[3])];
    const body = f.slice(f.findIndex((l) => l.startsWith('Plan read')) + 2);
    body.slice(0, to - from + 1).forEach((l, k) => {
      if (from + k > shown) lines.push(l);
    });
    shown = Math.max(shown, to);
    if (to >= of) break;
    await v.press('\x1b[6~');
  }
  return lines.join('\n');
}

describe('the DR screen on the disaster lab', () => {
  it('X reads the plan: copies gone and surviving, prerequisites, every guest by tier with its RTO and way back, the steps; 80x24', async () => {
    const { store, v } = await panel();
    await v.press('X');
    expect(v.frame()).toContain('Dashboard › disaster recovery');
    const first = await v.waitFor('Plan read', 30_000);
    expect(first).toContain('Rebuild pve1 (node pve1, 127.0.0.1): it does not answer');
    expect(first).toContain('✔ Nothing blocks the rebuild');
    expect(first).toMatch(/✖ GONE +pbs-local +pbs +pbs1/);
    expect(first).toMatch(/✔ answers +pbs-remote +pbs +pbs2 +off-site · 10 guests/);
    expect(first).toMatch(/lines 1-\d+ of \d+ · j\/k scroll/);
    expect(v.widest()).toBeLessThanOrEqual(80);
    expect(first).toMatch(/Enter rebuild/);
    const all = await wholePlan(v);
    expect(all).toMatch(/✔ answers +restic-cloud/);
    expect(all).toContain('── Prerequisites off-site');
    expect(all).toMatch(/✔ present +PBS certificate fingerprint of pbs2 \(pbs-remote\)/);
    expect(all).toMatch(/✔ present +PBS password or token secret of \S+ of pbs-remote\n +file \/root\/\.strata-pbs-token on pbs2/);
    // The config archive's copy lives on the lost node's uploads: not readable now, so UNKNOWN, never present.
    expect(all).toMatch(/\? UNKNOWN +config archive of \/etc\/pve and \/etc\/network \(pve1-config\)/);
    expect(all).toMatch(/Tier tier0 · RTO 4h · restores ~\S+ · up after ~\S+ · ✔ within RTO/);
    expect(all).toMatch(/Tier tier3 · RTO 3d/);
    expect(all).toMatch(/• vm\/100 \S* +direct from pbs-remote \(pbs2\) · ~\S+/);
    expect(all).toMatch(/of data lost/);
    expect(all).toMatch(/1 other way back: chain: restic-cloud → pbs-local/);
    expect(all).toContain('── The rebuild, step by step');
    expect(all).toMatch(/4\. Host configuration: the config\.db route · ~\S+/);
    // The order on screen is the plan's: tier0 before tier1 before tier3.
    expect(all.indexOf('Tier tier0')).toBeLessThan(all.indexOf('Tier tier1'));
    expect(all.indexOf('Tier tier1')).toBeLessThan(all.indexOf('Tier tier3'));
    const plan = store.getState().drPlan;
    expect(plan?.state).toBe('ready');
    // Reading the plan changed nothing: no guest appeared on the fresh node, nothing was journaled.
    expect(Object.keys(lab.state.hosts['pve1-new']!.pve!.guests)).toEqual([]);
  }, 90_000);

  it('r reads the plan again, keeping the last one on screen meanwhile; Esc goes back to the dashboard', async () => {
    const { store, v } = await panel();
    await v.press('X');
    await v.waitFor('Plan read', 30_000);
    const before = store.getState().drPlan;
    await v.press('r');
    expect(store.getState().drReading).toBe(true);
    expect(v.frame()).toContain('Rebuild pve1');
    await v.waitFor(() => store.getState().drReading === false, 30_000);
    expect(store.getState().drPlan).not.toBe(before);
    await v.press(KEY.esc);
    await v.waitFor('Hosts × layers');
  }, 90_000);

  it('has no colour with NO_COLOR and colours the GONE words without it', async () => {
    const chalk = (await import('chalk')).default;
    const level = chalk.level;
    chalk.level = 1;
    onTestFinished(() => void (chalk.level = level));
    const plain = await panel({ color: false });
    await plain.v.press('X');
    await plain.v.waitFor('Plan read', 30_000);
    // eslint-disable-next-line no-control-regex
    expect(plain.v.raw()).not.toMatch(/\u001b\[3\dm/);
    plain.v.unmount();
    await session?.close();
    const coloured = await panel({ color: true });
    await coloured.v.press('X');
    await coloured.v.waitFor('Plan read', 30_000);
    // eslint-disable-next-line no-control-regex
    expect(coloured.v.raw()).toMatch(/\u001b\[31m[^\n]*GONE/);
  }, 90_000);

  it('in --read-only mode the plan is there (it only reads) and Enter opens no rebuild (it writes)', async () => {
    const { store, v } = await panel({ readOnly: true });
    await v.press('X');
    await v.waitFor(() => store.getState().drPlan?.state === 'ready', 30_000);
    const plan = await v.waitFor('Nothing blocks the rebuild');
    expect(plan).not.toMatch(/Enter rebuild|Enter: the rebuild wizard/);
    await v.press(KEY.enter);
    await v.press('?');
    const help = await v.waitFor('Help');
    expect(help).not.toContain('The rebuild wizard');
    expect(store.getState().rebuild).toBeNull();
    expect(store.getState().routes.at(-1)).toEqual({ kind: 'dr' });
  }, 90_000);
});
