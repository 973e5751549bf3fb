/**
 * Health and capacity of the pools that hold a layer's datasets. `zpool
 * status -x` is read for its words: its exit code is 0 for a degraded pool too.
 * Snapshot layers read the pools of their datasets; replication layers read
 * the target's pools, which hold the copies.
 */
import { listPools, poolStatus, type ZpoolInfo, type ZpoolProblem } from '../../adapters/zfs/index.js';
import type { Capacity, PoolHealth, ProbeError } from '../../domain/types.js';
import { probeError, probeOptions } from './observation.js';
import { poolOfDataset as poolOf } from '../../domain/asset-id.js';
import type { ReaderContext } from '../reader-context.js';

export interface PoolReading {
  readonly pools: PoolHealth[];
  /** The fullest of the pools, for the layer's capacity. */
  readonly capacity?: Capacity;
  readonly errors: ProbeError[];
}

/** Health and capacity of the pools holding `datasets` on the reader's host. */
export async function readPoolHealth(ctx: ReaderContext, host: string, datasets: readonly string[]): Promise<PoolReading> {
  const opts = probeOptions(ctx);
  const [pools, status] = await Promise.all([listPools(ctx.runner, opts), poolStatus(ctx.runner, opts)]);
  const errors: ProbeError[] = [];
  return { ...poolsOf(host, datasets, pools, status, errors), errors };
}

function poolsOf(
  host: string,
  datasets: readonly string[],
  pools: Awaited<ReturnType<typeof listPools>>,
  status: Awaited<ReturnType<typeof poolStatus>>,
  errors: ProbeError[],
): { pools: PoolHealth[]; capacity?: Capacity } {
  const wanted = [...new Set(datasets.map(poolOf))].sort();
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
      errors.push({ kind: 'not-found', message: `pool ${name} is not imported on ${host}` });
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

