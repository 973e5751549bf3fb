/**
 * Cancelling a restore really stops the remote task (restore-formats §0):
 * the TERM reaches the task, whose own clean-up frees the new volumes and
 * drops its lock; Strata waits for that, then removes the stub it left (its
 * own new VMID only) and says so. Time scale 1: the restore runs long
 * enough to be cancelled in the middle.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateInventory } from '../../src/domain/inventory.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { composeServices, type Services } from '../../src/services/root.js';
import type { RestoreEvent } from '../../src/services/restore/api.js';

let lab: Lab;
let services: Services;

beforeAll(async () => {
  lab = await startLab({ scenario: 'healthy', timeScale: 1 });
  const v = validateInventory(lab.config);
  if (!v.ok) throw new Error('lab inventory invalid');
  services = composeServices({ inventory: v.inventory, configPath: lab.configPath, env: { STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-cancel-state-')) } });
});
afterAll(async () => {
  await services?.close();
  await lab?.stop();
});

const pve = () => lab.state.hosts.pve1!.pve!;

describe('cancelling a restore', () => {
  it('stops the remote task, then removes the stub it left; the result says what happened', async () => {
    const list = await services.restore.sources({ assetId: 'vm/101', layerId: 'pbs-local' });
    const plan = await services.restore.plan({ assetId: 'vm/101', sourceId: list.sources[0]!.id, target: { kind: 'new', vmid: 980 } });
    const ac = new AbortController();
    const events: RestoreEvent[] = [];
    const r = await services.restore.run(plan, {
      signal: ac.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'progress' && (e.progress.percent ?? 0) >= 2) ac.abort();
      },
    });
    expect(r).toMatchObject({ state: 'cancelled', exitCode: 2 });
    expect(r.summary).toMatch(/cancelled during step 1 of 1: .*the restore task stopped; VM 980 is left as a stub config \(no disks\)/);
    // The task ended as PVE ends it on a signal; nothing of it runs any more.
    const task = pve().tasks.filter((t) => t.type === 'qmrestore' && t.id === '980').at(-1)!;
    expect(task).toMatchObject({ status: 'interrupted by signal' });
    expect(task.running).toBeUndefined();
    expect(lab.running('pve1').some((p) => p.argv[0] === 'qmrestore')).toBe(false);
    // The stub of this plan's own new VMID is gone; the original untouched.
    expect(pve().guests['980']).toBeUndefined();
    expect(pve().guests['101']).toMatchObject({ name: 'mail01', status: 'running' });
    expect(events.filter((e) => e.type === 'cleanup').map((e) => e.type === 'cleanup' && e.text)).toEqual(['pve1: clean-up (remove the stub config a failed restore leaves of VM 980) done']);
    expect(r.leftover).toContain('clean-up (remove the stub config');
    expect(r.checks.every((c) => c.state === 'not-run')).toBe(true);
  });
});
