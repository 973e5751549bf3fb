/** One workload across every layer: newest point per layer, direct or through a chain, and each hop's lag. */
import type { Column } from '../../components/table-types.js';
import type { AssetStatus } from '../../src/domain/status-report.js';
import { shortAge } from './format.js';
import type { ScreenRow } from './pane.js';

export const ACROSS_COLUMNS: readonly Column[] = [
  { header: 'LAYER', width: 14 },
  { header: 'NEWEST', width: 7 },
  { header: 'COPY', width: 11 },
  { header: 'MEDIA', width: 8, minTableWidth: 90 },
  { header: 'SITE', width: 8 },
  { header: 'VIA (HOP LAGS)', width: 'grow' },
];

function copyWord(fresh: boolean, counts: boolean): string {
  if (counts) return 'yes';
  return fresh ? 'no (same)' : 'no (STALE)';
}

export function acrossRows(asset: AssetStatus | undefined, nowMs: number): ScreenRow[] {
  if (!asset) return [];
  return asset.layers.map((l) => {
    const age = l.newestAt === null ? null : (nowMs - Date.parse(l.newestAt)) / 1000;
    const hops = l.via.length === 0 ? 'direct' : `${[...l.via, l.layerId].join(' → ')} (${l.hopLagSeconds.map((s) => shortAge(s)).join(', ')})`;
    return {
      key: `al:${l.layerId}`,
      cells: [l.layerId, l.newestAt === null ? 'none' : shortAge(age), l.newestAt === null ? 'no (none)' : copyWord(l.fresh, l.countsAsCopy), l.media ?? '-', l.offsite ? 'OFF-SITE' : 'on-site', hops],
      search: `${l.layerId} ${l.via.join(' ')} ${l.media ?? ''} ${l.offsite ? 'offsite' : ''}`,
      isDim: l.newestAt === null,
      open: { kind: 'layer', layerId: l.layerId },
      layerId: l.layerId,
      assetId: asset.id,
    };
  });
}
