/**
 * Workloads as the previous reading knew them. A workload never vanishes
 * because the host that reports it is down: the next reading lists it again
 * (UNKNOWN while the layers that could hold it cannot be read), until every
 * such layer answers and none has it any more.
 */
import type { StatusReport } from '../status-report.js';
import type { AssetKind } from '../types.js';

export interface LastKnownAsset {
  readonly id: string;
  readonly kind?: AssetKind | null;
  readonly name?: string;
  /** The host (inventory name) where the live data is. */
  readonly host?: string | null;
  /** Layers that held a point of it (directly or through a copy chain) when last read. */
  readonly seenOn?: readonly string[];
}

/** The workloads of a report, as the next evaluation's last-known ones. */
export function lastKnownAssets(report: Pick<StatusReport, 'assets'> | null | undefined): LastKnownAsset[] {
  if (!report || !Array.isArray(report.assets)) return [];
  return report.assets.flatMap((a) => {
    if (typeof a?.id !== 'string') return [];
    // A report saved by an older Strata has no seenOn: the layers it found points on stand in.
    const seenOn = Array.isArray(a.seenOn) ? a.seenOn : Object.keys(a.newest ?? {});
    return [
      {
        id: a.id,
        ...(a.kind ? { kind: a.kind } : {}),
        ...(typeof a.name === 'string' ? { name: a.name } : {}),
        ...(typeof a.host === 'string' ? { host: a.host } : {}),
        seenOn: seenOn.filter((l): l is string => typeof l === 'string'),
      },
    ];
  });
}
