/**
 * The jobs Strata itself ran, as the health rules see jobs: a restic backup
 * that exited 3, a verify that found errors. Hosts' own task logs show their
 * scheduled jobs; the journal is the only log of what Strata ran.
 */
import type { JobRun, LayerObservation } from '../../domain/types.js';
import type { JournalEntry } from './entry.js';

export interface StrataRun {
  readonly layerId: string;
  readonly run: JobRun;
}

const STATE = { ok: 'ok', warn: 'warn', failed: 'failed' } as const;

/** A job Strata ran is typed `strata run`, `strata verify`: told apart from a host's own jobs by this. */
const STRATA_TYPE_PREFIX = 'strata ';
export const isStrataJobType = (type: string): boolean => type.startsWith(STRATA_TYPE_PREFIX);

/** The newest finished run and verify per layer (a cancelled action proves nothing either way). */
export function strataRuns(entries: Iterable<JournalEntry>): StrataRun[] {
  const newest: NewestRuns = new Map();
  for (const e of entries) foldStrataRun(newest, e);
  return [...newest.values()];
}

/** Newest run per (layer, run or verify, asset), kept up to date one entry at a time. */
export type NewestRuns = Map<string, StrataRun>;

export function foldStrataRun(newest: NewestRuns, e: JournalEntry): void {
  if (e.type !== 'action-end' || e.state === 'cancelled') return;
  // A restore or drill is evidence about the workload, not a job of the layer it read from.
  if (e.request.kind !== 'run' && e.request.kind !== 'verify') return;
  const endedAt = Math.floor(Date.parse(e.at) / 1000);
  if (!Number.isFinite(endedAt)) return;
  const run: JobRun = {
    kind: e.request.kind === 'verify' ? 'verify' : 'backup',
    type: `${STRATA_TYPE_PREFIX}${e.request.kind}`,
    startedAtSec: endedAt - Math.round(e.durationMs / 1000),
    endedAtSec: endedAt,
    state: STATE[e.state],
    status: e.summary,
    ...(e.request.assetId ? { assetId: e.request.assetId } : {}),
    id: e.actionId,
  };
  const key = `${e.request.layerId}\0${run.kind}\0${run.assetId ?? ''}`;
  const prev = newest.get(key);
  if (!prev || (prev.run.endedAtSec ?? 0) <= endedAt) newest.set(key, { layerId: e.request.layerId, run });
}

/**
 * Adds Strata's own runs to the layers' jobs. A failed run is history once the
 * layer holds a newer point (the job succeeded since, scheduled or by hand).
 */
export function withStrataRuns(layers: readonly LayerObservation[], runs: readonly StrataRun[]): LayerObservation[] {
  return layers.map((obs) => {
    const mine = runs.filter((r) => r.layerId === obs.layerId);
    if (mine.length === 0) return obs;
    let newestPoint = Number.NEGATIVE_INFINITY;
    for (const p of obs.points) if (!p.partial && p.timeSec > newestPoint) newestPoint = p.timeSec;
    const current = mine.filter((r) => r.run.kind !== 'backup' || r.run.state === 'ok' || (r.run.endedAtSec ?? 0) >= newestPoint);
    return current.length === 0 ? obs : { ...obs, jobs: [...obs.jobs, ...current.map((r) => r.run)] };
  });
}
