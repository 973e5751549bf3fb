/**
 * Where an asset's newest point is, per layer, following `copyOf` chains: a
 * layer copying L holds, in its copy taken at t, every point of L finished
 * before t (a restic snapshot of the PBS datastore carries every PBS backup
 * that had ended when the snapshot began; one still being written is not whole
 * in the copy). The copying layer's own points that do this are
 * its carriers: those of the `carriers` assets; without them, every point of
 * an rclone layer (one remote path, the copy itself) or of a restic layer
 * limited to one path, and none otherwise: a repository that also backs up
 * other paths must say which of them hold the copied data, or a snapshot of
 * /home would vouch for a PBS datastore it does not contain.
 */
import type { Layer } from '../inventory.js';
import { infoOf } from '../layer-kinds/index.js';
import type { RecoveryPoint } from '../types.js';
import { newestFinishedBefore, type EvaluationContext } from './context.js';

export interface Reach {
  /** When the asset's point was taken. */
  readonly timeSec: number;
  /** When it was whole on the layer asked about (when it was finished, for a direct point). */
  readonly arrivedAtSec: number;
  /** Layers passed through before, oldest hop first; [] when direct. */
  readonly via: readonly string[];
  readonly hopLagSeconds: readonly number[];
  /** The point itself, on the layer where it was taken. */
  readonly point: RecoveryPoint;
}

export interface ChainIndex {
  /** Newest point of `assetId` reachable on `layerId`. */
  reach(layerId: string, assetId: string): Reach | null;
}

export function buildChainIndex(ctx: EvaluationContext): ChainIndex {
  const carriers = new Map<string, readonly RecoveryPoint[]>();
  const carriersOf = (layer: Layer): readonly RecoveryPoint[] => {
    let list = carriers.get(layer.id);
    if (list === undefined) {
      list = computeCarriers(ctx, layer);
      carriers.set(layer.id, list);
    }
    return list;
  };

  const reachBefore = (layerId: string, assetId: string, before: number, visiting: ReadonlySet<string>): Reach | null => {
    const layer = ctx.layerById.get(layerId);
    if (layer === undefined) return null;
    const direct = newestFinishedBefore(ctx.points.get(layerId)?.get(assetId), before);
    let best: Reach | null = direct === undefined ? null : { timeSec: direct.timeSec, arrivedAtSec: direct.completedAtSec ?? direct.timeSec, via: [], hopLagSeconds: [], point: direct };
    if (layer.copyOf !== undefined && layer.copyOf.length > 0) {
      const carrier = newestFinishedBefore(carriersOf(layer), before);
      if (carrier !== undefined) {
        for (const source of layer.copyOf) {
          if (visiting.has(source)) continue;
          const inner = reachBefore(source, assetId, carrier.timeSec, new Set([...visiting, source]));
          if (inner === null || (best !== null && inner.timeSec <= best.timeSec)) continue;
          best = {
            timeSec: inner.timeSec,
            arrivedAtSec: carrier.timeSec,
            via: [...inner.via, source],
            hopLagSeconds: [...inner.hopLagSeconds, carrier.timeSec - inner.arrivedAtSec],
            point: inner.point,
          };
        }
      }
    }
    return best;
  };

  const memo = new Map<string, Reach | null>();
  return {
    reach(layerId, assetId) {
      const key = `${layerId}\0${assetId}`;
      if (!memo.has(key)) memo.set(key, reachBefore(layerId, assetId, Number.POSITIVE_INFINITY, new Set([layerId])));
      return memo.get(key)!;
    },
  };
}

function computeCarriers(ctx: EvaluationContext, layer: Layer): readonly RecoveryPoint[] {
  const own = ctx.points.get(layer.id);
  if (own === undefined) return [];
  let isCarrier: (assetId: string) => boolean;
  if (layer.carriers !== undefined) {
    const named = new Set(layer.carriers);
    isCarrier = (a) => named.has(a);
  } else if (carriesByDefault(layer)) {
    const held = new Set<string>();
    for (const source of layer.copyOf ?? []) for (const a of ctx.points.get(source)?.keys() ?? []) held.add(a);
    isCarrier = (a) => !held.has(a);
  } else {
    return [];
  }
  const out: RecoveryPoint[] = [];
  for (const [assetId, list] of own) if (isCarrier(assetId)) out.push(...list);
  return out.sort((a, b) => a.timeSec - b.timeSec);
}

/**
 * Whether every own point of a copying layer without `carriers` holds its
 * sources' data: an rclone copy is one remote path; a restic layer only when it
 * backs up one path (with several, a fresh snapshot of /srv/app would vouch for
 * a datastore only an old snapshot of /mnt/pbs holds).
 */
export function carriesByDefault(layer: Layer): boolean {
  return infoOf(layer).carriesByDefault(layer);
}
