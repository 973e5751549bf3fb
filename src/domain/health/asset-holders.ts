/**
 * Which layers could hold a point of a workload, read or not: what tells
 * "no copy" from "cannot tell". A layer holds a workload by its kind and
 * configuration (a vzdump storage the guests of its node, a restic repository
 * the paths of its host, a ZFS snapshot layer its datasets), through a copy
 * chain (`copyOf`), or because it held one at the last reading. A hold is a
 * `copy`, or only a `rollback` point on the live data's own storage, which
 * can never count as a copy.
 */
import { parseAssetId } from '../asset-id.js';
import type { Layer } from '../inventory.js';
import { infoOf, type Hold } from '../layer-kinds/index.js';
import type { EvaluationContext } from './context.js';

export type { Hold };

export interface HeldAsset {
  readonly id: string;
  /** The host (inventory name) of the live data, when known. */
  readonly host?: string;
  /** ZFS pool of the live data, when known. */
  readonly pool?: string;
  /** Layers that held a point of it at the last reading. */
  readonly seenOn: readonly string[];
}

/** What `layer` may hold of `asset`; null when it cannot hold it at all. */
export function holdOf(ctx: EvaluationContext, layer: Layer, asset: HeldAsset): Hold | null {
  return holdWithin(ctx, layer, asset, new Set([layer.id]));
}

/** Every layer that may hold the asset, with what it may hold. */
export function holdersOf(ctx: EvaluationContext, asset: HeldAsset): { readonly layer: Layer; readonly hold: Hold }[] {
  return ctx.inventory.layers.flatMap((layer) => {
    const hold = holdOf(ctx, layer, asset);
    return hold === null ? [] : [{ layer, hold }];
  });
}

function holdWithin(ctx: EvaluationContext, layer: Layer, asset: HeldAsset, seen: Set<string>): Hold | null {
  const direct = directHold(layer, asset);
  if (direct !== null) return direct;
  if (asset.seenOn.includes(layer.id)) return infoOf(layer).snapshotsOfLiveData ? 'rollback' : 'copy';
  // A copy of a layer that may hold it may hold it too, somewhere else: a copy, whatever the source held.
  for (const source of layer.copyOf ?? []) {
    const s = ctx.layerById.get(source);
    if (s === undefined || seen.has(source)) continue;
    seen.add(source);
    if (holdWithin(ctx, s, asset, seen) !== null) return 'copy';
  }
  return null;
}

function directHold(layer: Layer, asset: HeldAsset): Hold | null {
  const parsed = parseAssetId(asset.id);
  if (parsed === null) return null;
  return infoOf(layer).holds(layer, { id: asset.id, parsed, ...(asset.host !== undefined ? { host: asset.host } : {}), ...(asset.pool !== undefined ? { pool: asset.pool } : {}) });
}
