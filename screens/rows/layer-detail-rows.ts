/**
 * The Layer screen's lists, from the layer's last observation (kept in the
 * store by each refresh), and its summary lines of jobs and verification,
 * where what the host reports meets what Strata ran (from the journal).
 */
import type { Column } from '../../components/table-types.js';
import { formatBytes } from '../../src/domain/format.js';
import type { LayerStatus } from '../../src/domain/status-report.js';
import type { JobRun, LayerObservation, RecoveryPoint } from '../../src/domain/types.js';
import { endedAtMs, isStrataJobType, type JournalEntryView, type LayerActivity } from '../../src/store/index.js';
import { isoFromMs, shortAge, shortTime } from './format.js';
import { resultWord } from './journal-rows.js';
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
    .sort((a, b) => b.timeSec - a.timeSec)
    .map((p, i) => ({
      key: `pt:${i}:${p.ref}`,
      cells: [shortTime(iso(p.timeSec)), p.assetId, verified(p), p.sizeBytes === undefined ? '' : formatBytes(p.sizeBytes), `${p.ref}${p.protected ? ' (protected)' : ''}${p.storageTier ? ` [${p.storageTier}]` : ''}`],
      isDim: p.partial ?? false,
      search: `${p.assetId} ${p.ref} ${verified(p)} ${p.storageTier ?? ''}`,
      open: { kind: 'workload', assetId: p.assetId },
      layerId: p.layerId,
      pointTimeSec: p.timeSec,
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
    .sort((a, b) => b.startedAtSec - a.startedAtSec)
    .map((j, i) => ({
      key: `job:${i}:${j.upid ?? j.startedAtSec}`,
      cells: [shortTime(iso(j.startedAtSec)), j.type, stateWord(j), j.assetId ?? '', j.status],
      search: `${j.type} ${j.state} ${j.status} ${j.assetId ?? ''}`,
    }));
}

/** `verify ok at 2026-02-01 23:55Z (5m ago)`: an action of the journal, when it ended. */
function strataWhen(e: JournalEntryView, nowMs: number): string {
  const end = endedAtMs(e);
  return `${shortTime(isoFromMs(end))} (${shortAge((nowMs - end) / 1000)} ago)`;
}

/**
 * The host's own last job and the last action Strata ran on the layer, newest
 * first. A Strata run the report carries as a job is the journal's, said once.
 */
export function lastJobText(layer: LayerStatus, activity: LayerActivity, nowMs: number): string {
  const job = layer.lastJob && !isStrataJobType(layer.lastJob.type) ? layer.lastJob : undefined;
  const a = activity.lastAction;
  const host = job ? { at: Date.parse(job.endedAt ?? job.startedAt), text: `${job.type} ${job.state === 'ok' ? 'ok' : job.state.toUpperCase()} "${job.status}" at ${shortTime(job.endedAt ?? job.startedAt)}` } : undefined;
  const strata = a ? { at: endedAtMs(a), text: `by Strata: ${a.kind} ${a.state === 'ok' ? 'ok' : a.state.toUpperCase()} at ${strataWhen(a, nowMs)}` } : undefined;
  if (!host && !strata) return 'none reported, none run by Strata';
  if (!host) return `${strata!.text}${a!.summary ? `: ${a!.summary}` : ''}`;
  if (!strata) return host.text;
  return strata.at >= host.at ? `${strata.text} · ${host.text}` : `${host.text} · ${strata.text}`;
}

/**
 * The layer's last verify: Strata's (when, result, and what it read, in its
 * summary's words) and the verify state the host reports on its points,
 * the newer first.
 */
export function verifiedText(layer: LayerStatus, activity: LayerActivity, nowMs: number): string {
  const v = layer.verification;
  const host = v ? { at: v.newestVerifiedAt ? Date.parse(v.newestVerifiedAt) : 0, text: `newest point: ${v.newestState === 'failed' ? 'FAILED' : v.newestState}${v.newestVerifiedAt ? ` at ${shortTime(v.newestVerifiedAt)}` : ''}` } : undefined;
  const e = activity.lastVerify;
  const strata = e ? { at: endedAtMs(e), text: `${resultWord(e)} at ${strataWhen(e, nowMs)} by Strata: ${e.summary}` } : undefined;
  if (!host && !strata) return 'never verified (v verifies the layer\'s copies)';
  if (!host) return strata!.text;
  if (!strata) return host.text;
  return strata.at >= host.at ? `${strata.text} · ${host.text}` : `${host.text} · ${strata.text}`;
}
