/**
 * Every run and verify plan against the simulated homelab, through Strata's
 * real SshRunner: the lab's hosts answer the exact commands the planners
 * build (planning probes included), the executor judges their output, and
 * the lab's state changes as the real tools would change a host.
 */
import { describe, expect, it } from 'vitest';
import { validateInventory, type Inventory } from '../../src/domain/inventory.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { executePlan, planAction, type ActionOutcome, type ActionPlan, type ActionRequest, type OutputLine } from '../../src/services/actions/index.js';
import { LabRunners, useLab } from '../helpers/lab/lab-runner.js';
import { MemoryJournal } from '../helpers/actions/memory-journal.js';

let lab: Lab;
let runners: LabRunners;
let inventory: Inventory;
const journal = new MemoryJournal();

useLab({ scenario: 'healthy', timeScale: 0.02 }, (l, r, i) => ((lab = l), (runners = r), (inventory = i)));

const runnerFor = (h: string) => runners.get(h);

async function plan(req: ActionRequest): Promise<ActionPlan> {
  const r = await planAction(req, { inventory, runnerFor, lookupEnv: () => undefined, nowSec: () => Date.now() / 1000 });
  if (!r.ok) throw new Error(`plan ${req.kind} ${req.layerId}: ${r.error.message}`);
  return r.value;
}

async function act(req: ActionRequest, opts: { signal?: AbortSignal; onOutput?: (l: OutputLine) => void } = {}): Promise<ActionOutcome> {
  return executePlan(await plan(req), { runnerFor, journal, operator: 'lab-test', ...opts });
}

describe('run and verify every layer of the lab through SSH', () => {
  it('pve-snapshots: snapshots a guest', async () => {
    const snaps = () => lab.state.hosts.pve1!.pve!.guests['100']!.snapshots.filter((x) => /^strata_\d{8}_\d{6}$/.test(x.name));
    const before = snaps().length;
    expect(await act({ kind: 'run', layerId: 'pve1-snap', assetId: 'vm/100' })).toMatchObject({ state: 'ok' });
    expect(snaps().length).toBe(before + 1);
  });

  it('vzdump: backs up one guest, then runs the job; output streams line by line', async () => {
    const lines: string[] = [];
    expect(await act({ kind: 'run', layerId: 'pve1-dump', assetId: 'ct/102' }, { onOutput: (l) => lines.push(l.text) })).toMatchObject({ state: 'ok', summary: 'vzdump: 1 guest backed up' });
    expect(lines[0]).toMatch(/^INFO: starting new backup job: vzdump 102 --storage local-backup/);
    const job = await act({ kind: 'run', layerId: 'pve1-dump' });
    expect(job.state).toBe('ok');
    expect(job.summary).toMatch(/^vzdump: \d+ guests backed up/);
  }, 60_000);

  it('vzdump: tests the newest archive of each guest', async () => {
    const out = await act({ kind: 'verify', layerId: 'pve1-dump', assetId: 'vm/100' });
    expect(out).toMatchObject({ state: 'ok', verified: 'ok', summary: expect.stringContaining('archive intact') });
  });

  it('pbs: runs the verify job of the local datastore and verifies it', async () => {
    expect(await act({ kind: 'run', layerId: 'pbs-local' })).toMatchObject({ state: 'ok', verified: 'ok' });
    expect(await act({ kind: 'verify', layerId: 'pbs-local' })).toMatchObject({ state: 'ok', verified: 'ok', summary: expect.stringMatching(/^verify ok: .*; every snapshot of usb verified ok \(\d+\)$/) });
  }, 60_000);

  it('pbs: runs the sync job that feeds the off-site copy', async () => {
    const out = await act({ kind: 'run', layerId: 'pbs-remote' });
    expect(out).toMatchObject({ state: 'ok', summary: expect.stringMatching(/^sync ok: \d+ snapshots? copied/) });
  }, 60_000);

  it('restic: backs up (paths from the newest snapshot) and checks', async () => {
    expect(await act({ kind: 'run', layerId: 'restic-usb' })).toMatchObject({ state: 'ok', summary: expect.stringMatching(/^restic backup: snapshot/) });
    expect(await act({ kind: 'verify', layerId: 'restic-usb', readDataSubset: '10%' })).toMatchObject({ state: 'ok', verified: 'ok' });
    // The structure alone: no error, but no proof a restore would work.
    const structure = await act({ kind: 'verify', layerId: 'restic-cloud' });
    expect(structure).toMatchObject({ state: 'ok' });
    expect(structure.verified).toBeUndefined();
  }, 60_000);

  it('zfs-snapshots: snapshots both datasets and reads the pool\'s scrub', async () => {
    expect(await act({ kind: 'run', layerId: 'nas-snap' })).toMatchObject({ state: 'ok' });
    const out = await act({ kind: 'verify', layerId: 'nas-snap' });
    expect(out.state).not.toBe('failed');
    expect(out.summary).toMatch(/pool tank/);
  });

  it('zfs-replication: replicates incrementally through the sh -c pipe, then compares both sides', async () => {
    const p = await plan({ kind: 'run', layerId: 'nas-repl' });
    expect(p.title).toMatch(/incremental from @/);
    expect(await executePlan(p, { runnerFor, journal, operator: 'lab-test' })).toMatchObject({ state: 'ok', summary: expect.stringContaining('is on the target') });
    expect(await act({ kind: 'verify', layerId: 'nas-repl' })).toMatchObject({ state: 'ok', verified: 'ok', summary: expect.stringMatching(/^newest common @/) });
  }, 60_000);

  it('zfs-replication: a snapshot taken on the source between two replications reaches the target', async () => {
    expect((await runnerFor('nas1').run({ argv: ['zfs', 'snapshot', 'tank/data@between'] })).exitCode).toBe(0);
    await new Promise((r) => setTimeout(r, 1100)); // a new second, so a new snapshot name
    expect(await act({ kind: 'run', layerId: 'nas-repl' })).toMatchObject({ state: 'ok' });
    const zfs = lab.state.hosts.nas1!.zfs!;
    const between = zfs.datasets['backup/data']!.snapshots.find((s) => s.name === 'between');
    expect(between?.guid).toBe(zfs.datasets['tank/data']!.snapshots.find((s) => s.name === 'between')!.guid);
  }, 60_000);

  it('rclone: syncs the replica to the cloud remote and checks it', async () => {
    expect(await act({ kind: 'run', layerId: 'nas-glacier' })).toMatchObject({ state: 'ok', summary: expect.stringMatching(/^rclone sync:/) });
    expect(await act({ kind: 'verify', layerId: 'nas-glacier' })).toMatchObject({ state: 'ok', verified: 'ok' });
  }, 60_000);

  it('config-backup: archives /etc/pve and /etc/network, then lists the archive', async () => {
    expect(await act({ kind: 'run', layerId: 'pve1-config' })).toMatchObject({ state: 'ok' });
    expect(await act({ kind: 'verify', layerId: 'pve1-config' })).toMatchObject({ state: 'ok', verified: 'ok', summary: expect.stringContaining('every path present') });
  });

  it('journaled every command it ran, secrets by name only', () => {
    expect(journal.commands.length).toBeGreaterThan(15);
    expect(journal.entries.filter((e) => e.type === 'action-start').length).toBe(journal.entries.filter((e) => e.type === 'action-end').length);
  });
});

describe('cancel against the lab', () => {
  it('ends a streaming vzdump on the host: the process is gone, the job is cancelled', async () => {
    const controller = new AbortController();
    const slow = await plan({ kind: 'run', layerId: 'pve1-dump' });
    const lines: string[] = [];
    const out = await executePlan(slow, {
      runnerFor,
      journal,
      operator: 'lab-test',
      signal: controller.signal,
      onOutput: (l) => {
        lines.push(l.text);
        if (lines.length === 3) controller.abort();
      },
    });
    expect(out).toMatchObject({ state: 'cancelled', exitCode: null });
    expect(out.summary).not.toMatch(/backed up/);
    const deadline = Date.now() + 5000;
    while (lab.running('pve1').some((p) => p.argv[0] === 'vzdump') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(lab.running('pve1').filter((p) => p.argv[0] === 'vzdump')).toEqual([]);
  }, 60_000);
});

describe('the degraded lab: failures are reported as the tools report them, never green', () => {
  let badRunners: LabRunners;
  let badInventory: Inventory;
  useLab({ scenario: 'degraded', timeScale: 0.02 }, (_l, r, i) => ((badRunners = r), (badInventory = i)));

  const actOn = async (req: ActionRequest) => {
    const runnerFor = (h: string) => badRunners.get(h);
    const p = await planAction(req, { inventory: badInventory, runnerFor, lookupEnv: () => undefined, nowSec: () => Date.now() / 1000 });
    if (!p.ok) return { planError: p.error.message };
    return executePlan(p.value, { runnerFor, journal, operator: 'lab-test' });
  };

  it('a restic repository behind a wrong password: the check fails and proves nothing', async () => {
    const out = await actOn({ kind: 'verify', layerId: 'restic-usb' });
    expect(out).toMatchObject({ state: 'failed', summary: expect.stringMatching(/password/) });
    expect((out as ActionOutcome).verified).toBeUndefined();
  });

  it('the snapshot whose verification failed fails the PBS verify, naming it', async () => {
    const out = await actOn({ kind: 'verify', layerId: 'pbs-local' });
    expect(out).toMatchObject({ state: 'failed', verified: 'failed', summary: expect.stringContaining('vm/101/') });
  }, 60_000);
});

describe('cancel of a PBS verify against the lab', () => {
  it('ends the CLI and stops the server task it left running', async () => {
    const slow = await startLab({ scenario: 'healthy', timeScale: 1 });
    const slowRunners = new LabRunners(slow);
    try {
      const v = validateInventory(slow.config);
      if (!v.ok) throw new Error('bad lab config');
      const runnerFor = (h: string) => slowRunners.get(h);
      // Re-verify everything so the task has work for a while.
      const p = await planAction({ kind: 'verify', layerId: 'pbs-local' }, { inventory: v.inventory, runnerFor, lookupEnv: () => undefined, nowSec: () => Date.now() / 1000 });
      if (!p.ok) throw new Error(p.error.message);
      const plan: ActionPlan = { ...p.value, steps: [{ ...p.value.steps[0]!, command: { argv: ['proxmox-backup-manager', 'verify', 'usb', '--outdated-after', '1', '--output-format', 'text'] } }, p.value.steps[1]!] };
      const controller = new AbortController();
      const lines: string[] = [];
      const out = await executePlan(plan, {
        runnerFor,
        journal,
        operator: 'lab-test',
        signal: controller.signal,
        onOutput: (l) => {
          lines.push(l.text);
          if (lines.length === 4) controller.abort();
        },
      });
      expect(out).toMatchObject({ state: 'cancelled', summary: expect.stringMatching(/stopped PBS task UPID:pbs1:.*:verify:usb:/) });
      const tasks = slow.state.hosts.pbs1!.pbs!.tasks;
      expect(tasks.filter((t) => t.workerType === 'verify' && t.running)).toEqual([]);
    } finally {
      await slowRunners.close();
      await slow.stop();
    }
  }, 60_000);
});
