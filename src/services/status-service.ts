/**
 * The status report from observations, in one place: the domain rules with
 * the journal's evidence. The store evaluates each refresh once through
 * `evaluateStatus`; `readStatus` is the same for a one-shot reader without a
 * store (a test, a tool).
 */
import { evaluate } from '../domain/evaluate.js';
import type { Inventory } from '../domain/inventory.js';
import type { LastKnownAsset } from '../domain/health/last-known.js';
import type { StatusReport } from '../domain/status-report.js';
import { worstHealth, type HostObservation, type LayerObservation } from '../domain/types.js';
import { collect, type CollectOptions, type Collection, type CollectorDeps } from './collector.js';
import { withStrataRuns, type StrataRun } from './journal/strata-runs.js';
import type { RestoreEvidence } from './restore-evidence.js';

export type { RestoreEvidence } from './restore-evidence.js';

export interface StatusReading {
  readonly report: StatusReport;
  readonly collection: Collection;
}

export interface ObservedEstate {
  readonly hosts: readonly HostObservation[];
  readonly layers: readonly LayerObservation[];
}

export interface KnownBeyondReading {
  /** "Last proven restorable" evidence from the journal. */
  readonly evidence?: readonly RestoreEvidence[] | undefined;
  /** Workloads the last report listed: they stay listed while their host is down. */
  readonly lastKnown?: readonly LastKnownAsset[] | undefined;
}

export function evaluateStatus(inventory: Inventory, observed: ObservedEstate, nowSec: number, known: KnownBeyondReading = {}): StatusReport {
  return evaluate(
    inventory,
    {
      hosts: [...observed.hosts],
      layers: [...observed.layers],
      ...(known.evidence ? { restoreEvidence: [...known.evidence] } : {}),
      ...(known.lastKnown && known.lastKnown.length > 0 ? { lastKnown: [...known.lastKnown] } : {}),
    },
    Math.floor(nowSec),
  );
}

/** Reads the selected layers and evaluates them once, for callers without a store. */
export async function readStatus(
  inventory: Inventory,
  deps: CollectorDeps,
  opts: CollectOptions & {
    restoreEvidence?: readonly RestoreEvidence[];
    /** What Strata itself ran (from the journal): its failures count like a host's failed jobs. */
    strataRuns?: () => Promise<readonly StrataRun[]>;
  } = {},
): Promise<StatusReading> {
  const [collected, runs] = await Promise.all([collect(inventory, deps, opts), opts.strataRuns?.().catch(() => []) ?? []]);
  const collection = runs.length > 0 ? { ...collected, layers: withStrataRuns(collected.layers, runs) } : collected;
  return { report: evaluateStatus(inventory, collection, collection.finishedAtSec, { evidence: opts.restoreEvidence }), collection };
}

/**
 * The report of a filtered refresh, for `strata status --host/--layer`: only
 * the hosts and layers that were read. The rest were not asked about, so they
 * are left out rather than shown UNKNOWN ("not read"), and so are workloads:
 * their 3-2-1 needs every layer, and a partial read would undercount copies.
 */
export function onlyWhatWasRead(report: StatusReport, read: { hosts: Iterable<string>; layers: Iterable<string> }): StatusReport {
  const hostNames = new Set(read.hosts);
  const layerIds = new Set(read.layers);
  const hosts = report.hosts.filter((h) => hostNames.has(h.name));
  const layers = report.layers.filter((l) => layerIds.has(l.id));
  return { ...report, overall: worstHealth([...hosts, ...layers].map((x) => x.health)), hosts, layers, assets: [] };
}
