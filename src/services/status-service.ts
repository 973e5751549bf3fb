/**
 * Reads every selected layer and turns the observations into the status
 * report through the domain rules. The CLI, the TUI and the exporters all get
 * their truth from here.
 */
import { evaluate } from '../domain/evaluate.js';
import type { Inventory } from '../domain/inventory.js';
import type { StatusReport } from '../domain/status-report.js';
import { collect, type CollectOptions, type Collection, type CollectorDeps } from './collector.js';

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
  opts: CollectOptions & { restoreEvidence?: readonly RestoreEvidence[] } = {},
): Promise<StatusReading> {
  const collection = await collect(inventory, deps, opts);
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
