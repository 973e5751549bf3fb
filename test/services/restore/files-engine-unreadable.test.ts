/**
 * The file engine's list of sources when a layer's kind cannot read what it
 * needs beyond the layer's reading (a PBS snapshot list for the manifests):
 * the layer is listed as unreadable with the tool's words, and the target is
 * not reported as held by no layer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Collection } from '../../../src/services/collector.js';
import { createFileRestoreEngine } from '../../../src/services/restore/files-engine.js';
import { RestoreError } from '../../../src/services/restore/api.js';
import { FakeRunner } from '../../helpers/fake-runner.js';
import { reply } from '../../helpers/fixtures.js';
import { inventoryOf, layerObs } from '../../helpers/observations.js';

const NOW = 1_706_700_000;
const inventory = inventoryOf({
  hosts: [{ name: 'pve1' }],
  layers: [{ id: 'pbs-usb', kind: 'pbs', host: 'pve1', repository: 'strata@pbs!ro@pbs1:usb', secret: { env: 'PBS_PW' } }],
});
// The layer was read: the host backup of 03:00 is there.
const obs = layerObs('pbs-usb', [{ layerId: 'pbs-usb', assetId: 'host/pve1', timeSec: 1706670000, ref: 'host/pve1/2024-01-31T03:00:00Z' }]);
const SNAPSHOT_LIST = ['proxmox-backup-client', 'snapshot', 'list', '--repository', 'strata@pbs!ro@pbs1:usb', '--output-format', 'json'];

let pve1: FakeRunner;
afterEach(() => pve1?.assertDone());

function engine() {
  return createFileRestoreEngine({
    inventory,
    readStatus: async () => ({ collection: { layers: [obs], finishedAtSec: NOW } as unknown as Collection }),
    evidence: () => ({ verifications: [], restores: [] }),
    catchUpEvidence: async () => {},
    planContext: { inventory, runnerFor: () => pve1, lookupEnv: (n) => (n === 'PBS_PW' ? 'pbs-secret' : undefined), nowSec: () => NOW },
    execute: async () => {
      throw new Error('nothing runs in this test');
    },
    thawDir: '/nonexistent/strata-test-thaws',
  });
}

describe('file sources of a layer whose manifests cannot be read', () => {
  it("list the layer as unreadable with PBS's words instead of 'no layer holds' the path", async () => {
    pve1 = new FakeRunner('pve1').expect({ argv: SNAPSHOT_LIST, secrets: { PBS_PASSWORD: 'pbs-secret' }, reply: reply('pbs', 'snapshot-list-unreachable') });
    const list = await engine().sources({ path: 'pve1:/etc/nginx' });
    expect(list.sources).toEqual([]);
    expect(list.unreadable).toEqual([{ layerId: 'pbs-usb', reason: expect.stringContaining('Connection refused (os error 111)') }]);
  });

  it('a path the manifests show no archive of is still held by no layer', async () => {
    pve1 = new FakeRunner('pve1').expect({ argv: SNAPSHOT_LIST, secrets: { PBS_PASSWORD: 'pbs-secret' }, reply: reply('pbs', 'snapshot-list-normal') });
    const e = await engine()
      .sources({ path: 'pve1:/var/lib/vz' })
      .then(
        () => undefined,
        (x: unknown) => x,
      );
    expect(e).toBeInstanceOf(RestoreError);
    expect((e as RestoreError).code).toBe('not-found');
  });
});
