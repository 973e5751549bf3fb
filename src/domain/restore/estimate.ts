/**
 * How long a restore should take: measured, when the journal holds a
 * restore or drill of the workload (the newest from the same layer, else
 * from any layer); otherwise the point's size over a default throughput,
 * said to be an estimate; a snapshot rollback or clone takes seconds.
 */
import { formatDuration } from '../duration.js';
import { formatBytes, isoTime } from '../format.js';
import type { RestoreMethod, TimeEstimate } from './types.js';

/** A restore over 1 GbE from a PBS on spinning disks: an honest middle, not a promise. */
export const DEFAULT_THROUGHPUT_BYTES_PER_SEC = 100 * 2 ** 20;

/** What the journal measured for the workload. */
export interface MeasuredRestore {
  readonly seconds: number;
  /** When it was measured (epoch seconds). */
  readonly atSec: number;
  /** `drill` or `restore`. */
  readonly kind: string;
  readonly layerId: string;
}

/** Snapshot operations take seconds whatever the size (a rollback, a linked or thin clone). */
const SNAPSHOT_SECONDS = 10;

export function estimateRestore(o: {
  readonly method: RestoreMethod;
  readonly layerId: string;
  readonly sizeBytes?: number;
  /** Every measurement of the workload, any layer. */
  readonly measured: readonly MeasuredRestore[];
  readonly throughputBytesPerSec?: number;
}): TimeEstimate {
  if (o.method === 'rollback') return { seconds: SNAPSHOT_SECONDS, basis: 'snapshot', text: 'seconds (a snapshot rollback)' };
  const newest = (list: readonly MeasuredRestore[]) => list.reduce<MeasuredRestore | undefined>((a, m) => (a === undefined || m.atSec > a.atSec ? m : a), undefined);
  const measured = newest(o.measured.filter((m) => m.layerId === o.layerId)) ?? newest(o.measured);
  if (o.method === 'restore' && measured) {
    const from = measured.layerId === o.layerId ? '' : ` from ${measured.layerId}`;
    return { seconds: measured.seconds, basis: 'measured', text: `about ${formatDuration(measured.seconds)} (measured by the ${measured.kind} of ${isoTime(measured.atSec).slice(0, 10)}${from})` };
  }
  if (o.method === 'clone') {
    if (o.sizeBytes === undefined) return { seconds: null, basis: 'unknown', text: 'unknown (a full clone copies every disk; size not known)' };
  }
  if (o.sizeBytes === undefined || o.sizeBytes <= 0) return { seconds: null, basis: 'unknown', text: 'unknown: no measured restore and no size' };
  const rate = o.throughputBytesPerSec ?? DEFAULT_THROUGHPUT_BYTES_PER_SEC;
  const seconds = Math.max(1, Math.round(o.sizeBytes / rate));
  return { seconds, basis: 'size', text: `about ${formatDuration(seconds)} (estimate from ${formatBytes(o.sizeBytes)} at ${formatBytes(rate)}/s)` };
}

/**
 * Seconds left from a percent and the time it took: linear, and only where
 * the percent covers the whole job (a PBS percent restarts per disk: there
 * it covers the disks done and this one, weighed equally).
 */
export function etaSeconds(o: { readonly percent: number | null; readonly elapsedMs: number; readonly disk?: { readonly index: number; readonly count?: number } }): number | null {
  if (o.percent === null || o.percent <= 0 || o.elapsedMs <= 0) return null;
  let done = o.percent / 100;
  if (o.disk) {
    if (o.disk.count === undefined || o.disk.count < o.disk.index) return null;
    done = (o.disk.index - 1 + done) / o.disk.count;
  }
  if (done >= 1) return 0;
  return Math.round(((o.elapsedMs / 1000) * (1 - done)) / done);
}
