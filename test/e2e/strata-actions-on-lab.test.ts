/**
 * Strata's own action planner and executor, through the real SSH runner,
 * against the lab: every action the layers offer plans and runs to the end
 * on the healthy lab, and the degraded lab's damage makes the matching
 * verifies fail (never a green light on a copy that cannot be read).
 */
import { describe, expect, it } from 'vitest';
import { validateInventory, type Inventory } from '../../src/domain/inventory.js';
import type { Lab } from '../../src/lab/index.js';
import { actionsFor, executePlan, planAction, type ActionOutcome, type ActionRequest } from '../../src/services/actions/index.js';
import { useLab, type LabRunners } from '../helpers/lab/lab-runner.js';

async function act(lab: Lab, inventory: Inventory, runners: LabRunners, req: ActionRequest): Promise<ActionOutcome | string> {
  const runnerFor = (h: string) => runners.get(h);
  const plan = await planAction(req, { inventory, runnerFor, lookupEnv: () => undefined, nowSec: () => Date.now() / 1000 });
  if (!plan.ok) return `plan failed: ${plan.error.message}`;
  return executePlan(plan.value, { runnerFor, journal: { append: async () => undefined }, operator: 'lab-test' });
}

function inventoryOf(lab: Lab): Inventory {
  const v = validateInventory(lab.config);
  if (!v.ok) throw new Error('the lab config is not a valid inventory');
  return v.inventory;
}

describe('on the healthy lab', () => {
  let lab: Lab;
  let runners: LabRunners;
  useLab({ scenario: 'healthy', timeScale: 0.05 }, (l, r) => ((lab = l), (runners = r)));

  it('every offered run and verify plans and ends ok', async () => {
    const inventory = inventoryOf(lab);
    const results: string[] = [];
    for (const layer of lab.config.layers) {
      for (const a of actionsFor(layer)) {
        if (a.disabledReason) continue;
        const out = await act(lab, inventory, runners, { kind: a.kind, layerId: layer.id, ...(a.needsAsset ? { assetId: 'vm/100' } : {}) });
        results.push(`${layer.id} ${a.kind}: ${typeof out === 'string' ? out : `${out.state}${out.verified ? ` (${out.verified})` : ''}`}`);
      }
    }
    expect(results.filter((r) => !/: ok( \(ok\))?$/.test(r))).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(20);
    // The cloud sync left its mark at the root of the copy, dated no later than the sync began.
    const mark = lab.state.cloud.buckets['strata-nas']!['data/.strata-synced'];
    // In STANDARD though the remote writes GLACIER: an archived object cannot have its time set again.
    expect(mark).toMatchObject({ size: 0, tier: 'STANDARD' });
    expect(mark!.modTime).toBeLessThanOrEqual(Date.now() / 1000);
    expect(mark!.modTime).toBeGreaterThan(Date.now() / 1000 - 600);
    const first = mark!.modTime;
    await new Promise((r) => setTimeout(r, 1100));
    const again = await act(lab, inventory, runners, { kind: 'run', layerId: 'nas-glacier' });
    expect(again).toMatchObject({ state: 'ok', summary: expect.stringContaining('copy marked whole as of') });
    expect(lab.state.cloud.buckets['strata-nas']!['data/.strata-synced']!.modTime).toBeGreaterThan(first);
  });
});

describe('on the degraded lab', () => {
  let lab: Lab;
  let runners: LabRunners;
  useLab({ scenario: 'degraded', timeScale: 0.05 }, (l, r) => ((lab = l), (runners = r)));

  it('the damaged copies fail their verify', async () => {
    const inventory = inventoryOf(lab);
    const pbs = await act(lab, inventory, runners, { kind: 'verify', layerId: 'pbs-local' });
    expect(pbs).toMatchObject({ state: 'failed', verified: 'failed' });
    expect((pbs as ActionOutcome).summary).toContain('vm/101/');
    const restic = await act(lab, inventory, runners, { kind: 'verify', layerId: 'restic-usb' });
    expect(restic).toMatchObject({ state: 'failed' });
    expect((restic as ActionOutcome).summary).toContain('wrong password');
    const vzdump = await act(lab, inventory, runners, { kind: 'run', layerId: 'pve1-dump' });
    expect((vzdump as ActionOutcome).state).not.toBe('ok');
  });
});
