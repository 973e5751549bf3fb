/**
 * ZFS send/receive replication: both sides' snapshots are read; run sends
 * what the target lacks (on one host only: between two hosts syncoid does
 * it); verify compares both sides.
 */
import type { KindSpec } from '../spec.js';
import { planZfsReplication } from './planner.js';
import { zfsReplicationProbes } from './probes.js';
import { readZfsReplication } from './reader.js';
import { zfsReplicaFiles } from './files.js';

export const zfsReplication: KindSpec<'zfs-replication'> = {
  read: readZfsReplication,
  probes: zfsReplicationProbes,
  actions: {
    run: {
      label: 'replicate now',
      changesHost: true,
      notOffered: (layer) =>
        layer.source.host && layer.source.host !== layer.host ? 'source and target are on different hosts: use syncoid' : null,
    },
    verify: { label: 'compare both sides', changesHost: false },
  },
  plan: planZfsReplication,
  files: zfsReplicaFiles,
};
