/** ZFS snapshots of configured datasets: run takes one; verify reads the pool's last scrub. */
import type { KindSpec } from '../spec.js';
import { planZfsSnapshots } from './planner.js';
import { zfsSnapshotsProbes } from './probes.js';
import { readZfsSnapshots } from './reader.js';
import { zfsSnapshotFiles } from './files.js';

export const zfsSnapshots: KindSpec<'zfs-snapshots'> = {
  read: readZfsSnapshots,
  probes: zfsSnapshotsProbes,
  actions: {
    run: { label: 'take ZFS snapshots', changesHost: true },
    verify: { label: 'read the last scrub', changesHost: false },
  },
  plan: planZfsSnapshots,
  files: zfsSnapshotFiles,
};
