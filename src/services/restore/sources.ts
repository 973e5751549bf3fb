/**
 * Every place a guest can be restored from, as candidates for the pure
 * ranking: the layers whose kind restores guests (their own points) and
 * the copies of those layers (a restic copy of the PBS datastore carries
 * its points; Strata names the datastore restore it needs first but does
 * not plan it yet).
 */
import { parseStorageConfig, storageConfigCommand, type PveStorageEntry } from '../../adapters/pve/storage-config.js';
import { estimateRestore, type MeasuredRestore } from '../../domain/restore/estimate.js';
import { locationOf, pointFor } from '../../domain/restore/rank.js';
import type { RestoreMethod, SourceCandidate, SourceStep, WantedPoint } from '../../domain/restore/types.js';
import type { Inventory, Layer } from '../../domain/inventory.js';
import type { AssetStatus } from '../../domain/status-report.js';
import type { LayerObservation, RecoveryPoint, Result } from '../../domain/types.js';
import type { PlannerContext } from '../../kinds/planner-context.js';
import { specOf } from '../../kinds/registry.js';
import { lastVerified, type VerificationRecord } from '../journal/verifications.js';
import type { RestoreRunRecord } from '../journal/restore-runs.js';

/** Layers whose kind restores guests, and every layer copying one of them (transitively). */
export function layersForGuests(inventory: Inventory): Layer[] {
  const ids = new Set(inventory.layers.filter((l) => specOf(l.kind)?.restore !== undefined).map((l) => l.id));
  for (let grew = true; grew; ) {
    grew = false;
    for (const l of inventory.layers) {
      if (!ids.has(l.id) && (l.copyOf ?? []).some((c) => ids.has(c))) {
        ids.add(l.id);
        grew = true;
      }
    }
  }
  return inventory.layers.filter((l) => ids.has(l.id));
}

export interface CandidateInput {
  readonly inventory: Inventory;
  readonly assetId: string;
  readonly guestType: 'qemu' | 'lxc';
  /** Where the guest is restored onto. */
  readonly targetHost?: string;
  readonly node?: string;
  readonly wanted: WantedPoint;
  readonly layers: readonly Layer[];
  readonly observations: Readonly<Record<string, LayerObservation>>;
  /** The workload's status, for points carried by copy chains. */
  readonly asset?: AssetStatus;
  readonly verifications: readonly VerificationRecord[];
  readonly restores: readonly RestoreRunRecord[];
  readonly nowSec: number;
  /** storage.cfg of the target node, for PBS sources (or why it could not be read). */
  readonly storageConfig?: Result<readonly PveStorageEntry[]>;
}

export interface Candidates {
  readonly candidates: SourceCandidate[];
  readonly unreadable: { readonly layerId: string; readonly reason: string }[];
}

const guestSteps = (method: RestoreMethod, type: 'qemu' | 'lxc'): SourceStep[] => {
  const tool = type === 'lxc' ? 'pct' : 'qm';
  if (method === 'rollback') return [{ kind: 'rollback', label: `${tool} rollback of the guest to the snapshot (or a clone to a new guest)`, planned: true }];
  if (method === 'clone') return [{ kind: 'clone', label: `${tool} clone --snapname to a new guest`, planned: true }];
  return [{ kind: 'guest-restore', label: `${type === 'lxc' ? 'pct restore' : 'qmrestore'} to a new guest (or over the original)`, planned: true }];
};

export function measuredOf(assetId: string, restores: readonly RestoreRunRecord[]): MeasuredRestore[] {
  return restores.filter((r) => r.assetId === assetId && r.restoreSeconds !== undefined && r.state !== 'failed').map((r) => ({ seconds: r.restoreSeconds!, atSec: r.atSec, kind: r.kind, layerId: r.layerId }));
}

function proven(input: CandidateInput, layerId: string): number | null {
  const v = lastVerified(input.verifications, layerId, input.assetId)?.atSec;
  const r = input.restores.filter((x) => x.assetId === input.assetId && x.layerId === layerId && x.proven).reduce<number | undefined>((a, x) => (a === undefined || x.atSec > a ? x.atSec : a), undefined);
  const best = Math.max(v ?? Number.NEGATIVE_INFINITY, r ?? Number.NEGATIVE_INFINITY);
  return Number.isFinite(best) ? best : null;
}

/** One candidate per layer holding the guest, its point the newest at or before the wanted time. */
export function candidates(input: CandidateInput): Candidates {
  const out: SourceCandidate[] = [];
  const unreadable: { layerId: string; reason: string }[] = [];
  const measured = measuredOf(input.assetId, input.restores);
  for (const layer of input.layers) {
    const obs = input.observations[layer.id];
    const own = (obs?.points ?? []).filter((p) => p.assetId === input.assetId && !p.partial);
    if (obs && obs.errors.length > 0 && own.length === 0) {
      unreadable.push({ layerId: layer.id, reason: obs.errors.map((e) => e.message).join('; ') });
      continue;
    }
    const spec = specOf(layer.kind);
    if (own.length > 0 && spec?.restore) {
      const point = pointFor(own, input.wanted);
      if (point) {
        const c = directCandidate(input, layer, point, spec.restore.methods, measured);
        if (c) out.push(c);
      }
      continue;
    }
    const reach = input.asset?.layers.find((l) => l.layerId === layer.id && l.via.length > 0 && l.newestAt !== null);
    if (reach) {
      const timeSec = Date.parse(reach.newestAt!) / 1000;
      if (timeSec <= (input.wanted.kind === 'at' ? input.wanted.timeSec : Number.POSITIVE_INFINITY)) out.push(chainCandidate(input, layer, reach.via, timeSec, obs, measured));
    }
  }
  return { candidates: out, unreadable };
}

function directCandidate(input: CandidateInput, layer: Layer, point: RecoveryPoint, methods: readonly RestoreMethod[], measured: MeasuredRestore[]): SourceCandidate | undefined {
  const spec = specOf(layer.kind)?.restore;
  const blocked = spec?.blocker?.(layer as never, {
    ...(input.targetHost !== undefined ? { targetHost: input.targetHost } : {}),
    ...(input.node !== undefined ? { node: input.node } : {}),
    hosts: input.inventory.hosts,
    ...(input.storageConfig ? { storageConfig: input.storageConfig } : {}),
  });
  // A node's snapshots are of its own guests: another node's guest has none here.
  if (blocked && methods.includes('rollback')) return undefined;
  const steps = [...(blocked?.step ? [blocked.step] : []), ...guestSteps(methods[0]!, input.guestType)];
  const method = methods[0]!;
  return {
    id: `${layer.id}@${point.ref}`,
    layerId: layer.id,
    layerKind: layer.kind,
    host: layer.host,
    assetId: input.assetId,
    point: { ref: point.ref, timeSec: point.timeSec, ...(point.sizeBytes !== undefined ? { sizeBytes: point.sizeBytes } : {}), ...(point.verification ? { verification: point.verification.state } : {}) },
    ageSeconds: Math.max(0, Math.round(input.nowSec - point.timeSec)),
    location: locationOf(layer, input.targetHost),
    via: [],
    steps,
    methods: blocked ? [] : methods,
    plannable: blocked === undefined,
    ...(blocked ? { whyNot: blocked.why } : {}),
    estimate: estimateRestore({ method, layerId: layer.id, ...(point.sizeBytes !== undefined ? { sizeBytes: point.sizeBytes } : {}), measured }),
    provenAtSec: proven(input, layer.id),
  };
}

function chainCandidate(input: CandidateInput, layer: Layer, via: readonly string[], timeSec: number, obs: LayerObservation | undefined, measured: MeasuredRestore[]): SourceCandidate {
  const cold = (obs?.points ?? []).some((p) => p.storageTier !== undefined && /GLACIER|DEEP_ARCHIVE/i.test(p.storageTier));
  const origin = via[0]!;
  const steps: SourceStep[] = [
    ...(cold ? [{ kind: 'thaw' as const, label: `thaw the objects of ${layer.id} (Glacier: hours)`, planned: false }] : []),
    { kind: 'restore-datastore', label: `restore the copy of ${via.join(' -> ')} from ${layer.id} onto a host that serves it again`, planned: false },
    { kind: 'guest-restore', label: `restore the guest from ${origin} as restored`, planned: false },
  ];
  return {
    id: `${layer.id}@via:${via.join('>')}`,
    layerId: layer.id,
    layerKind: layer.kind,
    host: layer.host,
    assetId: input.assetId,
    point: { ref: `${origin} point carried by ${layer.id}`, timeSec },
    ageSeconds: Math.max(0, Math.round(input.nowSec - timeSec)),
    location: locationOf(layer, input.targetHost),
    via,
    steps,
    methods: [],
    plannable: false,
    whyNot: `${layer.id} holds a copy of ${via.join(' -> ')}: that must be restored first, which Strata does not plan yet (issue 14)`,
    estimate: estimateRestore({ method: 'restore', layerId: layer.id, measured: measured.filter((m) => m.layerId === layer.id) }),
    provenAtSec: proven(input, layer.id),
  };
}

/** storage.cfg of the target node, read once for every PBS source. */
export function readStorageConfig(ctx: PlannerContext, host: string): Promise<Result<PveStorageEntry[]>> {
  return ctx.probe(host, storageConfigCommand, parseStorageConfig);
}
