/**
 * ZFS send/receive replication: the snapshots on the target are the layer's
 * points for the source dataset (a snapshot the source has since pruned is
 * still a copy). Source and target are read at once, possibly on two hosts,
 * with the health of the target's pool.
 */
import { listSnapshots } from '../../adapters/zfs/index.js';
import type { ZfsReplicationLayerFile } from '../../domain/inventory-file.js';
import type { Asset, LayerObservation, ProbeError, RecoveryPoint } from '../../domain/types.js';
import { observation, probeError, probeOptions } from '../shared/observation.js';
import { datasetAsset } from '../../domain/asset-id.js';
import { readPoolHealth } from '../shared/pool-health.js';
import type { ReaderContext } from '../reader-context.js';
import { errorText } from '../../domain/error-text.js';

/** `tank/backup/data/child` under target `tank/backup/data` is source `rpool/data/child`. */
export function sourceDatasetOf(targetDataset: string, target: string, source: string): string | undefined {
  if (targetDataset === target) return source;
  if (targetDataset.startsWith(`${target}/`)) return `${source}${targetDataset.slice(target.length)}`;
  return undefined;
}

export async function readZfsReplication(ctx: ReaderContext, layer: ZfsReplicationLayerFile): Promise<LayerObservation> {
  const opts = probeOptions(ctx);
  const sourceHost = layer.source.host ?? layer.host;
  const errors: ProbeError[] = [];
  let sourceRunner = ctx.runner;
  if (sourceHost !== layer.host) {
    try {
      sourceRunner = ctx.runnerFor(sourceHost);
    } catch (e) {
      errors.push({ kind: 'transport', message: `source host ${sourceHost}: ${errorText(e)}` });
    }
  }
  const [source, target, pools] = await Promise.all([
    errors.length === 0 ? listSnapshots(sourceRunner, { dataset: layer.source.dataset }, opts) : undefined,
    listSnapshots(ctx.runner, { dataset: layer.target.dataset }, opts),
    // The copies live on the target's pool: a degraded target pool is this layer's problem.
    readPoolHealth(ctx, layer.host, [layer.target.dataset]),
  ]);

  const sourceDatasets = new Set([layer.source.dataset]);
  if (source?.ok) for (const s of source.value) sourceDatasets.add(s.dataset);
  else if (source) errors.push(probeError(`source snapshots of ${layer.source.dataset} on ${sourceHost}`, source.error));

  // A target snapshot is a replicated copy when the source has it too, or when it is not newer
  // than the newest snapshot both have (the source pruned it since), or older than everything
  // the source still has. What is left, snapshots newer than the last common one that the
  // source never had, were taken on the target itself (sanoid running there too): counted,
  // they would keep a broken replication looking fresh.
  const onSource = new Set<string>();
  const oldestOnSource = new Map<string, number>();
  if (source?.ok) {
    for (const s of source.value) {
      onSource.add(s.name);
      oldestOnSource.set(s.dataset, Math.min(oldestOnSource.get(s.dataset) ?? Number.POSITIVE_INFINITY, s.timeSec));
    }
  }
  const snapName = (name: string) => name.slice(name.indexOf('@') + 1);
  const newestCommon = new Map<string, number>();
  if (target.ok) {
    for (const s of target.value) {
      const src = sourceDatasetOf(s.dataset, layer.target.dataset, layer.source.dataset);
      if (src && onSource.has(`${src}@${snapName(s.name)}`)) newestCommon.set(src, Math.max(newestCommon.get(src) ?? s.timeSec, s.timeSec));
    }
  }
  const replicated = (src: string, name: string, time: number) =>
    !source?.ok ||
    onSource.has(`${src}@${snapName(name)}`) ||
    time <= (newestCommon.get(src) ?? Number.NEGATIVE_INFINITY) ||
    time < (oldestOnSource.get(src) ?? Number.NEGATIVE_INFINITY);

  const points: RecoveryPoint[] = [];
  if (target.ok) {
    for (const s of target.value) {
      const src = sourceDatasetOf(s.dataset, layer.target.dataset, layer.source.dataset);
      if (!src) continue;
      sourceDatasets.add(src);
      if (!replicated(src, s.name, s.timeSec)) continue;
      points.push({
        layerId: layer.id,
        assetId: `dataset/${src}`,
        timeSec: s.timeSec,
        ref: s.name,
        ...(s.usedBytes !== undefined ? { sizeBytes: s.usedBytes } : {}),
      });
    }
  } else errors.push(probeError(`target snapshots of ${layer.target.dataset} on ${layer.host}`, target.error));

  const assets: Asset[] = [...sourceDatasets].sort().map((d) => datasetAsset(d, sourceHost));
  errors.push(...pools.errors);
  return observation(ctx, layer, {
    points,
    assets,
    errors,
    pools: pools.pools,
    ...(pools.capacity ? { capacity: pools.capacity } : {}),
  });
}
