/**
 * The whole truth in one pure call: hosts, layers and workloads with their
 * health and reasons, from one round of observations. Used by `strata status`,
 * the TUI and the metrics exporter alike.
 */
import { isoTime } from './format.js';
import { discoverAssets } from './health/asset-discovery.js';
import { evaluateAsset } from './health/asset-health.js';
import { attributeClients } from './health/client-hosts.js';
import { buildContext, type EvaluationInput } from './health/context.js';
import { buildChainIndex } from './health/copy-chains.js';
import { evaluateHost } from './health/host-health.js';
import { evaluateLayer } from './health/layer-health.js';
import type { Inventory } from './inventory.js';
import type { StatusReport } from './status-report.js';
import { worstHealth } from './types.js';

export type { EvaluationInput } from './health/context.js';

/** `now` is this host's clock in epoch seconds; each remote host's skew is applied to its own points. */
export function evaluate(inventory: Inventory, input: EvaluationInput, now: number): StatusReport {
  // Workloads are keyed by inventory host before any rule looks at them.
  const ctx = buildContext(inventory, { ...input, layers: attributeClients(inventory, input.hosts, input.layers) }, now);
  const assets = discoverAssets(ctx);
  const assetById = new Map(assets.map((a) => [a.id, a]));
  const chains = buildChainIndex(ctx);

  const proven = new Map<string, number>();
  const drilled = new Map<string, number>();
  const measured = new Map<string, { atSec: number; seconds: number }>();
  for (const e of input.restoreEvidence ?? []) {
    if (!Number.isFinite(e.atSec)) continue;
    if (e.proven !== false) proven.set(e.assetId, Math.max(proven.get(e.assetId) ?? Number.NEGATIVE_INFINITY, e.atSec));
    if (e.kind === 'drill') drilled.set(e.assetId, Math.max(drilled.get(e.assetId) ?? Number.NEGATIVE_INFINITY, e.atSec));
    const m = measured.get(e.assetId);
    if (e.restoreSeconds !== undefined && Number.isFinite(e.restoreSeconds) && (m === undefined || e.atSec > m.atSec)) measured.set(e.assetId, { atSec: e.atSec, seconds: e.restoreSeconds });
  }

  const hosts = inventory.hosts.map((h) => evaluateHost(ctx, h));
  const layers = inventory.layers.map((l) => evaluateLayer(ctx, l, assetById));
  const assetStatuses = assets.map((a) => ({
    ...evaluateAsset(ctx, chains, a, proven.get(a.id)),
    measuredRestoreSeconds: measured.has(a.id) ? Math.round(measured.get(a.id)!.seconds) : null,
    lastDrillAt: drilled.has(a.id) ? isoTime(drilled.get(a.id)!) : null,
  }));
  return {
    version: 1,
    generatedAt: isoTime(now),
    overall: worstHealth([...hosts, ...layers, ...assetStatuses].map((x) => x.health)),
    hosts,
    layers,
    assets: assetStatuses,
  };
}
