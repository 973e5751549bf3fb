import { clusterResourcesCommand, guestSnapshotsTemplate } from '../../adapters/pve/commands.js';
import { onHost, type LayerFileOf, type ProbeCommand } from '../spec.js';

export const pveSnapshotsProbes = (layer: LayerFileOf<'pve-snapshots'>, node: string): ProbeCommand[] =>
  onHost(layer, [clusterResourcesCommand(), guestSnapshotsTemplate(node, 'qemu'), guestSnapshotsTemplate(node, 'lxc')]);
