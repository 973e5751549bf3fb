/**
 * Workloads the inventory itself names, whether or not their host answers:
 * the datasets of ZFS snapshot layers, the source of a replication, the paths
 * of restic layers, the source of an rclone copy, a host's configuration.
 * (Guests are discovered on the nodes; tiers name workloads too, elsewhere.)
 */
import { filesAssetId, normaliseFilesPath } from '../asset-id.js';
import type { Layer } from '../inventory.js';
import type { Asset } from '../types.js';

export interface ConfiguredAsset {
  readonly asset: Asset;
  /** The layer whose configuration names it. */
  readonly layerId: string;
}

const poolOf = (dataset: string) => dataset.split('/')[0]!;

export function configuredAssets(layers: readonly Layer[]): ConfiguredAsset[] {
  const out: ConfiguredAsset[] = [];
  const add = (layer: Layer, asset: Asset) => out.push({ asset, layerId: layer.id });
  const dataset = (name: string, host: string): Asset => ({ id: `dataset/${name}`, kind: 'dataset', name, host, pool: poolOf(name) });
  for (const layer of layers) {
    switch (layer.kind) {
      case 'zfs-snapshots':
        for (const d of layer.datasets) add(layer, dataset(d, layer.host));
        break;
      case 'zfs-replication':
        add(layer, dataset(layer.source.dataset, layer.source.host ?? layer.host));
        break;
      case 'restic':
        for (const raw of layer.paths ?? []) {
          const path = normaliseFilesPath(raw);
          add(layer, { id: filesAssetId(layer.host, path), kind: 'files', name: path, host: layer.host });
        }
        break;
      case 'rclone': {
        const path = layer.source ?? layer.remote;
        add(layer, { id: filesAssetId(layer.host, path), kind: 'files', name: path, host: layer.host });
        break;
      }
      case 'config-backup':
        add(layer, { id: `host/${layer.host}`, kind: 'host', name: layer.host, host: layer.host });
        break;
      case 'pve-snapshots':
      case 'vzdump':
      case 'pbs':
        break;
    }
  }
  return out;
}
