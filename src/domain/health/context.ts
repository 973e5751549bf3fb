/**
 * What every health rule needs, indexed once per evaluation: observations by
 * host and layer, usable points per layer and asset (oldest first), and each
 * host's clock (points carry the host's time, so ages use it too).
 */
import type { Inventory, Layer } from '../inventory.js';
import type { HostObservation, LayerObservation, Reason, RecoveryPoint } from '../types.js';
import type { LastKnownAsset } from './last-known.js';

export interface EvaluationInput {
  readonly hosts: readonly HostObservation[];
  readonly layers: readonly LayerObservation[];
  readonly restoreEvidence?: readonly RestoreEvidenceItem[];
  /** The workloads of the previous reading: each stays listed while what could hold it cannot be read. */
  readonly lastKnown?: readonly LastKnownAsset[];
}

/**
 * What the journal proves about a workload: a verify, restore or drill that
 * proved it restorable, or (with `proven: false`) a restore or drill that ran
 * without proving it. `restoreSeconds` is a measured restore time.
 */
export interface RestoreEvidenceItem {
  readonly assetId: string;
  readonly layerId?: string;
  readonly atSec: number;
  /** `verify`, `restore`, `drill`. */
  readonly kind?: string;
  readonly restoreSeconds?: number;
  /** Default true. */
  readonly proven?: boolean;
}

export interface Readability {
  /** The layer was read and nothing went wrong. */
  readonly complete: boolean;
  /** Why it was not (host unreachable, not read, probe errors); null when complete. */
  readonly why: string | null;
}

export interface EvaluationContext {
  readonly inventory: Inventory;
  readonly nowSec: number;
  readonly layerById: ReadonlyMap<string, Layer>;
  readonly hostObs: ReadonlyMap<string, HostObservation>;
  readonly layerObs: ReadonlyMap<string, LayerObservation>;
  readonly lastKnown: ReadonlyMap<string, LastKnownAsset>;
  /** Usable points (finished, not failed verification) by layer, then asset; oldest first. */
  readonly points: ReadonlyMap<string, ReadonlyMap<string, readonly RecoveryPoint[]>>;
  /** The host's "now" in its own clock. */
  hostNowSec(host: string): number;
  readability(layerId: string): Readability;
  /** Points a layer holds that are dated after its host's now (beyond the clock skew allowed): not counted anywhere. */
  future(layerId: string): { readonly count: number; readonly newest: number } | undefined;
}

/** A point that can be restored: finished and not known to be corrupt. */
export const isUsable = (p: RecoveryPoint): boolean => !p.partial && p.verification?.state !== 'failed';

export function buildContext(inventory: Inventory, input: EvaluationInput, now: number): EvaluationContext {
  const layerById = new Map(inventory.layers.map((l) => [l.id, l]));
  const hostObs = new Map(input.hosts.map((h) => [h.name, h]));
  const layerObs = new Map(input.layers.map((o) => [o.layerId, o]));
  // Points are not always stamped by the host that lists them (a PBS snapshot carries the PVE
  // client's time, a restic snapshot its client's): a host clock behind must not make them younger.
  // Ages use the later of the two clocks, never the earlier.
  const hostNow = (host: string) => now + Math.max(0, hostObs.get(host)?.clockSkewSeconds ?? 0);
  const points = new Map<string, Map<string, RecoveryPoint[]>>();
  const future = new Map<string, { count: number; newest: number }>();
  for (const obs of input.layers) {
    const layer = layerById.get(obs.layerId);
    if (!layer) continue;
    // A point dated ahead of its host's clock was written by a clock that was wrong; counted as
    // fresh it would stay green until that date, long after backups stopped.
    const latest = hostNow(layer.host) + inventory.thresholds.clockSkewWarnSeconds;
    const byAsset = new Map<string, RecoveryPoint[]>();
    for (const p of obs.points) {
      if (!Number.isFinite(p.timeSec)) continue;
      if (p.timeSec > latest) {
        const f = future.get(obs.layerId) ?? { count: 0, newest: p.timeSec };
        future.set(obs.layerId, { count: f.count + 1, newest: Math.max(f.newest, p.timeSec) });
        continue;
      }
      if (!isUsable(p)) continue;
      let list = byAsset.get(p.assetId);
      if (list === undefined) byAsset.set(p.assetId, (list = []));
      list.push(p);
    }
    for (const list of byAsset.values()) list.sort((a, b) => a.timeSec - b.timeSec);
    points.set(obs.layerId, byAsset);
  }
  const readabilities = new Map<string, Readability>();
  return {
    inventory,
    nowSec: now,
    layerById,
    hostObs,
    layerObs,
    lastKnown: new Map((input.lastKnown ?? []).map((a) => [a.id, a])),
    points,
    hostNowSec: hostNow,
    future: (layerId) => future.get(layerId),
    readability(layerId) {
      let r = readabilities.get(layerId);
      if (r === undefined) {
        r = readabilityOf(layerById.get(layerId), layerObs.get(layerId), hostObs);
        readabilities.set(layerId, r);
      }
      return r;
    },
  };
}

function readabilityOf(layer: Layer | undefined, obs: LayerObservation | undefined, hosts: ReadonlyMap<string, HostObservation>): Readability {
  if (layer === undefined) return { complete: false, why: 'not in the inventory' };
  const host = hosts.get(layer.host);
  if (host !== undefined && !host.reachable) {
    // Transport errors already name the host ("host pbs1 is unreachable: ..."); say it once.
    const error = host.error ?? 'no reason given';
    return { complete: false, why: error.includes(layer.host) ? error : `host ${layer.host} unreachable: ${error}` };
  }
  if (obs === undefined) return { complete: false, why: 'not read' };
  if (obs.errors.length > 0) return { complete: false, why: obs.errors.map((e) => e.message).join('; ') };
  return { complete: true, why: null };
}

/** Index of the newest item with time < before in a list sorted oldest first, or -1. */
function lastIndexBefore(list: readonly { readonly timeSec: number }[], before: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.timeSec < before) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * Newest point finished before `before` (its completedAt, else its time) in a
 * list sorted oldest first by time: what a copy started at `before` can hold.
 */
export function newestFinishedBefore(list: readonly RecoveryPoint[] | undefined, before: number): RecoveryPoint | undefined {
  if (list === undefined) return undefined;
  // completedAt >= time: only points taken before `before` qualify; step back past those still running then.
  let i = lastIndexBefore(list, before);
  while (i >= 0 && (list[i]!.completedAtSec ?? list[i]!.timeSec) >= before) i--;
  return i < 0 ? undefined : list[i];
}

const RANK: Record<Reason['health'], number> = { crit: 0, unknown: 1, warn: 2 };

/** Messages worst first, each once. */
export function reasonMessages(reasons: readonly Reason[]): string[] {
  return [...new Set([...reasons].sort((a, b) => RANK[a.health] - RANK[b.health]).map((r) => r.message))];
}
