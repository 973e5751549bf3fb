/**
 * The order sources are offered in, best first, as one comparison that
 * reads top to bottom:
 * 1. sources Strata can plan now before those needing a step it does not plan;
 * 2. the point: newest first (the newest at or before the wanted time), points
 *    within an hour of each other counting as equally fresh;
 * 3. where it is: the same host, then the LAN, then off-site;
 * 4. proven restorable by a restore or drill before those never proven;
 * 5. the shorter estimated time (unknown last);
 * 6. fewer steps; then the layer id, so the order is stable.
 */
import type { RestoreSource, SourceCandidate, SourceLocation, WantedPoint } from './types.js';

/** Points this close are equally fresh for the ranking: which copy restores best matters more. */
export const SAME_FRESHNESS_SECONDS = 3600;

const PLACE: Readonly<Record<SourceLocation, number>> = { 'same-host': 0, lan: 1, 'off-site': 2 };

/** The newest point of each candidate at or before the wanted time; later ones are not candidates. */
export function wantedAt(wanted: WantedPoint): number {
  return wanted.kind === 'latest' ? Number.POSITIVE_INFINITY : wanted.timeSec;
}

export function rankSources(candidates: readonly SourceCandidate[], wanted: WantedPoint = { kind: 'latest' }): RestoreSource[] {
  const limit = wantedAt(wanted);
  const usable = candidates.filter((c) => c.point.timeSec <= limit);
  const newest = Math.max(...usable.map((c) => c.point.timeSec));
  const freshness = (c: SourceCandidate) => Math.floor((newest - c.point.timeSec) / SAME_FRESHNESS_SECONDS);
  const sorted = [...usable].sort(
    (a, b) =>
      Number(b.plannable) - Number(a.plannable) ||
      freshness(a) - freshness(b) ||
      PLACE[a.location] - PLACE[b.location] ||
      Number(b.provenAtSec !== null) - Number(a.provenAtSec !== null) ||
      (a.estimate.seconds ?? Number.POSITIVE_INFINITY) - (b.estimate.seconds ?? Number.POSITIVE_INFINITY) ||
      a.steps.length - b.steps.length ||
      (a.layerId < b.layerId ? -1 : a.layerId > b.layerId ? 1 : 0),
  );
  return sorted.map((c, i) => ({ ...c, rank: i + 1 }));
}

/** The newest point at or before the wanted time, of one layer's points. */
export function pointFor<P extends { readonly timeSec: number }>(points: readonly P[], wanted: WantedPoint): P | undefined {
  const limit = wantedAt(wanted);
  let best: P | undefined;
  for (const p of points) if (p.timeSec <= limit && (best === undefined || p.timeSec > best.timeSec)) best = p;
  return best;
}

/** Where a layer's copies are, from the restore target's node: its own host, the LAN, or off-site. */
export function locationOf(layer: { readonly host: string; readonly offsite?: boolean }, targetHost: string | undefined): SourceLocation {
  if (layer.offsite) return 'off-site';
  return targetHost !== undefined && layer.host === targetHost ? 'same-host' : 'lan';
}
