/**
 * Files and datasets from a replica: the same files under the replica's
 * mountpoint, asked by the source's path or the replica's own; the dataset
 * can be cloned or, onto the source on the same host, received back. A
 * restore wants what the replica holds, so its own snapshots are read too.
 */
import { listSnapshots } from '../../adapters/zfs/index.js';
import { pointFor } from '../../domain/restore/rank.js';
import type { LayerObservation, RecoveryPoint } from '../../domain/types.js';
import type { FileContext, FileRule } from '../files-rule.js';
import { mountKey } from '../files-rule.js';
import type { LayerOf } from '../planner-context.js';
import { rebase, under } from '../shared/files/paths.js';
import { ownPoints, snapshotName } from '../shared/files/points.js';
import { browseZfs, planZfsRestore } from '../shared/files/zfs.js';

/**
 * The replica's points with its own snapshots: the reader counts only those
 * the source also has (or had), but a restore wants what the replica holds,
 * newer than anything left on a source that lost its snapshots included.
 */
async function withReplicaPoints(layer: LayerOf<'zfs-replication'>, obs: LayerObservation | undefined, ctx: FileContext): Promise<LayerObservation | undefined> {
  if (!obs) return obs;
  const r = await listSnapshots(ctx.runner(layer.host), { dataset: layer.target.dataset }, { timeoutMs: 30_000 }).catch(() => undefined);
  if (!r?.ok) return obs;
  const have = new Set(obs.points.map((p) => p.ref));
  const more: RecoveryPoint[] = r.value
    .filter((x) => x.dataset === layer.target.dataset && !have.has(x.name))
    .map((x) => ({ layerId: layer.id, assetId: `dataset/${layer.source.dataset}`, timeSec: x.timeSec, ref: x.name, ...(x.usedBytes !== undefined ? { sizeBytes: x.usedBytes } : {}) }));
  return more.length > 0 ? { ...obs, points: [...obs.points, ...more] } : obs;
}

export const zfsReplicaFiles: FileRule<'zfs-replication'> = {
  datasets: (layer) => [
    [layer.source.host ?? layer.host, layer.source.dataset],
    [layer.host, layer.target.dataset],
  ],

  mirror(layer, mountpoints) {
    const sourceHost = layer.source.host ?? layer.host;
    const from = mountpoints.get(mountKey(sourceHost, layer.source.dataset));
    const to = mountpoints.get(mountKey(layer.host, layer.target.dataset));
    if (!to) return undefined;
    return { sourceHost, sourceDataset: layer.source.dataset, ...(from ? { from } : {}), host: layer.host, dataset: layer.target.dataset, to };
  },

  async sources(layer, { target: t, wanted, observation, mountpoints }, ctx) {
    const srcHost = layer.source.host ?? layer.host;
    const srcMount = mountpoints.get(mountKey(srcHost, layer.source.dataset));
    const dstMount = mountpoints.get(mountKey(layer.host, layer.target.dataset));
    if (!dstMount) return [];
    let covers: string | undefined;
    let start: string | undefined;
    if (t.kind === 'dataset') {
      if (t.dataset !== layer.source.dataset && t.dataset !== layer.target.dataset) return [];
      covers = t.dataset === layer.source.dataset && srcMount ? srcMount : dstMount;
      start = covers;
    } else if (t.kind === 'guest') {
      return [];
    } else if (srcMount && t.host === srcHost && (under(t.path, srcMount) || under(srcMount, t.path))) {
      covers = srcMount;
      start = under(t.path, srcMount) ? t.path : srcMount;
    } else if (t.host === layer.host && (under(t.path, dstMount) || under(dstMount, t.path))) {
      covers = dstMount;
      start = under(t.path, dstMount) ? t.path : dstMount;
    }
    if (covers === undefined || start === undefined) return [];
    const obs = await withReplicaPoints(layer, observation, ctx);
    const point = pointFor(ownPoints(obs, (id) => id === `dataset/${layer.source.dataset}`), wanted);
    if (!point) return [];
    const base = covers;
    const receive = t.kind === 'dataset' && t.dataset === layer.source.dataset && srcHost === layer.host;
    return [
      {
        kind: 'zfs-replica',
        assetId: `dataset/${layer.source.dataset}`,
        point,
        covers,
        start,
        methods: receive ? ['receive', 'files'] : ['files'],
        filesLabel: 'copy of the chosen paths out of the snapshot directory',
        origin: { kind: 'zfs-replica', dataset: layer.target.dataset, snapshot: snapshotName(point.ref), mountpoint: dstMount, ...(srcMount ? { original: { dataset: layer.source.dataset, mountpoint: srcMount, host: srcHost } } : {}) },
        sourcePath: (p) => rebase(p, base, '/'),
      },
    ];
  },

  browse: browseZfs,
  plan: planZfsRestore,
};
