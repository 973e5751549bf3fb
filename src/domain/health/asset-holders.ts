/**
 * Which layers could hold a point of a workload, read or not: what tells
 * "no copy" from "cannot tell". A layer holds a workload by its kind and
 * configuration (a vzdump storage the guests of its node, a restic repository
 * the paths of its host, a ZFS snapshot layer its datasets), through a copy
 * chain (`copyOf`), or because it held one at the last reading. A hold is a
 * `copy`, or only a `rollback` point on the live data's own storage, which
 * can never count as a copy.
 */
import { filesAssetId, normaliseFilesPath, parseAssetId } from '../asset-id.js';
import type { Layer } from '../inventory.js';
import type { EvaluationContext } from './context.js';

export type Hold = 'copy' | 'rollback';

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

const SNAPSHOT_KINDS: ReadonlySet<Layer['kind']> = new Set(['pve-snapshots', 'zfs-snapshots']);

function holdWithin(ctx: EvaluationContext, layer: Layer, asset: HeldAsset, seen: Set<string>): Hold | null {
  const direct = directHold(layer, asset);
  if (direct !== null) return direct;
  if (asset.seenOn.includes(layer.id)) return SNAPSHOT_KINDS.has(layer.kind) ? 'rollback' : 'copy';
  // A copy of a layer that may hold it may hold it too, somewhere else: a copy, whatever the source held.
  for (const source of layer.copyOf ?? []) {
    const s = ctx.layerById.get(source);
    if (s === undefined || seen.has(source)) continue;
    seen.add(source);
    if (holdWithin(ctx, s, asset, seen) !== null) return 'copy';
  }
  return null;
}

const under = (dataset: string, parent: string) => dataset === parent || dataset.startsWith(`${parent}/`);
const poolOf = (dataset: string) => dataset.split('/')[0]!;

function directHold(layer: Layer, asset: HeldAsset): Hold | null {
  // The rclone reader names its workload after the source, or the remote itself (not always a path).
  if (layer.kind === 'rclone') return asset.id === filesAssetId(layer.host, layer.source ?? layer.remote) ? 'copy' : null;
  const p = parseAssetId(asset.id);
  if (p === null) return null;
  const guest = p.kind === 'vm' || p.kind === 'ct';
  const onThisHost = asset.host === undefined || asset.host === layer.host;
  switch (layer.kind) {
    case 'pve-snapshots':
      return guest && onThisHost ? 'rollback' : null;
    case 'zfs-snapshots':
      return p.kind === 'dataset' && layer.datasets.some((d) => under(p.dataset, d)) ? 'rollback' : null;
    case 'vzdump':
      return guest && onThisHost ? 'copy' : null;
    case 'pbs':
      return guest || p.kind === 'host' ? 'copy' : null;
    case 'zfs-replication': {
      if (p.kind !== 'dataset' || !under(p.dataset, layer.source.dataset)) return null;
      // A replica on another dataset of the same pool of the same host dies with that pool.
      const samePool = (layer.source.host ?? layer.host) === layer.host && poolOf(layer.target.dataset) === (asset.pool ?? p.pool);
      return samePool ? 'rollback' : 'copy';
    }
    case 'restic':
      // Its own host's paths, and a configured path backed up by another client of a shared repository.
      return p.kind === 'files' && (p.host === layer.host || (layer.paths ?? []).some((x) => normaliseFilesPath(x) === p.path)) ? 'copy' : null;
    case 'config-backup':
      return p.kind === 'host' && p.host === layer.host ? 'copy' : null;
  }
}
