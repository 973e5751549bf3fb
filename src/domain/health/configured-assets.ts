/**
 * Workloads the inventory itself names, whether or not their host answers:
 * the datasets of ZFS snapshot layers, the source of a replication, the paths
 * of restic layers, the source of an rclone copy, a host's configuration.
 * (Guests are discovered on the nodes; tiers name workloads too, elsewhere.)
 */
import type { Layer } from '../inventory.js';
import { infoOf } from '../layer-kinds/index.js';
import type { Asset } from '../types.js';

export interface ConfiguredAsset {
  readonly asset: Asset;
  /** The layer whose configuration names it. */
  readonly layerId: string;
}

export function configuredAssets(layers: readonly Layer[]): ConfiguredAsset[] {
  return layers.flatMap((layer) => infoOf(layer).configuredAssets(layer).map((asset) => ({ asset, layerId: layer.id })));
}
