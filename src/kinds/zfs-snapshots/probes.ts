import { zfsGetSnapshotsCommand, zfsListSnapshotsCommand } from '../../adapters/zfs/commands.js';
import { poolProbes } from '../shared/pool-probes.js';
import { onHost, type LayerFileOf, type ProbeCommand } from '../spec.js';

/** Each dataset's snapshots (with the zfs-fuse fallback), and the pools' health and capacity. */
export const zfsSnapshotsProbes = (layer: LayerFileOf<'zfs-snapshots'>): ProbeCommand[] =>
  onHost(layer, [...layer.datasets.flatMap((d) => [zfsListSnapshotsCommand(d), zfsGetSnapshotsCommand(d)]), ...poolProbes()]);
