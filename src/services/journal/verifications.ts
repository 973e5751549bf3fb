/**
 * "Last proven" evidence from the journal: the newest action that ended with
 * `verified: "ok"`, per layer and asset. A verify of a whole layer (a PBS
 * datastore, a restic repository) has no asset and vouches for all of it;
 * restore drills will land here through the same field.
 */
import type { ActionEndEntry, JournalEntry } from './entry.js';

export interface VerificationRecord {
  readonly layerId: string;
  /** Null: the verify covered the whole layer. */
  readonly assetId: string | null;
  /** When the copies were proven sound, epoch seconds: the verify's end, or the time its evidence dates from. */
  readonly atSec: number;
  /** The request kind that proved it (`verify`, later restore drills). */
  readonly kind: string;
  readonly actionId: string;
  readonly summary: string;
}

const key = (layerId: string, assetId: string | null) => `${layerId}\u0000${assetId ?? ''}`;

/** The newest successful verify per (layer, asset), newest first. */
export function newestVerifications(entries: Iterable<JournalEntry>): VerificationRecord[] {
  const newest: NewestVerifications = new Map();
  for (const e of entries) foldVerification(newest, e);
  return verificationList(newest);
}

/** Newest successful verify per (layer, asset), kept up to date one entry at a time. */
export type NewestVerifications = Map<string, VerificationRecord>;

export function foldVerification(newest: NewestVerifications, e: JournalEntry): void {
  if (e.type !== 'action-end' || e.verified !== 'ok' || e.state !== 'ok') return;
  const rec = toRecord(e);
  if (rec === undefined) return;
  const k = key(rec.layerId, rec.assetId);
  const prev = newest.get(k);
  if (!prev || rec.atSec > prev.atSec) newest.set(k, rec);
}

export const verificationList = (newest: NewestVerifications): VerificationRecord[] => [...newest.values()].sort((a, b) => b.atSec - a.atSec);

/** The newest proof for one asset of a layer: its own, or a verify of the whole layer. */
export function lastVerified(records: readonly VerificationRecord[], layerId: string, assetId?: string): VerificationRecord | undefined {
  let best: VerificationRecord | undefined;
  for (const r of records) {
    if (r.layerId !== layerId) continue;
    if (r.assetId !== null && r.assetId !== assetId) continue;
    if (!best || r.atSec > best.atSec) best = r;
  }
  return best;
}

function toRecord(e: ActionEndEntry): VerificationRecord | undefined {
  const ms = Date.parse(e.provenAt ?? e.at);
  if (Number.isNaN(ms)) return undefined;
  return {
    layerId: e.request.layerId,
    assetId: e.request.assetId ?? null,
    atSec: ms / 1000,
    kind: e.request.kind,
    actionId: e.actionId,
    summary: e.summary,
  };
}
