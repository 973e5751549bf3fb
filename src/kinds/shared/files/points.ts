/** A layer's whole points of one workload, as the file sources read them. */
import type { LayerObservation, RecoveryPoint } from '../../../domain/types.js';

export const ownPoints = (obs: LayerObservation | undefined, asset: (assetId: string) => boolean): RecoveryPoint[] => (obs?.points ?? []).filter((p) => !p.partial && asset(p.assetId));

/** `tank/data@daily-1` -> `daily-1`. */
export const snapshotName = (ref: string) => ref.slice(ref.indexOf('@') + 1);
