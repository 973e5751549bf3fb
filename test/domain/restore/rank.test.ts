/** The pure ranking of restore sources: each rule decides only when the ones before it tie. */
import { describe, expect, it } from 'vitest';
import { locationOf, pointFor, rankSources, SAME_FRESHNESS_SECONDS } from '../../../src/domain/restore/rank.js';
import type { SourceCandidate } from '../../../src/domain/restore/types.js';

const NOW = 1_800_000_000;

function source(layerId: string, o: Partial<SourceCandidate> = {}): SourceCandidate {
  const timeSec = o.point?.timeSec ?? NOW - 3600;
  return {
    id: `${layerId}@p`,
    layerId,
    layerKind: 'pbs',
    host: 'pbs1',
    assetId: 'vm/100',
    point: { ref: 'p', timeSec },
    ageSeconds: NOW - timeSec,
    location: 'lan',
    via: [],
    steps: [{ kind: 'guest-restore', label: 'qmrestore', planned: true }],
    methods: ['restore'],
    plannable: true,
    estimate: { seconds: 600, basis: 'size', text: '' },
    provenAtSec: null,
    ...o,
  };
}

const order = (xs: SourceCandidate[]) => rankSources(xs).map((s) => s.layerId);

describe('rankSources', () => {
  it('puts sources Strata can plan before those needing a step it does not plan, whatever their age', () => {
    expect(order([source('chain', { plannable: false, point: { ref: 'x', timeSec: NOW } }), source('pbs', { point: { ref: 'y', timeSec: NOW - 5 * 86_400 } })])).toEqual(['pbs', 'chain']);
  });

  it('prefers the newer point when they are more than an hour apart', () => {
    expect(order([source('old', { location: 'same-host', point: { ref: 'a', timeSec: NOW - 3 * 3600 } }), source('new', { location: 'off-site', point: { ref: 'b', timeSec: NOW - 3600 } })])).toEqual(['new', 'old']);
  });

  it('within an hour, the nearer copy wins: same host, then LAN, then off-site', () => {
    const t = NOW - 7200;
    expect(order([source('off', { location: 'off-site', point: { ref: 'a', timeSec: t } }), source('lan', { location: 'lan', point: { ref: 'b', timeSec: t - 60 } }), source('here', { location: 'same-host', point: { ref: 'c', timeSec: t - SAME_FRESHNESS_SECONDS + 10 } })])).toEqual(['here', 'lan', 'off']);
  });

  it('then a source proven restorable before one never proven', () => {
    expect(order([source('never'), source('proven', { provenAtSec: NOW - 86_400 })])).toEqual(['proven', 'never']);
  });

  it('then the shorter estimate, an unknown one last', () => {
    expect(order([source('unknown', { estimate: { seconds: null, basis: 'unknown', text: '' } }), source('slow', { estimate: { seconds: 900, basis: 'size', text: '' } }), source('fast', { estimate: { seconds: 60, basis: 'measured', text: '' } })])).toEqual(['fast', 'slow', 'unknown']);
  });

  it('numbers the ranks from 1 and leaves out points newer than the wanted time', () => {
    const ranked = rankSources([source('a', { point: { ref: 'a', timeSec: NOW - 10 } }), source('b', { point: { ref: 'b', timeSec: NOW - 86_400 } })], { kind: 'at', timeSec: NOW - 3600 });
    expect(ranked.map((s) => [s.layerId, s.rank])).toEqual([['b', 1]]);
  });
});

describe('pointFor and locationOf', () => {
  const points = [{ timeSec: 100 }, { timeSec: 300 }, { timeSec: 200 }];
  it('takes the newest point, or the newest at or before a time', () => {
    expect(pointFor(points, { kind: 'latest' })).toEqual({ timeSec: 300 });
    expect(pointFor(points, { kind: 'at', timeSec: 250 })).toEqual({ timeSec: 200 });
    expect(pointFor(points, { kind: 'at', timeSec: 50 })).toBeUndefined();
  });
  it('says off-site for an off-site layer, same host for the target node, LAN otherwise', () => {
    expect(locationOf({ host: 'pve1', offsite: true }, 'pve1')).toBe('off-site');
    expect(locationOf({ host: 'pve1' }, 'pve1')).toBe('same-host');
    expect(locationOf({ host: 'pbs1' }, 'pve1')).toBe('lan');
  });
});
