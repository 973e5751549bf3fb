/**
 * Restores and drills as evidence: the newest of each per workload, layer
 * and kind, with the measured restore time and whether its checks proved
 * the workload restorable. Kept up to date one journal entry at a time.
 */
import type { JournalEntry } from './entry.js';

export interface RestoreRunRecord {
  readonly assetId: string;
  /** The layer restored from. */
  readonly layerId: string;
  readonly kind: 'restore' | 'drill';
  /** When it ended, epoch seconds. */
  readonly atSec: number;
  readonly state: 'ok' | 'warn' | 'failed';
  /** Its checks all passed or were not run, and at least one passed. */
  readonly proven: boolean;
  readonly restoreSeconds?: number;
  readonly actionId: string;
  readonly summary: string;
}

export type NewestRestoreRuns = Map<string, RestoreRunRecord>;

export function foldRestoreRun(newest: NewestRestoreRuns, e: JournalEntry): void {
  if (e.type !== 'action-end' || e.state === 'cancelled') return;
  const kind = e.request.kind;
  if ((kind !== 'restore' && kind !== 'drill') || !e.request.assetId) return;
  const ms = Date.parse(e.at);
  if (Number.isNaN(ms)) return;
  const rec: RestoreRunRecord = {
    assetId: e.request.assetId,
    layerId: e.request.layerId,
    kind,
    atSec: ms / 1000,
    state: e.state,
    proven: e.verified === 'ok',
    ...(e.restoreSeconds !== undefined ? { restoreSeconds: e.restoreSeconds } : {}),
    actionId: e.actionId,
    summary: e.summary,
  };
  const k = `${rec.assetId}\u0000${rec.layerId}\u0000${kind}`;
  const prev = newest.get(k);
  if (!prev || rec.atSec >= prev.atSec) newest.set(k, rec);
}

export const restoreRunList = (newest: NewestRestoreRuns): RestoreRunRecord[] => [...newest.values()].sort((a, b) => b.atSec - a.atSec);
