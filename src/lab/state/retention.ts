/**
 * Prunes as the real tools do, through the domain's retention engine: every
 * simulated prune (vzdump's prune-backups, PBS prune, restic forget, the
 * history) asks `planRetention` which points go.
 */
import {
  parseKeepOptions,
  planRetention,
  type KeepOptions,
  type RetentionSemantics,
} from '../../domain/retention/index.js';

export type { KeepOptions, RetentionSemantics };

/** `keep-daily=7,keep-weekly=4` or `{ 'keep-daily': '7' }` to KeepOptions; throws on a bad option. */
export function keepOptions(spec: string | Readonly<Record<string, string | number>>): KeepOptions {
  const text = typeof spec === 'string' ? spec : Object.entries(spec).map(([k, v]) => `${k}=${v}`).join(',');
  const r = parseKeepOptions(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

export interface Plan<T> {
  readonly keep: T[];
  readonly remove: T[];
  /** The rule that kept each kept item. */
  readonly reason: Map<T, string>;
}

/** Splits items into kept and removed; both newest first. */
export function planPrune<T extends { time: number; protected?: boolean; partial?: boolean }>(
  items: readonly T[],
  keep: KeepOptions,
  semantics: RetentionSemantics,
  timeZone: string,
  now?: number,
): Plan<T> {
  // planRetention answers newest first, ties in input order: sort the items the same way.
  const order = items.map((_, i) => i).sort((a, b) => items[b]!.time - items[a]!.time || a - b);
  const sorted = order.map((i) => items[i]!);
  const decisions = planRetention(
    sorted.map((s) => ({ timeSec: s.time, ...(s.protected ? { protected: true } : {}), ...(s.partial ? { partial: true } : {}) })),
    keep,
    { semantics, timeZone, ...(now !== undefined ? { nowSec: now } : {}) },
  );
  const plan: Plan<T> = { keep: [], remove: [], reason: new Map() };
  decisions.forEach((d, i) => {
    const item = sorted[i]!;
    if (d.action === 'keep') {
      plan.keep.push(item);
      plan.reason.set(item, d.reason ?? 'keep');
    } else plan.remove.push(item);
  });
  return plan;
}
