/**
 * The calendar of the generated history: when scheduled jobs ran over the
 * last ninety days, and which of their recovery points survive the prunes
 * that ran after them, replayed prune by prune with the retention engine as
 * the real schedule would have.
 */
import { DAY, localParts, localToEpoch, startOfLocalDay } from '../state/clock.js';
import { planPrune, type KeepOptions, type RetentionSemantics } from '../state/retention.js';

/** Epochs at the given local times of every day in [from, to). */
export function timesOfDay(timeZone: string, from: number, to: number, times: readonly (readonly [number, number])[], second = 0): number[] {
  const out: number[] = [];
  for (let day = startOfLocalDay(from, timeZone) - DAY; day < to + DAY; day += DAY) {
    const p = localParts(day + 43_200, timeZone);
    for (const [h, m] of times) {
      const t = localToEpoch(timeZone, p.year, p.month, p.day, h, m, second);
      if (t >= from && t < to) out.push(t);
    }
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** Every `hours`-th hour at minute `minute` (local), in [from, to). */
export function everyHours(timeZone: string, from: number, to: number, step: number, minute: number, offsetHour = 0, second = 0): number[] {
  const hours: [number, number][] = [];
  for (let h = offsetHour; h < 24; h += step) hours.push([h, minute]);
  return timesOfDay(timeZone, from, to, hours, second);
}

/** Local weekday (0 = Sunday) of an epoch. */
export function weekday(epoch: number, timeZone: string): number {
  return localParts(epoch, timeZone).weekday;
}

export interface PruneReplay {
  /** When each point was created, oldest first. */
  readonly times: readonly number[];
  /**
   * When prunes ran. Default: right after each point was created (vzdump's
   * prune-backups, restic forget after backup).
   */
  readonly pruneAt?: readonly number[];
  /** When each point arrived (a sync copies later than the backup time); default its time. */
  readonly arrivedAt?: readonly number[];
  readonly keep: KeepOptions;
  readonly semantics: RetentionSemantics;
  readonly timeZone: string;
}

const memo = new Map<string, boolean[]>();

/** Which points are still there at the end (mask over `times`). */
export function survivors(r: PruneReplay): boolean[] {
  const key = `${r.semantics}|${r.timeZone}|${JSON.stringify(r.keep)}|${r.times.join(',')}|${r.pruneAt?.join(',') ?? ''}|${r.arrivedAt?.join(',') ?? ''}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const arrived = r.arrivedAt ?? r.times;
  type Ev = { t: number; add?: number; prune?: boolean };
  const events: Ev[] = r.times.map((_, i) => ({ t: arrived[i]!, add: i }));
  if (r.pruneAt) for (const t of r.pruneAt) events.push({ t, prune: true });
  // Additions sort before a prune at the same instant: the prune sees them.
  events.sort((a, b) => a.t - b.t || (a.prune ? 1 : 0) - (b.prune ? 1 : 0));
  let alive: { i: number; time: number }[] = [];
  for (const ev of events) {
    if (ev.add !== undefined) {
      alive.push({ i: ev.add, time: r.times[ev.add]! });
      if (r.pruneAt) continue;
    }
    alive = planPrune(alive, r.keep, r.semantics, r.timeZone, ev.t).keep;
  }
  const mask = r.times.map(() => false);
  for (const a of alive) mask[a.i] = true;
  if (memo.size > 500) memo.clear();
  memo.set(key, mask);
  return mask;
}
