/** PVE guest snapshots: read per guest from the node; run takes one (a guest is chosen first). */
import type { KindSpec } from '../spec.js';
import { pveSnapshotsRestore } from './restore.js';
import { planPveSnapshots } from './planner.js';
import { pveSnapshotsProbes } from './probes.js';
import { readPveSnapshots } from './reader.js';

export const pveSnapshots: KindSpec<'pve-snapshots'> = {
  read: readPveSnapshots,
  probes: pveSnapshotsProbes,
  actions: {
    run: { label: 'take a guest snapshot', changesHost: true, needsAsset: true },
    verify: { label: 'check snapshots', changesHost: false, notOffered: () => 'a snapshot is proven by a restore drill' },
  },
  plan: planPveSnapshots,
  restore: pveSnapshotsRestore,
};
