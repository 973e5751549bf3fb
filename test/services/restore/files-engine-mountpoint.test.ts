/**
 * A dataset whose mountpoint cannot be read gives no file source, and the
 * engine says why (the layer is unreadable for that path or dataset)
 * instead of reporting the path as held by no layer; a layer of another
 * host is not blamed.
 */
import { describe, expect, it } from 'vitest';
import type { Collection } from '../../../src/services/collector.js';
import { RestoreError } from '../../../src/services/restore/api.js';
import { createFileRestoreEngine } from '../../../src/services/restore/files-engine.js';
import { FakeRunner } from '../../helpers/fake-runner.js';
import { inventoryOf, layerObs } from '../../helpers/observations.js';

const NOW = 1_706_700_000;
const inventory = inventoryOf({
  hosts: [{ name: 'nas1' }, { name: 'pve1' }],
  layers: [{ id: 'nas-snap', kind: 'zfs-snapshots', host: 'nas1', datasets: ['tank/data'] }],
});
const obs = layerObs('nas-snap', [{ layerId: 'nas-snap', assetId: 'dataset/tank/data', timeSec: NOW - 3600, ref: 'tank/data@hourly-2024-01-31_10.00' }]);
const MOUNTPOINT = ['zfs', 'get', '-H', '-o', 'value', 'mountpoint', 'tank/data'];

function engine(nas1: FakeRunner) {
  return createFileRestoreEngine({
    inventory,
    readStatus: async () => ({ collection: { layers: [obs], finishedAtSec: NOW } as unknown as Collection }),
    evidence: () => ({ verifications: [], restores: [] }),
    catchUpEvidence: async () => {},
    planContext: { inventory, runnerFor: () => nas1, lookupEnv: () => undefined, nowSec: () => NOW },
    execute: async () => {
      throw new Error('nothing runs in this test');
    },
    thawDir: '/nonexistent/strata-test-thaws',
  });
}

const refusal = (p: Promise<unknown>) => p.then(() => undefined, (x: unknown) => x);

describe('a dataset whose mountpoint cannot be read', () => {
  it('a path on its host: the layer is unreadable with zfs\'s words, not "no layer holds" the path', async () => {
    const nas1 = new FakeRunner('nas1').on(MOUNTPOINT, { stderr: "cannot open 'tank/data': permission denied\n", exitCode: 1 });
    const list = await engine(nas1).sources({ path: 'nas1:/tank/data/projects' });
    expect(list.sources).toEqual([]);
    expect(list.unreadable).toEqual([{ layerId: 'nas-snap', reason: expect.stringMatching(/^the mountpoint of tank\/data on nas1 could not be read: .*permission denied/) }]);
  });

  it('the dataset itself: the same', async () => {
    const nas1 = new FakeRunner('nas1').on(MOUNTPOINT, { stderr: "cannot open 'tank/data': permission denied\n", exitCode: 1 });
    const list = await engine(nas1).sources({ dataset: 'tank/data' });
    expect(list.unreadable.map((u) => u.layerId)).toEqual(['nas-snap']);
  });

  it('read, the same path has its source; a path on another host blames no layer', async () => {
    const ok = new FakeRunner('nas1').on(MOUNTPOINT, '/tank/data\n');
    const list = await engine(ok).sources({ path: 'nas1:/tank/data/projects' });
    expect(list.sources.map((s) => s.layerId)).toEqual(['nas-snap']);
    expect(list.unreadable).toEqual([]);
    const failing = new FakeRunner('nas1').on(MOUNTPOINT, { stderr: 'timeout\n', exitCode: 1 });
    const e = await refusal(engine(failing).sources({ path: 'pve1:/etc' }));
    expect(e).toBeInstanceOf(RestoreError);
    expect((e as RestoreError).code).toBe('not-found');
  });
});
