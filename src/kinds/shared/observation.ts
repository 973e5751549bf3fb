/** Pieces every reader shares: probe options, error wording, and the observation itself. */
import type { GuestType } from '../../adapters/pve/commands.js';
import type { OpOptions } from '../../adapters/shared/run.js';
import type { LayerFile } from '../../domain/inventory-file.js';
import type { AssetKind, LayerObservation, ProbeError } from '../../domain/types.js';
import type { ReaderContext } from '../reader-context.js';

export function probeOptions(ctx: ReaderContext): OpOptions {
  return { timeoutMs: ctx.timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) };
}

/** An adapter error, said in terms of what was being read. */
export function probeError(what: string, e: ProbeError): ProbeError {
  return { kind: e.kind, message: `${what}: ${e.message}` };
}

type Parts = Partial<Omit<LayerObservation, 'layerId' | 'readAt'>>;

/** Assembles an observation; repeated identical errors (one unreachable host, many probes) are said once. */
export function observation(ctx: ReaderContext, layer: LayerFile, parts: Parts): LayerObservation {
  const seen = new Set<string>();
  const errors = (parts.errors ?? []).filter((e) => {
    const key = `${e.kind}\0${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return {
    layerId: layer.id,
    readAtSec: ctx.nowSec,
    points: parts.points ?? [],
    jobs: parts.jobs ?? [],
    assets: parts.assets ?? [],
    errors,
    ...(parts.jobDefinitions !== undefined ? { jobDefinitions: parts.jobDefinitions } : {}),
    ...(parts.notBackedUp !== undefined ? { notBackedUp: parts.notBackedUp } : {}),
    ...(parts.capacity !== undefined ? { capacity: parts.capacity } : {}),
    ...(parts.pools !== undefined ? { pools: parts.pools } : {}),
    ...(parts.listsAllOf !== undefined ? { listsAllOf: parts.listsAllOf } : {}),
    ...(parts.noPointBecause !== undefined ? { noPointBecause: parts.noPointBecause } : {}),
  };
}

export function guestAssetKind(type: GuestType): Extract<AssetKind, 'vm' | 'ct'> {
  return type === 'lxc' ? 'ct' : 'vm';
}

/** `vm/100`, `ct/101` */
export function guestAssetId(type: GuestType, vmid: number): string {
  return `${guestAssetKind(type)}/${vmid}`;
}
