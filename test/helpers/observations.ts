/**
 * Builders for evaluate() tests: an inventory from a small JSON shape and
 * observations with points at given ages (hours before NOW).
 */
import { validateInventory, type Inventory } from '../../src/domain/inventory.js';
import type { Asset, HostObservation, JobRun, LayerObservation, RecoveryPoint } from '../../src/domain/types.js';

export const NOW = 1_770_000_000; // 2026-02-02T02:40:00Z
export const H = 3600;
export const D = 86_400;

export function inventoryOf(json: Record<string, unknown>): Inventory {
  const r = validateInventory({ version: 1, ...json });
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return r.inventory;
}

export function hostUp(name: string, extra: Partial<HostObservation> = {}): HostObservation {
  return { name, reachable: true, error: null, clockSkewSeconds: 0, readAtSec: NOW, ...extra };
}

/** A point of `assetId` taken `hoursAgo` hours before NOW. */
export function point(layerId: string, assetId: string, hoursAgo: number, extra: Partial<RecoveryPoint> = {}): RecoveryPoint {
  const time = NOW - hoursAgo * H;
  return { layerId, assetId, timeSec: time, ref: `${assetId}@${time}`, ...extra };
}

export function layerObs(
  layerId: string,
  points: readonly RecoveryPoint[],
  extra: Partial<Omit<LayerObservation, 'layerId' | 'points'>> = {},
): LayerObservation {
  return { layerId, readAtSec: NOW, points, jobs: [], assets: [], errors: [], ...extra };
}

export const guest = (id: string, name: string, host = 'pve1', extra: Partial<Asset> = {}): Asset => ({
  id,
  kind: id.startsWith('ct/') ? 'ct' : 'vm',
  name,
  host,
  ...extra,
});

export function job(state: JobRun['state'], hoursAgo: number, extra: Partial<JobRun> = {}): JobRun {
  const status = state === 'ok' ? 'OK' : state === 'warn' ? 'WARNINGS: 2' : state === 'failed' ? 'job errors' : 'RUNNING';
  return { kind: 'backup', type: 'vzdump', startedAtSec: NOW - hoursAgo * H, endedAtSec: NOW - hoursAgo * H + 60, state, status, ...extra };
}
