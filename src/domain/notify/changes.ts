/**
 * What to tell, from what was told before and the problems now: a new
 * problem, or one whose health changed (worse or better but not yet OK), is
 * told at once; one that stays the same is told again only after the reminder
 * interval; one that is gone is told as a recovery, unless it is only folded
 * into another problem now (its host went down: the host's message counts it).
 * Health changes only, never every run. Pure.
 */
import type { StatusReport } from '../status-report.js';
import type { Health } from '../types.js';
import { coveredKeys, healthOfKey, type RootCause } from './root-causes.js';

/** What was last told about one problem (kept in the state directory between runs). */
export interface ToldProblem {
  readonly health: Health;
  readonly what: string;
  /** Epoch seconds: since when it has been a problem. */
  readonly sinceSec: number;
  /** Epoch seconds: when it was last told. */
  readonly toldSec: number;
}

export type ProblemEventKind = 'problem' | 'reminder' | 'recovery';

export interface ProblemEvent {
  readonly kind: ProblemEventKind;
  readonly key: string;
  readonly what: string;
  /** Now: `ok` for a recovery (or `null` when the report no longer lists it at all). */
  readonly health: Health | null;
  /** What was told before, if anything. */
  readonly previous?: Health;
  readonly sinceSec: number;
  /** The problem as it is now; absent for a recovery. */
  readonly cause?: RootCause;
}

export interface Changes {
  readonly events: ProblemEvent[];
  /** What is told after these events: the state to keep. */
  readonly told: Record<string, ToldProblem>;
}

export function problemChanges(
  told: Readonly<Record<string, ToldProblem>>,
  causes: readonly RootCause[],
  report: StatusReport,
  nowSec: number,
  remindEverySeconds: number,
): Changes {
  const events: ProblemEvent[] = [];
  const next: Record<string, ToldProblem> = {};
  for (const c of causes) {
    const before = Object.hasOwn(told, c.key) ? told[c.key] : undefined;
    if (!before || before.health !== c.health) {
      const sinceSec = before?.sinceSec ?? nowSec;
      events.push({ kind: 'problem', key: c.key, what: c.what, health: c.health, ...(before ? { previous: before.health } : {}), sinceSec, cause: c });
      next[c.key] = { health: c.health, what: c.what, sinceSec, toldSec: nowSec };
    } else if (nowSec - before.toldSec >= remindEverySeconds) {
      events.push({ kind: 'reminder', key: c.key, what: c.what, health: c.health, previous: before.health, sinceSec: before.sinceSec, cause: c });
      next[c.key] = { ...before, what: c.what, toldSec: nowSec };
    } else next[c.key] = { ...before, what: c.what };
  }
  const covered = coveredKeys(causes);
  for (const [key, before] of Object.entries(told)) {
    if (Object.hasOwn(next, key) || covered.has(key)) continue;
    const now = healthOfKey(report, key);
    events.push({ kind: 'recovery', key, what: before.what, health: now ?? null, previous: before.health, sinceSec: before.sinceSec });
  }
  return { events, told: next };
}
