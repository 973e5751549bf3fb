/**
 * Reads every selected layer and turns the observations into the status
 * report through the domain rules. The CLI, the TUI and the exporters all get
 * their truth from here.
 */
import { evaluate } from '../domain/evaluate.js';
import type { Inventory } from '../domain/inventory.js';
import type { StatusReport } from '../domain/status-report.js';
import { worstHealth } from '../domain/types.js';
import { collect, type CollectOptions, type Collection, type CollectorDeps } from './collector.js';
import { withStrataRuns, type StrataRun } from './journal/strata-runs.js';

export interface StatusReading {
  readonly report: StatusReport;
  readonly collection: Collection;
}

export interface RestoreEvidence {
  readonly assetId: string;
  readonly layerId?: string;
  readonly at: number;
}

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
  const report = evaluate(
    inventory,
    {
      hosts: collection.hosts,
      layers: collection.layers,
      ...(opts.restoreEvidence ? { restoreEvidence: [...opts.restoreEvidence] } : {}),
    },
    Math.floor(collection.finishedAt),
  );
  return { report, collection };
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
