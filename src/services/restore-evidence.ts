/**
 * "Last proven restorable" per workload from the journal's verifies: a verify
 * of one workload counts for it; a verify of a whole layer counts for every
 * workload with a point on that layer at the time.
 */
import type { RestoreEvidenceItem } from '../domain/health/context.js';
import type { LayerObservation } from '../domain/types.js';
import type { RestoreRunRecord } from './journal/restore-runs.js';
import type { VerificationRecord } from './journal/verifications.js';

export type RestoreEvidence = RestoreEvidenceItem;

/**
 * Restores and drills count with their measured time; one whose checks
 * proved nothing still says when the workload was last drilled.
 */
export function restoreEvidence(records: readonly VerificationRecord[], layers: Readonly<Record<string, LayerObservation>>, restores: readonly RestoreRunRecord[] = []): RestoreEvidence[] {
  const out: RestoreEvidence[] = restores.map((r) => ({
    assetId: r.assetId,
    layerId: r.layerId,
    atSec: r.atSec,
    kind: r.kind,
    proven: r.proven,
    ...(r.restoreSeconds !== undefined ? { restoreSeconds: r.restoreSeconds } : {}),
  }));
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
