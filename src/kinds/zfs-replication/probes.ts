import { zfsGetSnapshotsCommand, zfsListSnapshotsCommand } from '../../adapters/zfs/commands.js';
import { poolProbes } from '../shared/pool-probes.js';
import type { LayerFileOf, ProbeCommand } from '../spec.js';

/** Both sides' snapshots; the target's pools hold the copies, so their health and capacity are read too. */
export function zfsReplicationProbes(layer: LayerFileOf<'zfs-replication'>): ProbeCommand[] {
  const sourceHost = layer.source.host ?? layer.host;
  const source = [zfsListSnapshotsCommand(layer.source.dataset), zfsGetSnapshotsCommand(layer.source.dataset)];
  const target = [zfsListSnapshotsCommand(layer.target.dataset), zfsGetSnapshotsCommand(layer.target.dataset), ...poolProbes()];
  return [...source.map((c) => ({ ...c, host: sourceHost })), ...target.map((c) => ({ ...c, host: layer.host }))];
}
