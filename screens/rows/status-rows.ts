/**
 * Rows of layers and workloads from the status report, and the freshness of
 * each reading: pure functions of the store's state and the clock, shared by
 * the Dashboard, Host and Workload screens and tested on reports built with `evaluate`.
 */
import type { Column } from '../../components/table-types.js';
import type { HostStatus, LayerStatus, StatusReport } from '../../src/domain/status-report.js';
import type { AppState } from '../../src/store/index.js';
import { firstReason, freshness, shortAge, type Freshness } from './format.js';
import type { ScreenRow } from './pane.js';

export type StatusView = Pick<AppState, 'report' | 'reportReadAtMs' | 'reportIsSaved' | 'observations' | 'inventory'>;

const refreshSeconds = (v: StatusView) => v.inventory?.refreshSeconds ?? 60;

/** Seconds since the newest point, as of now (the report's age plus the time since it was read). */
export function ageNow(v: StatusView, ageSeconds: number | null, nowMs: number): number | null {
  if (ageSeconds === null) return null;
  return ageSeconds + Math.max(0, (nowMs - (v.reportReadAtMs ?? nowMs)) / 1000);
}

export function layerFreshness(v: StatusView, layer: LayerStatus, nowMs: number): Freshness {
  const live = v.observations.layerReadAtMs[layer.id];
  if (live !== undefined && !v.reportIsSaved) return freshness(live, nowMs, refreshSeconds(v), false);
  return freshness(layer.readAt === null ? null : v.reportReadAtMs, nowMs, refreshSeconds(v), v.reportIsSaved);
}

export function hostFreshness(v: StatusView, host: HostStatus, nowMs: number): Freshness {
  const live = v.observations.hostReadAtMs[host.name];
  if (live !== undefined && !v.reportIsSaved) return freshness(live, nowMs, refreshSeconds(v), false);
  return freshness(v.reportReadAtMs, nowMs, refreshSeconds(v), v.reportIsSaved);
}

/** The report's freshness as a whole, for the title bar. */
export function reportFreshness(v: StatusView, nowMs: number): Freshness {
  return freshness(v.reportReadAtMs, nowMs, refreshSeconds(v), v.reportIsSaved);
}

/** Reasons start with their subject ("pve1-dump: newest…"); in the subject's own row that is noise. */
export const withoutPrefix = (reason: string, subject: string) => (reason.startsWith(`${subject}: `) ? reason.slice(subject.length + 2) : reason);

export const LAYER_COLUMNS: readonly Column[] = [
  { header: 'HEALTH', width: 9, isHealth: true },
  { header: 'HOST / LAYER', width: 18 },
  { header: 'KIND', width: 15, minTableWidth: 100 },
  { header: 'NEWEST/RPO', width: 11 },
  { header: 'READ', width: 9 },
  { header: 'REASON', width: 'grow' },
];

export function layerRow(v: StatusView, layer: LayerStatus, nowMs: number, indent = '  '): ScreenRow {
  const fresh = layerFreshness(v, layer, nowMs);
  const age = ageNow(v, layer.ageSeconds, nowMs);
  const rpo = layer.rpoSeconds === null ? '-' : shortAge(layer.rpoSeconds);
  return {
    key: `layer:${layer.id}`,
    cells: [layer.health, `${indent}${layer.id}`, layer.kind, `${age === null ? 'none' : shortAge(age)}/${rpo}`, fresh.text, withoutPrefix(firstReason(layer.reasons), layer.id)],
    health: layer.health,
    search: `${layer.id} ${layer.kind} ${layer.host} ${layer.health} ${layer.reasons.join(' ')}`,
    open: { kind: 'layer', layerId: layer.id },
    layerId: layer.id,
  };
}

export const WORKLOAD_COLUMNS: readonly Column[] = [
  { header: 'HEALTH', width: 9, isHealth: true },
  { header: 'WORKLOAD', width: 20 },
  { header: 'NAME', width: 12, minTableWidth: 100 },
  { header: 'TIER', width: 6, minTableWidth: 100 },
  { header: 'COPIES', width: 6 },
  { header: 'MEDIA', width: 5 },
  { header: 'OFFSITE', width: 7 },
  { header: 'REASON', width: 'grow' },
];

export function workloadRows(report: StatusReport | null): ScreenRow[] {
  if (!report) return [];
  return report.assets.map((a) => ({
    key: `asset:${a.id}`,
    cells: [
      a.health,
      a.id,
      a.name,
      a.tier ?? '-',
      `${a.copies}/${a.required.copies}`,
      `${a.media}/${a.required.media}`,
      `${a.offsite}/${a.required.offsite}`,
      withoutPrefix(firstReason(a.reasons), a.id),
    ],
    health: a.health,
    search: `${a.id} ${a.name} ${a.tier ?? ''} ${a.health} ${a.reasons.join(' ')}`,
    open: { kind: 'workload', assetId: a.id },
  }));
}
