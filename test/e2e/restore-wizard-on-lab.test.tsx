/**
 * The restore wizard against the real engine on the lab, the store wired as
 * the panel wires it (tuiStore over composeServices): every command goes over
 * SSH to the lab's simulated PVE and PBS, whose tools answer in the real
 * formats with the real refusals, progress and durations (scaled).
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
import type { AppStore } from '../../src/store/index.js';
import { useLab } from '../helpers/lab/lab-runner.js';
import { KEY, renderApp, type Rendered } from '../helpers/tui/render-app.js';

let lab: Lab;
let inventory: Inventory;
// Restores take 0.75 to 4.5 s: long enough to see their progress and cancel them.
useLab({ scenario: 'healthy', timeScale: 0.5 }, (l, _runners, inv) => ((lab = l), (inventory = inv)));

let view: Rendered | undefined;
let session: Services | undefined;
afterEach(async () => {
  view?.unmount();
  view = undefined;
  await session?.close();
  session = undefined;
});

async function panel(route: { assetId: string }): Promise<{ store: AppStore; v: Rendered }> {
  const io = memoryIo('', { STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-wizard-lab-')) });
  session = composeServices({ inventory, configPath: lab.configPath, env: io.env, agentWaitMs: 3_000 });
  const store = await tuiStore({ session, io, color: false, pollIntervalMs: 3_600_000 });
  store.getState().navigate({ kind: 'workload', assetId: route.assetId });
  view = await renderApp(store, { columns: 80, rows: 24 }, () => Date.now());
  await view.waitFor('Proven restorable', 20_000);
  return { store, v: view };
}

/** Chooses the source on `layer` and goes to the target step. */
async function toTarget(v: Rendered, store: AppStore, layer: string): Promise<void> {
  await v.waitFor('best first', 20_000);
  const sources = store.getState().wizard!.sources!;
  if (sources.state !== 'ready') throw new Error('no sources');
  const at = sources.value.sources.findIndex((s) => s.layerId === layer);
  expect(at, `a source on ${layer}`).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < at; i++) await v.press('j');
  await v.press(KEY.enter);
  await v.waitFor('[Target]');
}

const running = (cmd: string) => lab.running('pve1').some((p) => p.argv[0] === cmd);

describe('the wizard on the lab', () => {
  it('restores vm/101 (two disks) from PBS to a new VMID: per-disk progress, the guest checked, journaled, and on the node', async () => {
    const { store, v } = await panel({ assetId: 'vm/101' });
    await v.press('R');
    await toTarget(v, store, 'pbs-local');
    await v.press(KEY.enter);
    const pre = await v.waitFor(/Every check passed|A check failed|Cannot plan/, 20_000);
    expect(pre).toContain('Every check passed');
    expect(pre).toMatch(/✔ passed +VMID \d+ is free/);
    const plan = store.getState().wizard!.plan!;
    if (plan.state !== 'ready') throw new Error('no plan');
    const vmid = plan.value.target.vmid;
    await v.press(KEY.enter);
    expect(await v.waitFor('[Plan]')).toMatch(new RegExp(`\\$ qmrestore pbs1:backup/vm/101/\\S+ ${vmid} --unique 1`));
    await v.press(KEY.enter, 'y');
    // PBS restores one disk after the other, each from 1 %.
    await v.waitFor(/disk 1 of 2 \[/, 20_000);
    const second = await v.waitFor(/disk 2 of 2 \[/, 20_000);
    expect(second).toMatch(/1 disk done · now drive-scsi1/);
    expect(second).toMatch(/ETA \d/);
    const done = await v.waitFor('[Done]', 30_000);
    expect(done).toContain('✔ RESTORED and checked');
    expect(done).toMatch(new RegExp(`✔ passed +VM ${vmid} exists with its disks`));
    // The new guest is read back from the node, and the journal holds the restore.
    for (const until = Date.now() + 20_000; !store.getState().report?.assets.some((a) => a.id === `vm/${vmid}`) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
    expect(store.getState().report?.assets.map((a) => a.id)).toContain(`vm/${vmid}`);
    expect(store.getState().journal.entries.some((e) => e.kind === 'restore' && e.state === 'ok')).toBe(true);
  }, 90_000);

  it('Esc during a restore asks; y cancels it: the task on the node really stops, and the wizard says what is left', async () => {
    const { store, v } = await panel({ assetId: 'vm/100' });
    await v.press('R');
    await toTarget(v, store, 'pve1-dump'); // a VMA archive: one stream
    await v.press(KEY.enter);
    await v.waitFor('Every check passed', 20_000);
    await v.press(KEY.enter, KEY.enter, 'y');
    await v.waitFor(/archive \[█*░+\] +\d+ %/, 20_000);
    for (const until = Date.now() + 10_000; !running('qmrestore') && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
    expect(running('qmrestore')).toBe(true);
    await v.press(KEY.esc);
    await v.waitFor('Cancel the restore?');
    expect(running('qmrestore')).toBe(true); // asking stops nothing
    await v.press('y');
    const done = await v.waitFor('■ CANCELLED', 30_000);
    expect(running('qmrestore')).toBe(false);
    expect(done).toMatch(/NOT RUN/);
    expect(store.getState().wizard?.run?.result?.state).toBe('cancelled');
  }, 90_000);

  it('over the original while it runs: the preflight says so, nothing runs, and no typed word is asked', async () => {
    const { store, v } = await panel({ assetId: 'vm/100' });
    await v.press('R');
    await toTarget(v, store, 'pbs-local');
    await v.press(KEY.left); // over the original
    await v.waitFor('over vm/100 itself');
    await v.press(KEY.enter);
    const f = await v.waitFor(/A check failed|Cannot plan/, 20_000);
    expect(f).toContain('✖ FAILED');
    await v.press(KEY.enter);
    expect(store.getState().wizard?.step.kind).toBe('preflight');
    expect(running('qmrestore')).toBe(false);
  }, 60_000);

  it('a snapshot rollback shows what is lost (everything since, a hard stop of the running guest) and asks for the typed VMID', async () => {
    const { store, v } = await panel({ assetId: 'vm/100' });
    await v.press('R');
    await toTarget(v, store, 'pve1-snap');
    await v.press(KEY.left); // roll back
    await v.waitFor('roll vm/100 back to the snapshot');
    await v.press(KEY.enter);
    expect(await v.waitFor(/Every check passed|A check failed/, 20_000)).toContain('Every check passed'); // LVM-thin rolls back to any snapshot
    await v.press(KEY.enter);
    const p = await v.waitFor('[Plan]');
    expect(p).toMatch(/✖ DESTROYS: everything VM 100 wrote since snapshot \S+/);
    expect(p).toMatch(/✖ DESTROYS: VM 100 is running: PVE stops it hard first/);
    expect(p).toMatch(/\$ qm rollback 100 \S+/);
    await v.press(KEY.enter);
    await v.waitFor('Type 100 to run it');
    await v.type('101');
    await v.press(KEY.enter);
    await v.waitFor('"101" is not 100: nothing runs');
    expect(running('qm')).toBe(false);
    expect(store.getState().wizard?.run).toBeNull();
  }, 60_000);

  it('R on an older snapshot of a container on ZFS: the preflight says PVE refuses the rollback and names the clone that works', async () => {
    const { store, v } = await panel({ assetId: 'ct/102' });
    store.getState().navigate({ kind: 'layer', layerId: 'pve1-snap' });
    await v.waitFor('layer pve1-snap', 20_000);
    for (const until = Date.now() + 20_000; !store.getState().observations.layers['pve1-snap'] && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
    const points = [...store.getState().observations.layers['pve1-snap']!.points].sort((a, b) => b.timeSec - a.timeSec);
    const mine = points.map((p, i) => ({ p, i })).filter(({ p }) => p.assetId === 'ct/102');
    expect(mine.length).toBeGreaterThan(1);
    store.getState().setCursor('layer:pve1-snap', 0, mine[1]!.i); // its second newest
    await v.press('R');
    await v.waitFor('best first', 20_000);
    expect(store.getState().wizard?.sourceId ?? '').toBe('');
    await v.press(KEY.enter);
    await v.waitFor('[Target]');
    expect(store.getState().wizard?.sourceId).toContain(`pve1-snap@${mine[1]!.p.ref}`);
    await v.press(KEY.left); // roll back
    await v.press(KEY.enter);
    const f = await v.waitFor(/A check failed|Every check passed/, 20_000);
    expect(f).toContain('A check failed: nothing can run');
    expect(f).toMatch(/✖ FAILED +\S+ is the newest snapshot \(ZFS rolls back only to/);
    expect(f.replace(/\s+/g, ' ')).toContain(`Clone the snapshot to a new guest instead (--method clone --to new): pct clone 102 NEWID --snapname ${mine[1]!.p.ref}`);
    // That way, from the same snapshot: a new guest, nothing destroyed.
    await v.press(KEY.esc, KEY.right); // back to the target: wraps round to a new guest
    await v.waitFor('a new guest from the snapshot (clone)');
    await v.press(KEY.enter);
    expect(await v.waitFor(/Every check passed|A check failed/, 20_000)).toContain('Every check passed');
    await v.press(KEY.enter);
    expect(await v.waitFor('[Plan]')).toMatch(new RegExp(`\\$ pct clone 102 \\d+ --snapname ${mine[1]!.p.ref}`));
  }, 60_000);

  it('d on a workload drills it: a scratch guest restored, started, checked and destroyed; the original untouched; its screen then shows it proven, the measured restore time and the drill', async () => {
    const { store, v } = await panel({ assetId: 'vm/120' });
    const before = store.getState().report!.assets.find((a) => a.id === 'vm/120');
    await v.press('d');
    await toTarget(v, store, 'pbs-local');
    expect(v.frame()).toContain('a DRILL');
    await v.press(KEY.enter);
    await v.waitFor('Every check passed', 20_000);
    const plan = store.getState().wizard!.plan!;
    if (plan.state !== 'ready') throw new Error('no plan');
    expect(plan.value.kind).toBe('drill');
    const scratch = plan.value.target.vmid;
    expect(scratch).not.toBe(120);
    await v.press(KEY.enter);
    expect(await v.waitFor('[Plan]')).toMatch(/link_down=1/);
    await v.press(KEY.enter, 'y');
    const done = await v.waitFor('[Done]', 60_000);
    expect(done).toMatch(/✔ RESTORED and checked|▲ RESTORED, but a check FAILED/);
    for (const until = Date.now() + 20_000; store.getState().report?.assets.some((a) => a.id === `vm/${scratch}`) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
    expect(store.getState().report?.assets.map((a) => a.id)).not.toContain(`vm/${scratch}`);
    expect(store.getState().report?.assets.find((a) => a.id === 'vm/120')?.name).toBe(before?.name);
    // The drill is the workload's evidence: proven restorable, the measured restore time and the drill, on its screen.
    expect(before?.lastDrillAt ?? null).toBeNull();
    await v.press(KEY.esc);
    const w = await v.waitFor(/Restore time +\d+s measured/, 20_000);
    expect(w).toContain('workload vm/120');
    expect(w).toMatch(/Proven restorable +\d{4}-\d\d-\d\d \d\d:\d\dZ \(\d+s ago\)/);
    expect(w).toMatch(/Restore time +\d+s measured · last drill \d{4}-\d\d-\d\d \d\d:\d\dZ \(\d+s ago\)/);
  }, 90_000);

  it("a container from PBS: pct restore's default storage refused by the preflight, another typed; no percent, the elapsed time instead", async () => {
    const { store, v } = await panel({ assetId: 'ct/103' });
    await v.press('R');
    await toTarget(v, store, 'pbs-local');
    expect(v.frame()).toContain('(default: pct restore puts every volume on local');
    await v.press(KEY.enter);
    // The lab's `local` holds no container volumes, as on many real nodes.
    expect(await v.waitFor(/A check failed|Every check passed/, 20_000)).toMatch(/✖ FAILED +storage local holds container volumes/);
    await v.press(KEY.esc, KEY.down);
    await v.type('local-lvm');
    await v.press(KEY.enter);
    await v.waitFor('Every check passed', 20_000);
    const scopes = new Set<string>();
    const stop = store.subscribe((s) => s.wizard?.run?.progress && scopes.add(s.wizard.run.progress.scope));
    await v.press(KEY.enter, KEY.enter, 'y');
    const f = await v.waitFor(/Elapsed \d+s/, 20_000);
    expect(f).not.toMatch(/\[█/);
    await v.waitFor('[Done]', 30_000);
    stop();
    expect(v.frame()).toContain('✔ RESTORED');
    expect([...scopes].every((s) => s === 'none')).toBe(true);
  }, 90_000);
});
