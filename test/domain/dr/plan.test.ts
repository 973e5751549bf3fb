/**
 * The DR plan's pure parts: restores in parallel on a bounded number of
 * slots, guests in tier order, the direct path before a chain, a tier over
 * its RTO said so, a guest with no way back a blocker.
 */
import { describe, expect, it } from 'vitest';
import { buildDrPlan, longestFirst, parallelSeconds, START_CHECK_SECONDS, type GuestInput } from '../../../src/domain/dr/plan.js';
import type { SurvivingCopy } from '../../../src/domain/dr/types.js';
import type { Inventory } from '../../../src/domain/inventory.js';
import type { RestoreSource } from '../../../src/domain/restore/types.js';

describe('parallelSeconds', () => {
  it('fills the free slot first and ends with the last restore', () => {
    expect(parallelSeconds([10, 10, 10], 2)).toBe(20);
    expect(parallelSeconds([30, 10, 10, 10], 2)).toBe(30);
    expect(parallelSeconds([10, 10, 10], 1)).toBe(30);
    expect(parallelSeconds([], 2)).toBe(0);
  });

  it('starts the longest first, so a long restore listed last does not run alone at the end', () => {
    // In the given order: 10 and 10 side by side, then 30 alone: 40. Longest first: 30 beside 10+10: 30.
    expect(parallelSeconds([10, 10, 30], 2)).toBe(30);
  });
});

describe('longestFirst', () => {
  it('orders by expected time, longest first; not estimated counts as longest; ties keep their order', () => {
    const g = (id: string, s: number | null) => ({ id, s });
    const order = longestFirst([g('a', 10), g('b', 30), g('c', null), g('d', 10), g('e', 20)], (x) => x.s).map((x) => x.id);
    expect(order).toEqual(['c', 'b', 'e', 'a', 'd']);
  });
});

const inventory = {
  tiers: [
    { name: 'gold', rtoSeconds: 300, assets: ['vm/101', 'ct/100'] },
    { name: 'bronze', rtoSeconds: null, assets: ['vm/200'] },
  ],
} as unknown as Inventory;

const copy = (layerId: string, state: SurvivingCopy['state']): SurvivingCopy => ({ layerId, kind: layerId.startsWith('pbs') ? 'pbs' : 'restic', host: layerId, offsite: true, state, guests: 0 });

function source(assetId: string, layerId: string, seconds: number | null, via: string[] = []): RestoreSource {
  return {
    id: `${layerId}@x`,
    layerId,
    layerKind: via.length > 0 ? 'restic' : 'pbs',
    host: layerId,
    assetId,
    point: { ref: `${assetId}/p`, timeSec: 1_000 },
    ageSeconds: 3_600,
    location: 'off-site',
    via,
    steps: [],
    methods: [],
    plannable: via.length === 0,
    estimate: { seconds, basis: seconds === null ? 'unknown' : 'size', text: 'test' },
    provenAtSec: null,
    rank: 1,
  };
}

function plan(guests: GuestInput[], copies: SurvivingCopy[] = [copy('pbs2', 'answers'), copy('cloud', 'answers')], parallel = 2) {
  return buildDrPlan({ inventory, lost: { host: 'pve1', node: 'pve1', address: '10.0.0.1', answers: false }, readAtSec: 5_000, copies, guests, prerequisites: [], parallelPerStorage: parallel });
}

describe('buildDrPlan', () => {
  it('orders guests by tier then VMID, prefers a direct path to a chain, and adds up the tiers', () => {
    const p = plan([
      { assetId: 'vm/200', tier: 'bronze', sources: [source('vm/200', 'pbs2', 100)], unreadable: [] },
      { assetId: 'vm/101', tier: 'gold', sources: [source('vm/101', 'cloud', null, ['pbs1']), source('vm/101', 'pbs2', 60)], unreadable: [] },
      { assetId: 'ct/100', tier: 'gold', sources: [source('ct/100', 'pbs2', 20)], unreadable: [] },
    ]);
    expect(p.guests.map((g) => g.assetId)).toEqual(['ct/100', 'vm/101', 'vm/200']);
    expect(p.guests[1]!.path).toMatchObject({ kind: 'direct', layerId: 'pbs2' });
    expect(p.guests[1]!.paths.map((x) => x.kind)).toEqual(['direct', 'chain']);
    const gold = p.tiers[0]!;
    expect(gold.expectedSeconds).toBe(60 + START_CHECK_SECONDS);
    expect(gold.meetsRto).toBe(true);
    expect(p.tiers[1]).toMatchObject({ name: 'bronze', meetsRto: null });
    expect(p.steps.map((s) => s.id)).toEqual(['node', 'identity', 'network', 'host-config', 'storage', 'chains', 'tier:gold', 'tier:bronze', 'report']);
  });

  it('says a tier will be over its RTO, and a guest held only by a gone copy has no way back', () => {
    const p = plan(
      [
        { assetId: 'vm/101', tier: 'gold', sources: [source('vm/101', 'pbs2', 600)], unreadable: [] },
        { assetId: 'ct/100', tier: 'gold', sources: [source('ct/100', 'pbs1', 10)], unreadable: [{ layerId: 'pbs1', reason: 'host pbs1 is unreachable' }] },
      ],
      [copy('pbs2', 'answers'), copy('pbs1', 'gone')],
    );
    expect(p.tiers[0]!.meetsRto).toBe(false);
    expect(p.guests.find((g) => g.assetId === 'ct/100')).toMatchObject({ path: null });
    expect(p.blockers).toEqual(['ct/100: no copy that answers holds it (not read: pbs1: host pbs1 is unreachable)']);
  });

  it('a chain takes its datastore restore from the copy\'s size at the default throughput; without a size it is unknown', () => {
    const carried = (sizeBytes?: number): RestoreSource => ({ ...source('vm/101', 'cloud', 60, ['pbs1']), point: { ref: 'copy', timeSec: 4_000, ...(sizeBytes !== undefined ? { sizeBytes } : {}) } });
    const sized = plan([{ assetId: 'vm/101', tier: 'gold', sources: [carried(100 * 2 ** 30)], unreadable: [] }]);
    const step = sized.guests[0]!.path!.steps.find((s) => s.kind === 'restore-datastore')!;
    expect(step.expectedSeconds).toBe(1024);
    expect(step.label).toContain('(100.0 GiB, at 100.0 MiB/s)');
    expect(sized.steps.find((s) => s.id === 'chains')!.expectedSeconds).toBe(1024 + 10);
    const unsized = plan([{ assetId: 'vm/101', tier: 'gold', sources: [carried()], unreadable: [] }]);
    expect(unsized.guests[0]!.path!.steps.find((s) => s.kind === 'restore-datastore')!.expectedSeconds).toBeNull();
    expect(unsized.tiers[0]!.meetsRto).toBeNull();
  });

  it('the chains run just before the first tier that needs one: the tiers before are up without waiting for the datastore', () => {
    const carried: RestoreSource = { ...source('vm/200', 'cloud', 60, ['pbs1']), point: { ref: 'copy', timeSec: 4_000, sizeBytes: 100 * 2 ** 30 } };
    const p = plan([
      { assetId: 'ct/100', tier: 'gold', sources: [source('ct/100', 'pbs2', 20)], unreadable: [] },
      { assetId: 'vm/200', tier: 'bronze', sources: [carried], unreadable: [] },
    ]);
    expect(p.steps.map((s) => s.id)).toEqual(['node', 'identity', 'network', 'host-config', 'storage', 'tier:gold', 'chains', 'tier:bronze', 'report']);
    const chains = p.steps.find((s) => s.id === 'chains')!.expectedSeconds!;
    const gold = p.tiers.find((t) => t.name === 'gold')!;
    const bronze = p.tiers.find((t) => t.name === 'bronze')!;
    // gold's time does not hold the 1,024 s datastore restore; bronze's does.
    expect(gold.expectedUpAfterSeconds!).toBeLessThan(chains);
    expect(bronze.expectedUpAfterSeconds!).toBe(gold.expectedUpAfterSeconds! + chains + bronze.expectedSeconds!);
  });
});
