/** The Layer screen's lists, from the layer's last observation (kept in the store by each refresh). */
import type { Column } from '../../components/table-types.js';
import { formatBytes } from '../../src/domain/format.js';
import type { JobRun, LayerObservation, RecoveryPoint } from '../../src/domain/types.js';
import { isoFromMs, shortTime } from './format.js';
import type { ScreenRow } from './pane.js';

const iso = (epochSeconds: number) => isoFromMs(epochSeconds * 1000);

export const POINT_COLUMNS: readonly Column[] = [
  { header: 'TAKEN', width: 17 },
  { header: 'WORKLOAD', width: 14 },
  { header: 'VERIFIED', width: 9 },
  { header: 'SIZE', width: 9, align: 'right', minTableWidth: 90 },
  { header: 'REF', width: 'grow' },
];

function verified(p: RecoveryPoint): string {
  if (p.partial) return 'PARTIAL';
  switch (p.verification?.state) {
    case 'ok':
      return 'ok';
    case 'failed':
      return 'FAILED';
    default:
      return p.verification ? 'never' : '-';
  }
}

/** Newest first. */
export function pointRows(obs: LayerObservation | undefined): ScreenRow[] {
  if (!obs) return [];
  return [...obs.points]
    .sort((a, b) => b.time - a.time)
    .map((p, i) => ({
      key: `pt:${i}:${p.ref}`,
      cells: [shortTime(iso(p.time)), p.assetId, verified(p), p.sizeBytes === undefined ? '' : formatBytes(p.sizeBytes), `${p.ref}${p.protected ? ' (protected)' : ''}${p.storageTier ? ` [${p.storageTier}]` : ''}`],
      isDim: p.partial ?? false,
      search: `${p.assetId} ${p.ref} ${verified(p)} ${p.storageTier ?? ''}`,
      open: { kind: 'workload', assetId: p.assetId },
      layerId: p.layerId,
    }));
}

export const JOB_COLUMNS: readonly Column[] = [
  { header: 'STARTED', width: 17 },
  { header: 'TYPE', width: 16 },
  { header: 'STATE', width: 8 },
  { header: 'WORKLOAD', width: 10, minTableWidth: 90 },
  { header: 'STATUS', width: 'grow' },
];

const stateWord = (j: JobRun) => (j.state === 'ok' ? 'ok' : j.state.toUpperCase());

export function jobRows(obs: LayerObservation | undefined): ScreenRow[] {
  if (!obs) return [];
  return [...obs.jobs]
    .sort((a, b) => b.startedAt - a.startedAt)
    .map((j, i) => ({
      key: `job:${i}:${j.upid ?? j.startedAt}`,
      cells: [shortTime(iso(j.startedAt)), j.type, stateWord(j), j.assetId ?? '', j.status],
      search: `${j.type} ${j.state} ${j.status} ${j.assetId ?? ''}`,
    }));
}
