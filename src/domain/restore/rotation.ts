/**
 * Which guest of a tier a rotating drill takes next: the one whose last
 * drill is oldest, a guest never drilled first, ties in the tier's own
 * order. Every guest is drilled once before any is drilled twice.
 */

export interface RotationState {
  /** Epoch seconds of each guest's last drill in the rotation. */
  readonly lastDrilledAtSec: Readonly<Record<string, number>>;
}

export const EMPTY_ROTATION: RotationState = { lastDrilledAtSec: {} };

export function nextInRotation(guests: readonly string[], state: RotationState): string | undefined {
  let best: string | undefined;
  let bestAt = Number.POSITIVE_INFINITY;
  for (const g of guests) {
    const at = state.lastDrilledAtSec[g] ?? Number.NEGATIVE_INFINITY;
    if (best === undefined || at < bestAt) {
      best = g;
      bestAt = at;
    }
  }
  return best;
}

export function afterDrill(state: RotationState, assetId: string, atSec: number): RotationState {
  return { lastDrilledAtSec: { ...state.lastDrilledAtSec, [assetId]: atSec } };
}

/** Guests of a tier a drill can restore (vm/N, ct/N), in the tier's order. */
export function drillableGuests(assets: readonly string[]): string[] {
  return assets.filter((a) => /^(vm|ct)\/[1-9]\d{2,8}$/.test(a));
}
