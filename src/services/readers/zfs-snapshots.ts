/**
 * ZFS snapshots of the configured datasets (and their children), with the
 * health and capacity of the pools holding them. `zpool status -x` is read
 * for its words: its exit code is 0 for a degraded pool too.
 */
import { listPools, listSnapshots, poolStatus, type ZpoolInfo, type ZpoolProblem } from '../../adapters/zfs/index.js';
import type { ZfsSnapshotsLayerFile } from '../../domain/inventory-file.js';
import type { Asset, Capacity, LayerObservation, PoolHealth, ProbeError, RecoveryPoint } from '../../domain/types.js';
import { observation, poolOf, probeError, probeOptions } from './observation.js';
import type { ReaderContext } from './types.js';

export async function readZfsSnapshots(ctx: ReaderContext, layer: ZfsSnapshotsLayerFile): Promise<LayerObservation> {
  const opts = probeOptions(ctx);
  const [lists, pools, status] = await Promise.all([
    Promise.all(layer.datasets.map((dataset) => listSnapshots(ctx.runner, { dataset }, opts))),
    listPools(ctx.runner, opts),
    poolStatus(ctx.runner, opts),
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
        time: s.time,
        ref: s.name,
        ...(s.usedBytes !== undefined ? { sizeBytes: s.usedBytes } : {}),
      });
    }
  });

  const assets: Asset[] = [...datasets].sort().map((d) => ({
    id: `dataset/${d}`,
    kind: 'dataset',
    name: d,
    host: layer.host,
    pool: poolOf(d),
  }));

  const { pools: poolHealth, capacity } = readPools(layer, pools, status, errors);
  return observation(ctx, layer, { points, assets, errors, pools: poolHealth, ...(capacity ? { capacity } : {}) });
}


function readPools(
  layer: ZfsSnapshotsLayerFile,
  pools: Awaited<ReturnType<typeof listPools>>,
  status: Awaited<ReturnType<typeof poolStatus>>,
  errors: ProbeError[],
): { pools: PoolHealth[]; capacity?: Capacity } {
  const wanted = [...new Set(layer.datasets.map(poolOf))].sort();
  if (!pools.ok) errors.push(probeError('pool list', pools.error));
  if (!status.ok) errors.push(probeError('pool status', status.error));
  const problems = new Map<string, ZpoolProblem>(status.ok ? status.value.problems.map((p) => [p.name, p]) : []);
  const listed = new Map<string, ZpoolInfo>(pools.ok ? pools.value.map((p) => [p.name, p]) : []);

  const out: PoolHealth[] = [];
  let fullest: { capacity: Capacity; ratio: number } | undefined;
  for (const name of wanted) {
    const info = listed.get(name);
    const problem = problems.get(name);
    if (pools.ok && !info) {
      errors.push({ kind: 'not-found', message: `pool ${name} is not imported on ${layer.host}` });
      if (!problem) continue;
    }
    const state = info?.health ?? problem?.state;
    if (!state) continue;
    const capacity = info ? poolCapacity(info) : undefined;
    const detail = problem ? [problem.status, problem.action, problem.errors && `errors: ${problem.errors}`].filter(Boolean).join(' ') : undefined;
    out.push({
      name,
      state,
      // A pool is healthy only when it is ONLINE and `zpool status -x` did not list it.
      healthy: state === 'ONLINE' && !problem,
      ...(detail ? { detail } : {}),
      ...(capacity ? { capacity } : {}),
    });
    if (capacity && capacity.totalBytes > 0) {
      const ratio = capacity.usedBytes / capacity.totalBytes;
      if (!fullest || ratio > fullest.ratio) fullest = { capacity, ratio };
    }
  }
  return { pools: out, ...(fullest ? { capacity: fullest.capacity } : {}) };
}

function poolCapacity(p: ZpoolInfo): Capacity | undefined {
  if (p.sizeBytes === undefined || p.allocBytes === undefined) return undefined;
  return {
    totalBytes: p.sizeBytes,
    usedBytes: p.allocBytes,
    availBytes: p.freeBytes ?? Math.max(0, p.sizeBytes - p.allocBytes),
    name: p.name,
  };
}

