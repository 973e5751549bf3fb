/**
 * "Last proven restorable" per workload from the journal's verifies: a verify
 * of one workload counts for it; a verify of a whole layer counts for every
 * workload with a point on that layer at the time.
 */
import type { LayerObservation } from '../domain/types.js';
import type { VerificationRecord } from './journal/verifications.js';

export interface RestoreEvidence {
  readonly assetId: string;
  readonly layerId?: string;
  readonly atSec: number;
}

export function restoreEvidence(records: readonly VerificationRecord[], layers: Readonly<Record<string, LayerObservation>>): RestoreEvidence[] {
  const out: RestoreEvidence[] = [];
  for (const r of records) {
    if (r.assetId !== null) {
      out.push({ assetId: r.assetId, layerId: r.layerId, atSec: r.atSec });
      continue;
    }
    const assets = new Set((layers[r.layerId]?.points ?? []).filter((p) => p.timeSec <= r.atSec && !p.partial).map((p) => p.assetId));
    for (const assetId of assets) out.push({ assetId, layerId: r.layerId, atSec: r.atSec });
  }
  return out;
}
