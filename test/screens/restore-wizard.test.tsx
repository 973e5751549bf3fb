/**
 * The restore wizard from the keyboard, each step and each branch, against
 * a fake engine that records every call (the store fake beside
 * fake-actions.ts): what is shown, what is asked of the engine, and that
 * nothing runs before the confirmation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeRestore, type FakeRestoreOptions } from '../helpers/tui/fake-restore.js';
import { seededStore } from '../helpers/tui/estate.js';
import { KEY, renderApp, sleep, type Rendered } from '../helpers/tui/render-app.js';
import type { AppStore } from '../../src/store/index.js';

let view: Rendered | undefined;
afterEach(async () => {
  view?.unmount();
  view = undefined;
});

async function open(opts: FakeRestoreOptions = {}, size = { columns: 80, rows: 24 }, ui: { color?: boolean } = {}) {
  const restore = fakeRestore(opts);
  const { store } = await seededStore({ restore, ui });
  view = await renderApp(store, size);
  await view.waitFor('Hosts × layers');
  return { restore, store, view };
}

/** From the dashboard to the target step of vm/100 from pbs-local (the best source). */
async function toTarget(v: Rendered) {
  await v.press('R');
  await v.waitFor('[Workload]');
  await v.press(KEY.enter);
  await v.waitFor('best first');
  await v.press(KEY.enter);
  return v.waitFor('[Target]');
}

/** A foreground colour code. */
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[3[0-9]m`);

const stepOf = (store: AppStore) => store.getState().wizard?.step.kind;

describe('choosing what to restore', () => {
  it('R on the dashboard opens the wizard at the workload step; Enter lists every source ranked with its age, place and estimate', async () => {
    const { restore, view: v } = await open();
    await v.press('R');
    const w = await v.waitFor('[Workload]');
    expect(w).toContain('Dashboard › restore');
    expect(w).toMatch(/› vm\/100 +web01/);
    expect(w).toMatch(/ct\/102 +dns/);
    expect(w).not.toContain('dataset/tank'); // only guests are restored here
    await v.press(KEY.enter);
    const p = await v.waitFor('best first');
    expect(restore.queried).toEqual([{ assetId: 'vm/100' }]);
    expect(p).toContain('✔Workload › [Point]');
    expect(p).toMatch(/› +1 pbs-local +4h +LAN +3d +about 4 min \(measured/);
    expect(p).toMatch(/2 pve1-dump +5h +same host never +about 2 min \(estimate from 14\.0 GiB/);
    expect(p).toMatch(/4 restic-cloud .*OFF-SITE .*NOT PLANNED: the PBS datastore must/);
    // A layer that could not be read is UNKNOWN, never left out and never "no point".
    expect(p).toMatch(/\? pbs-remote .*UNKNOWN: host pbs2 is unreachable/);
    expect(restore.planned).toEqual([]);
  });

  it('a source Strata does not plan says why and is not chosen', async () => {
    const { store, view: v } = await open();
    await v.press('R', KEY.enter);
    await v.waitFor('best first');
    await v.press('j', 'j', 'j', 'j', 'j'); // past the last source: the cursor stops on it
    await v.press(KEY.enter);
    await v.waitFor('▲ restic-cloud: the PBS datastore must be restored');
    expect(store.getState().message?.text).toBe('restic-cloud: the PBS datastore must be restored from restic-cloud first (issue 14)');
    expect(stepOf(store)).toBe('point');
  });

  it('R on a Workload screen starts at its sources; on a point of a layer, that point of that layer is under the cursor', async () => {
    const { restore, store, view: v } = await open();
    store.getState().navigate({ kind: 'workload', assetId: 'ct/102' });
    await v.waitFor('workload ct/102');
    await v.press('R');
    const p = await v.waitFor('best first');
    expect(p).toContain('✔Workload › [Point]');
    expect(restore.queried).toEqual([{ assetId: 'ct/102' }]);
    await v.press(KEY.esc); // back to the workloads, ct/102 selected
    expect(await v.waitFor('[Workload]')).toMatch(/› ct\/102/);
    await v.press(KEY.esc); // and out
    await v.waitFor('workload ct/102');
    expect(store.getState().wizard).toBeNull();

    store.getState().navigate({ kind: 'layer', layerId: 'pve1-dump' });
    await v.waitFor('layer pve1-dump');
    const pointTime = store.getState().observations.layers['pve1-dump']!.points.map((x) => x.timeSec).sort((a, b) => b - a)[0]!;
    await v.press('R'); // on the newest point row
    await v.waitFor('best first');
    expect(restore.queried.at(-1)).toEqual({ assetId: expect.stringMatching(/^(vm|ct)\//), point: { kind: 'at', timeSec: pointTime } });
    expect(v.frame()).toMatch(/› +2 pve1-dump/);
  });
});

describe('the target', () => {
  it('defaults to a new guest at the next free VMID, with --unique on while the original exists and the tool’s storage default stated', async () => {
    const { view: v } = await open();
    const t = await toTarget(v);
    expect(t).toMatch(/› Restore to +‹ a new guest at the next free VMID/);
    expect(t).toMatch(/Storage +\(default: qmrestore keeps each disk's storage from the backup/);
    expect(t).toMatch(/--unique +\[x\] new MAC addresses \(vm\/100 still exists/);
    expect(t).toMatch(/Start after +\[ \]/);
  });

  it('--unique is not offered when the original no longer exists', async () => {
    const { view: v } = await open({ guestExists: false });
    const t = await toTarget(v);
    expect(t).not.toContain('--unique');
  });

  it('←/→ choose where to; a typed VMID takes digits only; without one Enter says so and stays', async () => {
    const { store, restore, view: v } = await open();
    await toTarget(v);
    await v.press(KEY.right);
    await v.waitFor('a new guest at a VMID you type');
    await v.press(KEY.down);
    await v.type('9x5j0');
    expect(await v.waitFor(/VMID +950▏/)).toBeTruthy();
    await v.press(KEY.backspace, KEY.backspace, KEY.backspace);
    await v.press(KEY.enter);
    await v.waitFor('type the VMID of the new guest');
    expect(stepOf(store)).toBe('target');
    await v.type('950');
    await v.press(KEY.enter);
    await v.waitFor('[Preflight]');
    expect(restore.planned.at(-1)).toMatchObject({ assetId: 'vm/100', method: 'restore', target: { kind: 'new', vmid: 950 } });
  });

  it('a storage typed and Space on the toggles are what the engine is asked to plan', async () => {
    const { restore, view: v } = await open();
    await toTarget(v);
    await v.press(KEY.down);
    await v.type('local-zfs');
    await v.press(KEY.down, ' ', KEY.down, ' ');
    const t = await v.waitFor(/Start after +\[x\]/);
    expect(t).toMatch(/--unique +\[ \]/);
    await v.press(KEY.enter);
    await v.waitFor('[Preflight]');
    expect(restore.planned.at(-1)).toEqual({ assetId: 'vm/100', sourceId: expect.stringMatching(/^pbs-local@/), method: 'restore', target: { kind: 'new' }, start: true, storage: 'local-zfs', unique: false });
  });

  it('a guest snapshot is rolled back (what is lost said first) or cloned to a new guest, never given a storage', async () => {
    const { restore, view: v } = await open();
    await v.press('R', KEY.enter);
    await v.waitFor('best first');
    await v.press('j', 'j', KEY.enter); // pve1-snap
    const t = await v.waitFor('[Target]');
    expect(t).toContain('a new guest from the snapshot (clone)');
    expect(t).not.toContain('Storage');
    await v.press(KEY.left); // wraps to the last: over the original
    expect(await v.waitFor('roll vm/100 back to the snapshot: everything since is LOST')).toBeTruthy();
    await v.press(KEY.enter);
    await v.waitFor('Every check passed');
    expect(restore.planned.at(-1)).toMatchObject({ method: 'rollback', target: { kind: 'original' } });
    await v.press(KEY.enter);
    const plan = await v.waitFor('[Plan]');
    expect(plan).toContain('✖ DESTROYS: everything written to VM 100 since daily-2026-02-01');
  });
});

describe('preflight, plan and the question', () => {
  it('preflight shows each check with its result; a failed one stops the wizard there and nothing runs', async () => {
    const { store, restore, view: v } = await open({ failPreflight: true });
    await toTarget(v);
    await v.press(KEY.enter);
    const f = await v.waitFor('A check failed: nothing can run');
    expect(f).toMatch(/✖ FAILED +VMID 123 is free/);
    expect(f).toContain("VM 123 already exists on node 'pve1'");
    expect(f).toMatch(/✔ passed +storage local-lvm has room/);
    await v.press(KEY.enter);
    await v.waitFor('a preflight check failed');
    expect(stepOf(store)).toBe('preflight');
    expect(restore.runs).toEqual([]);
  });

  it('the plan shows every command with its host, the clean-up and what a failure leaves', async () => {
    const { view: v } = await open();
    await toTarget(v);
    await v.press(KEY.enter);
    await v.waitFor('Every check passed');
    await v.press(KEY.enter);
    const p = await v.waitFor('[Plan]');
    expect(p).toContain('▲ CHANGES HOST pve1');
    expect(p).toContain('1. restore the snapshot (on pve1)');
    expect(p).toContain('$ qmrestore pbs1:backup/vm/100/2026-02-01T22:00:00Z 123 --unique');
    expect(p).toContain('$ qm destroy 123 (on pve1)');
    expect(p).toContain('If it fails or is cancelled: VM 123 is removed again');
    expect(p).not.toContain('DESTROYS');
  });

  it('a plan that destroys nothing asks y/N: Enter and n do not run it, y does', async () => {
    const { store, restore, view: v } = await open({ ticks: 5 });
    await toTarget(v);
    await v.press(KEY.enter);
    await v.waitFor('Every check passed');
    await v.press(KEY.enter, KEY.enter);
    const c = await v.waitFor('Run this? [y/N]');
    expect(c).toContain('Nothing that exists now is destroyed');
    await v.press(KEY.enter);
    await v.waitFor('y runs it (Enter is not yes)');
    await v.press('n');
    await v.waitFor('[Plan]');
    expect(restore.runs).toEqual([]);
    await v.press(KEY.enter, 'y');
    await v.waitFor('[Done]', 5000);
    expect(restore.runs).toHaveLength(1);
    expect(restore.runs[0]!.confirm).toBeUndefined();
    expect(stepOf(store)).toBe('done');
  });

  it('typed confirmation: the plan says what --force destroys; a wrong word does nothing, y and Enter do nothing; the exact word runs it', async () => {
    const { store, restore, view: v } = await open({ ticks: 5 });
    await toTarget(v);
    await v.press(KEY.left); // over the original
    await v.waitFor('over vm/100 itself');
    await v.press(KEY.enter);
    await v.waitFor('Every check passed');
    await v.press(KEY.enter);
    expect(await v.waitFor('[Plan]')).toContain('✖ DESTROYS: VM 100 (web01): its disks scsi0 are freed before the backup is');
    await v.press(KEY.enter);
    const c = await v.waitFor('Type 100 to run it');
    expect(c).toContain('This plan DESTROYS:');
    await v.press('y', KEY.enter); // y is typed, not an answer
    await v.waitFor('"y" is not 100: nothing runs');
    await v.press(KEY.backspace);
    await v.type('1000');
    await v.press(KEY.enter);
    await v.waitFor('"1000" is not 100');
    await v.press(KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace);
    await v.type('10');
    await v.press(KEY.enter);
    await v.waitFor('"10" is not 100');
    expect(restore.runs).toEqual([]);
    expect(stepOf(store)).toBe('confirm');
    await v.type('0');
    await v.waitFor('Enter runs it.');
    await v.press(KEY.enter);
    await v.waitFor('[Done]', 5000);
    expect(restore.runs).toHaveLength(1);
    expect(restore.runs[0]!.confirm).toBe('100');
  });

  it('Esc steps back through every step to the first, then leaves; nothing was run', async () => {
    const { store, restore, view: v } = await open();
    await toTarget(v);
    await v.press(KEY.enter);
    await v.waitFor('Every check passed');
    await v.press(KEY.enter, KEY.enter);
    await v.waitFor('Run this? [y/N]');
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      seen.push(stepOf(store) ?? 'closed');
      await v.press(KEY.esc);
    }
    expect(seen).toEqual(['confirm', 'plan', 'preflight', 'target', 'point', 'workload']);
    await v.waitFor('Hosts × layers');
    expect(store.getState().wizard).toBeNull();
    expect(restore.runs).toEqual([]);
  });
});

describe('the run', () => {
  async function run(opts: FakeRestoreOptions, size = { columns: 80, rows: 24 }) {
    const o = await open(opts, size);
    await toTarget(o.view);
    await o.view.press(KEY.enter);
    await o.view.waitFor('Every check passed');
    await o.view.press(KEY.enter, KEY.enter, 'y');
    await o.view.waitFor('[Progress]');
    return o;
  }

  it('VMA: one bar over the whole archive, bytes read of the total, an ETA', async () => {
    const { view: v } = await run({ shape: 'vma', tickMs: 20 });
    const f = await v.waitFor(/archive \[█+░+\] +\d+ %/);
    expect(f).toMatch(/⟳ RUNNING · Restore vm\/100 from pbs-local/);
    expect(f).toMatch(/Elapsed \d+s · ETA \d/);
    expect(f).toMatch(/Read [\d.]+ [KMG]iB of 32\.0 GiB \(one stream over every disk\)/);
    expect(f).toMatch(/progress \d+% \(read/);
    expect(v.widest()).toBeLessThanOrEqual(80);
    // Enter is the wizard's "next" (not the global "open") and waits while it runs.
    const footer = f.split('\n').at(-1)!;
    expect(footer).not.toContain('Enter open');
    expect(footer).toMatch(/^Enter next {2}Esc back/);
  });

  it('PBS: the percent is per disk, restarting at 1 %, and says which disk of how many', async () => {
    const { store, view: v } = await run({ shape: 'pbs', tickMs: 5 });
    const second = await v.waitFor(/disk 2 of 3 \[/, 5000);
    expect(second).toMatch(/1 disk done · now drive-scsi1/);
    expect(v.widest()).toBeLessThanOrEqual(80);
    const p = store.getState().wizard!.run!.progress!;
    expect(p.percent).toBeLessThan(50); // restarted, not 50 + something
  });

  it('a container: no percent and no bar, the elapsed time and the bytes written instead', async () => {
    const { view: v } = await run({ shape: 'ct', tickMs: 20 });
    const f = await v.waitFor(/Written [\d.]+ MiB/);
    expect(f).not.toMatch(/\[█/);
    expect(f).toContain('the tool gives no percent: elapsed time and bytes only');
    expect(f).toMatch(/Elapsed \d+s · no percent from the tool: the estimate was 4m 00s \(measured\)/);
    expect(v.widest()).toBeLessThanOrEqual(80);
  });

  it('L shows the whole raw log and back; j/k scroll it', async () => {
    const { view: v } = await run({ shape: 'vma', tickMs: 5 });
    await v.waitFor(/progress 3\d%/);
    await v.press('L');
    const log = await v.waitFor('Raw log:');
    expect(log).toContain('following');
    expect(v.widest()).toBeLessThanOrEqual(80);
    await v.press('g');
    expect(await v.waitFor(/lines 1-\d+ of \d+/)).toMatch(/progress 1% \(read/);
    await v.press('L');
    await v.waitFor(/⟳ RUNNING/);
  });

  it('Esc during the run asks; n lets it run; y cancels it through the engine and the result says what is left', async () => {
    const { store, restore, view: v } = await run({ tickMs: 20 });
    await v.press(KEY.esc);
    const ask = await v.waitFor('Cancel the restore? y: stop the remote task now');
    expect(ask).toContain('If cancelled: VM 123 is removed again');
    expect(v.widest()).toBeLessThanOrEqual(80);
    expect(ask.split('\n').length).toBeLessThanOrEqual(24);
    await v.press('n');
    await sleep(60);
    expect(v.frame()).not.toContain('Cancel the restore?');
    expect(stepOf(store)).toBe('progress');
    expect(restore.cancelled).toBe(false);
    await v.press(KEY.esc);
    await v.waitFor('Cancel the restore?');
    await v.press(KEY.esc); // Esc also keeps it running
    await sleep(60);
    expect(restore.cancelled).toBe(false);
    await v.press(KEY.esc, 'y');
    const done = await v.waitFor('■ CANCELLED');
    expect(restore.cancelled).toBe(true);
    expect(done).toContain('▲ Left on the host: nothing: VM 123 was removed again');
    expect(done).toMatch(/– NOT RUN +VM 123 exists with its disks/);
    await v.press(KEY.esc);
    await v.waitFor('Hosts × layers');
    expect(store.getState().wizard).toBeNull();
  });

  it('q during the run asks instead of quitting; the panel stays', async () => {
    const { restore, view: v } = await run({ tickMs: 20 });
    await v.press('q');
    await v.waitFor('Cancel the restore?');
    await v.press('n');
    expect(restore.cancelled).toBe(false);
    expect(v.frame()).toContain('⟳ RUNNING');
  });

  it('the checks after: each with its result; a failed one is said, a passed one passed', async () => {
    const { view: v } = await run({ ticks: 5, checks: ['passed', 'failed'] });
    const done = await v.waitFor('[Done]', 5000);
    expect(done).toContain('▲ RESTORED, but a check FAILED');
    expect(done).toMatch(/✔ passed +VM 123 exists with its disks/);
    expect(done).toMatch(/✖ FAILED +the QEMU agent answers/);
    expect(done).toContain('no answer from the agent in 60 s');
    expect(done).toMatch(/the restore itself 12s \(the measured restore time\)/);
  });

  it('leaving the screen during the run keeps it going; R comes back to it', async () => {
    const { store, view: v } = await run({ tickMs: 20 });
    await v.press('D');
    await v.waitFor('Hosts × layers');
    expect(store.getState().wizard?.run?.result).toBeNull();
    store.getState().navigate({ kind: 'workload', assetId: 'ct/102' });
    await v.waitFor('workload ct/102');
    await v.press('R');
    const back = await v.waitFor('[Progress]');
    expect(back).toContain('Restore vm/100 from pbs-local');
    await store.getState().cancelAll(); // quitting the panel cancels the restore too
    expect(store.getState().wizard?.run?.result?.state).toBe('cancelled');
  });
});

describe('drills', () => {
  it('d on a workload opens the wizard with a drill as the target; the engine plans a drill', async () => {
    const { restore, store, view: v } = await open();
    store.getState().navigate({ kind: 'workload', assetId: 'vm/100' });
    await v.waitFor('workload vm/100');
    await v.press('d');
    await v.waitFor('best first');
    await v.press(KEY.enter);
    const t = await v.waitFor('[Target]');
    expect(t).toContain('a DRILL: a scratch copy, links down, checked, then destroyed');
    expect(t).toMatch(/Scratch VMID +\(empty: the next free VMID\)/);
    expect(t).not.toContain('--unique'); // a drill always is
    await v.press(KEY.enter);
    await v.waitFor('Every check passed');
    expect(restore.planned.at(-1)).toEqual({ assetId: 'vm/100', sourceId: expect.stringMatching(/^pbs-local@/) });
    await v.press(KEY.enter);
    expect(await v.waitFor('[Plan]')).toContain('Drill: restore vm/100 from pbs-local to scratch VMID 123');
  });

  it('R, then the target step: → to a drill with a scratch VMID typed; the engine plans a drill, y runs it', async () => {
    const { restore, store, view: v } = await open({ ticks: 5 });
    await toTarget(v);
    await v.press(KEY.right, KEY.right);
    const t = await v.waitFor('a DRILL: a scratch copy');
    expect(t).not.toContain('Start after'); // a drill always starts its scratch copy
    await v.press(KEY.down);
    await v.type('990');
    await v.press(KEY.enter);
    await v.waitFor('Every check passed');
    expect(restore.planned.at(-1)).toEqual({ assetId: 'vm/100', sourceId: expect.stringMatching(/^pbs-local@/), scratchVmid: 990 });
    await v.press(KEY.enter, KEY.enter, 'y');
    await v.waitFor('[Done]', 5000);
    expect(restore.runs).toHaveLength(1);
    const plan = store.getState().wizard?.plan;
    expect(plan?.state === 'ready' ? plan.value.kind : plan?.state).toBe('drill');
  });
});

describe('on an 80x24 terminal and with NO_COLOR', () => {
  it('every step fits 80 columns', async () => {
    const { view: v } = await open({ ticks: 5 });
    const widths: number[] = [];
    await v.press('R');
    await v.waitFor('[Workload]');
    widths.push(v.widest());
    await v.press(KEY.enter);
    await v.waitFor('best first');
    widths.push(v.widest());
    await v.press(KEY.enter);
    await v.waitFor('[Target]');
    widths.push(v.widest());
    await v.press(KEY.left, KEY.enter);
    await v.waitFor('Every check passed');
    widths.push(v.widest());
    await v.press(KEY.enter);
    await v.waitFor('[Plan]');
    widths.push(v.widest());
    await v.press(KEY.enter);
    await v.waitFor('Type 100');
    widths.push(v.widest());
    await v.type('100');
    await v.press(KEY.enter);
    await v.waitFor('[Done]', 5000);
    widths.push(v.widest());
    expect(Math.max(...widths)).toBeLessThanOrEqual(80);
    expect(v.frame().split('\n').length).toBeLessThanOrEqual(24);
  });

  it('a breadcrumb longer than the title bar gives way; the title bar stays one line and the trail under it whole', async () => {
    const { store, view: v } = await open();
    store.getState().navigate({ kind: 'workload', assetId: 'ct/102' });
    store.getState().navigate({ kind: 'layer', layerId: 'pve1-snap' });
    await v.waitFor('layer pve1-snap');
    await v.press('R');
    const f = await v.waitFor('best first');
    const [title, trail] = f.split('\n');
    expect(title).toMatch(/^STRATA ✖ CRIT Dashboard › workload ct\/102 › layer pve1-snap › .*… read 0s ago$/);
    expect(trail).toMatch(/^2\/9 ✔Workload › \[Point\]/);
  });

  it('with NO_COLOR no colour codes are written and states read from glyph and word', async () => {
    const chalk = (await import('chalk')).default;
    const level = chalk.level;
    chalk.level = 1;
    try {
      // With colour the same step is coloured, so the check below can tell the two apart.
      const coloured = await open({}, { columns: 80, rows: 24 }, { color: true });
      await toTarget(coloured.view);
      await coloured.view.press(KEY.enter);
      await coloured.view.waitFor('Every check passed');
      expect(coloured.view.raw()).toMatch(COLOUR);
      coloured.view.unmount();
      const { view: v } = await open({ ticks: 5, checks: ['passed', 'failed'] }, { columns: 80, rows: 24 }, { color: false });
      await toTarget(v);
      await v.press(KEY.enter);
      await v.waitFor('Every check passed');
      expect(v.raw()).not.toMatch(COLOUR);
      await v.press(KEY.enter, KEY.enter, 'y');
      await v.waitFor('[Done]', 5000);
      expect(v.raw()).not.toMatch(COLOUR);
      expect(v.frame()).toMatch(/✖ FAILED +the QEMU agent answers/);
    } finally {
      chalk.level = level;
    }
  });
});

describe('its keys', () => {
  it('? in the wizard lists its keys from the binding registry, with why one does nothing yet; Esc closes the help, the step stays', async () => {
    const { store, view: v } = await open({}, { columns: 120, rows: 40 });
    await v.press('R');
    await v.waitFor('[Workload]');
    await v.press(KEY.enter);
    await v.waitFor('best first');
    await v.press('?');
    const help = await v.waitFor('Help —');
    expect(help).toContain('Restore wizard');
    expect(help).toMatch(/Enter +Choose and go on to the next step/);
    expect(help).toMatch(/Esc +Back one step \(nothing runs\); once the run started, ask whether to cancel it/);
    expect(help).toMatch(/y +Yes: run a plan that destroys nothing; or yes, cancel the running restore/);
    expect(help).toMatch(/L +The raw log of the run, whole and scrollable.*\(disabled: nothing/);
    expect(help).toMatch(/q Ctrl-C +While the restore runs: ask whether to cancel it first/);
    await v.press(KEY.esc);
    await v.waitFor('best first');
    expect(stepOf(store)).toBe('point');
  });
});

describe('without a restore engine', () => {
  it('R says the session has none and opens nothing', async () => {
    const { store } = await seededStore();
    view = await renderApp(store, { columns: 80, rows: 24 });
    await view.waitFor('Hosts × layers');
    await view.press('R');
    await view.waitFor('this session has no restore engine');
    expect(store.getState().wizard).toBeNull();
  });
});
