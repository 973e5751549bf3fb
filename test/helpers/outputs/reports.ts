/** Status reports built by hand for the outputs' tests (metrics, notify, report): only what a case needs differs. */
import type { AssetStatus, HostStatus, LayerStatus, StatusReport } from '../../../src/domain/status-report.js';
import { worstHealth } from '../../../src/domain/types.js';

export function host(name: string, over: Partial<HostStatus> = {}): HostStatus {
  return { name, reachable: true, error: null, clockSkewSeconds: 0, sessionStartMs: null, health: 'ok', reasons: [], ...over };
}

export function layer(id: string, over: Partial<LayerStatus> = {}): LayerStatus {
  return {
    id,
    kind: 'restic',
    host: 'h1',
    health: 'ok',
    lastPointAt: '2026-01-31T01:00:00Z',
    ageSeconds: 3600,
    rpoSeconds: 86_400,
    points: 10,
    reasons: [],
    readAt: '2026-01-31T02:00:00Z',
    media: 'hdd',
    offsite: false,
    copyOf: [],
    errors: [],
    ...over,
  };
}

export function asset(id: string, over: Partial<AssetStatus> = {}): AssetStatus {
  return {
    id,
    name: id,
    tier: null,
    health: 'ok',
    copies: 2,
    media: 1,
    offsite: 0,
    newest: {},
    reasons: [],
    kind: null,
    host: null,
    required: { copies: 2, media: 1, offsite: 0, rpoSeconds: 86_400, rtoSeconds: null },
    layers: [],
    lastProvenRestorableAt: null,
    seenOn: [],
    ...over,
  };
}

export function report(parts: { hosts?: HostStatus[]; layers?: LayerStatus[]; assets?: AssetStatus[]; generatedAt?: string }): StatusReport {
  const hosts = parts.hosts ?? [];
  const layers = parts.layers ?? [];
  const assets = parts.assets ?? [];
  return {
    version: 1,
    generatedAt: parts.generatedAt ?? '2026-01-31T02:00:00Z',
    overall: worstHealth([...hosts, ...layers, ...assets].map((x) => x.health)),
    hosts,
    layers,
    assets,
  };
}
