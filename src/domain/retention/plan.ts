/**
 * Which recovery points a prune keeps, computed exactly as the tools do
 * (reference/cli-formats.md §3.4), so Strata can show a plan before anything
 * is removed and the lab can prune like a real host.
 *
 * - PBS (pbs-datastore prune.rs `compute_prune_info`) and PVE (pve-storage
 *   `prune_mark_backup_group`): rules in fixed order; a rule skips points an
 *   earlier rule kept and periods that already hold such a point, and those
 *   periods do not use up its count; protected points are always kept and
 *   never count; no positive option keeps everything. PBS first keeps the
 *   newest unfinished point if nothing finished is newer (keep-partial) and
 *   removes the other unfinished ones; PVE has keep-all.
 * - restic (internal/restic/snapshot_policy.go `ApplyPolicy`): every rule
 *   counts on its own over all snapshots; keep-within* are relative to the
 *   newest snapshot that is not in the future (relative to `now`; checked
 *   against restic 0.14 itself). 0.16 added -1 (every period) and keeping the
 *   oldest snapshot while a counted rule has count left. `protected` points are kept
 *   like `--keep-tag` matches: kept, but still seen by the counting rules.
 */
import { civilDay, isoWeekKey, zoneCalendar, type ZoneCalendar } from '../zone-calendar.js';
import {
  COUNT_OPTIONS,
  isZeroDuration,
  WITHIN_OPTIONS,
  type CountKey,
  type KeepOptions,
  type RetentionSemantics,
} from './keep-options.js';

export interface RetentionPoint {
  /** Epoch seconds. */
  readonly timeSec: number;
  readonly protected?: boolean;
  /** PBS: the snapshot has no manifest yet (still being written or aborted). */
  readonly partial?: boolean;
}

export interface RetentionDecision {
  readonly timeSec: number;
  readonly action: 'keep' | 'remove';
  /** The rule that kept the point (`keep-daily`, `protected`, `keep-all`, `keep-partial`, ...), null when removed. */
  readonly reason: string | null;
}

export interface RetentionOptions {
  readonly semantics: RetentionSemantics;
  /** The server's zone: an IANA name or a UTC offset. Periods (days, ISO weeks, ...) are its wall clock. */
  readonly timeZone: string;
  /** restic: snapshots after this instant are not "the newest" for keep-within (default: no such limit). */
  readonly nowSec?: number;
}

type PeriodKey = (i: number) => number;

/**
 * The decision for every point, newest first (ties keep their input order).
 * Throws RangeError on a time zone that is not one or a non-finite time:
 * callers validate those (see zoneCalendar, checkKeepOptions).
 */
export function planRetention(
  points: readonly RetentionPoint[],
  keep: KeepOptions,
  opts: RetentionOptions,
): RetentionDecision[] {
  const cal = zoneCalendar(opts.timeZone);
  if (!cal.ok) throw new RangeError(cal.error.message);
  for (const p of points) if (!Number.isFinite(p.timeSec)) throw new RangeError(`not a time: ${p.timeSec}`);
  const order = points.map((_, i) => i).sort((a, b) => points[b]!.timeSec - points[a]!.timeSec || a - b);
  const sorted = order.map((i) => points[i]!);
  const reasons =
    opts.semantics === 'restic' || opts.semantics === 'restic-0.14'
      ? planRestic(sorted, keep, cal.value, opts.semantics === 'restic', opts.nowSec)
      : planProxmox(sorted, keep, cal.value, opts.semantics === 'pbs');
  return sorted.map((p, i) => ({ timeSec: p.timeSec, action: reasons[i] === null ? 'remove' : 'keep', reason: reasons[i]! }));
}

/** Period keys per rule, over points sorted newest first; each point's wall clock computed once. */
function periodKeys(sorted: readonly RetentionPoint[], cal: ZoneCalendar): Record<CountKey, PeriodKey> {
  let local: Float64Array | undefined;
  const localOf = (i: number): number => {
    if (local === undefined) {
      local = new Float64Array(sorted.length);
      for (let j = 0; j < sorted.length; j++) local[j] = cal.localSeconds(sorted[j]!.timeSec);
    }
    return local[i]!;
  };
  const dayOf = (i: number) => Math.floor(localOf(i) / 86_400);
  return {
    last: (i) => sorted[i]!.timeSec,
    hourly: (i) => {
      const l = localOf(i);
      const days = Math.floor(l / 86_400);
      return civilDay(days) * 100 + Math.floor((l - days * 86_400) / 3600);
    },
    daily: (i) => civilDay(dayOf(i)),
    weekly: (i) => isoWeekKey(dayOf(i)),
    monthly: (i) => Math.floor(civilDay(dayOf(i)) / 100),
    yearly: (i) => Math.floor(civilDay(dayOf(i)) / 10_000),
  };
}

type Mark = 'keep' | 'remove' | 'protected' | 'keep-partial';

function planProxmox(sorted: readonly RetentionPoint[], keep: KeepOptions, cal: ZoneCalendar, isPbs: boolean): (string | null)[] {
  const n = sorted.length;
  const keepAll = keep.all === true || !COUNT_OPTIONS.some(([, key]) => (keep[key] ?? 0) > 0);
  if (keepAll) return sorted.map((p) => (p.protected ? 'protected' : 'keep-all'));

  const marks = new Array<Mark | undefined>(n);
  const reasons = new Array<string | null>(n).fill(null);
  if (isPbs) {
    let keepUnfinished = true;
    for (let i = 0; i < n; i++) {
      if (!sorted[i]!.partial) keepUnfinished = false;
      else {
        marks[i] = keepUnfinished ? 'keep-partial' : 'remove';
        keepUnfinished = false;
      }
    }
  }
  for (let i = 0; i < n; i++) if (sorted[i]!.protected && marks[i] === undefined) marks[i] = 'protected';

  const keys = periodKeys(sorted, cal);
  for (const [name, key] of COUNT_OPTIONS) {
    const count = keep[key] ?? 0;
    if (count <= 0) continue;
    const keyOf = keys[key];
    const alreadyIncluded = new Set<number>();
    for (let i = 0; i < n; i++) if (marks[i] === 'keep') alreadyIncluded.add(keyOf(i));
    const newlyIncluded = new Set<number>();
    for (let i = 0; i < n; i++) {
      if (marks[i] !== undefined) continue;
      const id = keyOf(i);
      if (alreadyIncluded.has(id)) continue;
      if (!newlyIncluded.has(id)) {
        if (newlyIncluded.size >= count) break;
        newlyIncluded.add(id);
        marks[i] = 'keep';
        reasons[i] = name;
      } else {
        marks[i] = 'remove';
      }
    }
  }
  return sorted.map((p, i) => {
    if (p.protected) return 'protected';
    if (marks[i] === 'keep') return reasons[i]!;
    if (marks[i] === 'keep-partial') return 'keep-partial';
    return null;
  });
}

/** Go's zero time.Time: the "newest" restic uses when every snapshot lies in the future. */
const NO_LATEST = Number.NEGATIVE_INFINITY;

function planRestic(
  sorted: readonly RetentionPoint[],
  keep: KeepOptions,
  cal: ZoneCalendar,
  isV016: boolean,
  now: number | undefined,
): (string | null)[] {
  const n = sorted.length;
  const empty =
    COUNT_OPTIONS.every(([, key]) => (keep[key] ?? 0) === 0) && WITHIN_OPTIONS.every(([, key]) => isZeroDuration(keep[key]));
  if (empty) return sorted.map(() => 'keep-all');
  if (n === 0) return [];

  let latest = NO_LATEST;
  for (const p of sorted) {
    if (p.timeSec > latest && (now === undefined || p.timeSec < now)) latest = p.timeSec;
  }
  const threshold = (d: { years: number; months: number; days: number; hours: number }): number =>
    latest === NO_LATEST ? NO_LATEST : cal.addDate(latest, -d.years, -d.months, -d.days) - d.hours * 3600;

  const keys = periodKeys(sorted, cal);
  const buckets = COUNT_OPTIONS.map(([name, key]) => ({
    name,
    count: keep[key] ?? 0,
    keyOf: key === 'last' ? (i: number) => i : keys[key],
    last: undefined as number | undefined,
  }));
  const within = keep.within && !isZeroDuration(keep.within) ? threshold(keep.within) : undefined;
  const withinBuckets = WITHIN_OPTIONS.slice(1).flatMap(([name, key], idx) => {
    const d = keep[key];
    if (d === undefined || isZeroDuration(d)) return [];
    const periodKey = keys[COUNT_OPTIONS[idx + 1]![1]];
    return [{ name, threshold: threshold(d), keyOf: periodKey, last: undefined as number | undefined }];
  });

  const reasons = new Array<string | null>(n).fill(null);
  for (let nr = 0; nr < n; nr++) {
    const cur = sorted[nr]!;
    let reason: string | null = null;
    if (cur.protected) reason = 'protected';
    if (within !== undefined && cur.timeSec > within) reason ??= 'keep-within';
    for (const b of buckets) {
      if (!(b.count > 0 || (isV016 && b.count === -1))) continue;
      const val = b.keyOf(nr);
      if (val !== b.last || (isV016 && nr === n - 1)) {
        b.last = val;
        if (b.count > 0) b.count--;
        reason ??= b.name;
      }
    }
    for (const b of withinBuckets) {
      if (!(cur.timeSec > b.threshold)) continue;
      const val = b.keyOf(nr);
      if (val !== b.last) {
        b.last = val;
        reason ??= b.name;
      }
    }
    reasons[nr] = reason;
  }
  return reasons;
}
