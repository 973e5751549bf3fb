/**
 * ZFS snapshots of the configured datasets (and their children), with the
 * health and capacity of the pools holding them. `zpool status -x` is read
 * for its words: its exit code is 0 for a degraded pool too.
 */
import { listSnapshots } from '../../adapters/zfs/index.js';
import type { ZfsSnapshotsLayerFile } from '../../domain/inventory-file.js';
import type { Asset, LayerObservation, ProbeError, RecoveryPoint } from '../../domain/types.js';
import { observation, probeError, probeOptions } from '../shared/observation.js';
import { datasetAsset } from '../../domain/asset-id.js';
import { readPoolHealth } from '../shared/pool-health.js';
import type { ReaderContext } from '../reader-context.js';

export async function readZfsSnapshots(ctx: ReaderContext, layer: ZfsSnapshotsLayerFile): Promise<LayerObservation> {
  const opts = probeOptions(ctx);
  const [lists, pools] = await Promise.all([
    Promise.all(layer.datasets.map((dataset) => listSnapshots(ctx.runner, { dataset }, opts))),
    readPoolHealth(ctx, layer.host, layer.datasets),
  ]);
  const errors: ProbeError[] = [];
  const points: RecoveryPoint[] = [];
  const datasets = new Set(layer.datasets);
  const seen = new Set<string>();

  lists.forEach((r, i) => {
    const dataset = layer.datasets[i]!;
    if (!r.ok) {
      errors.push(probeError(`snapshots of ${dataset}`, r.error));
      return;
    }
    for (const s of r.value) {
      // Configured datasets overlap when one is a child of another: each snapshot is one point.
      if (seen.has(s.name)) continue;
      seen.add(s.name);
      datasets.add(s.dataset);
      points.push({
        layerId: layer.id,
        assetId: `dataset/${s.dataset}`,
        timeSec: s.timeSec,
        ref: s.name,
        ...(s.usedBytes !== undefined ? { sizeBytes: s.usedBytes } : {}),
      });
    }
  });

  const assets: Asset[] = [...datasets].sort().map((d) => datasetAsset(d, layer.host));

  errors.push(...pools.errors);
  return observation(ctx, layer, {
    points,
    assets,
    errors,
    pools: pools.pools,
    ...(pools.capacity ? { capacity: pools.capacity } : {}),
  });
}


