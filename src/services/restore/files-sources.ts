/**
 * The sources of a path or dataset, ranked with the guest ranking: each
 * layer's kind drafts what it holds (`KindSpec.files.sources`: restic
 * snapshots, PBS archives and images, ZFS snapshots and replicas, rclone
 * copies), and this ranks them and names the steps each needs (a thaw
 * first for cold objects). Pure.
 */
import { estimateRestore, type MeasuredRestore } from '../../domain/restore/estimate.js';
import { locationOf, rankSources } from '../../domain/restore/rank.js';
import type { SourceCandidate, WantedPoint } from '../../domain/restore/types.js';
import type { Layer } from '../../domain/inventory.js';
import type { FileDraft, InternalSource } from '../../kinds/files-rule.js';
import type { FileMethod, FileSource, FileSourceStep, FileTarget } from './files-api.js';

/** A source a layer's kind drafted, with its layer. */
export interface Draft extends FileDraft {
  readonly layer: Layer;
}

export interface FileCandidateInput {
  readonly target: FileTarget;
  readonly wanted: WantedPoint;
  readonly drafts: readonly Draft[];
  readonly measured: readonly MeasuredRestore[];
  readonly proven: (layerId: string) => number | null;
  readonly nowSec: number;
}

function stepsOf(d: Draft): FileSourceStep[] {
  const steps: FileSourceStep[] = [];
  if (d.cold) steps.push({ kind: 'thaw', label: `thaw ${d.cold.objects.length} ${d.cold.info.storageClass} object${d.cold.objects.length === 1 ? '' : 's'} first (Standard: ${d.cold.info.tiers.find((x) => x.priority === 'Standard')?.wait})`, planned: true });
  const m = d.methods[0]!;
  const label: Record<FileMethod, string> = {
    files: d.filesLabel,
    clone: 'zfs clone of the snapshot to a new dataset (nothing destroyed)',
    rollback: 'zfs rollback -r (destroys every newer snapshot)',
    receive: 'zfs send -I | zfs recv from the replica',
  };
  steps.push({ kind: m === 'files' ? 'restore' : m, label: label[m], planned: true });
  return steps;
}

/** The sources of a path or dataset, ranked with the guest ranking. */
export function fileCandidates(input: FileCandidateInput): InternalSource[] {
  const list = input.drafts;
  const byId = new Map<string, Draft>();
  const cands: SourceCandidate[] = list.map((d) => {
    const id = `${d.layer.id}@${d.point.ref}`;
    byId.set(id, d);
    const method = d.methods[0] === 'rollback' || d.methods[0] === 'clone' ? 'clone' : 'restore';
    const base = d.kind === 'zfs-snapshot' && d.methods[0] !== 'files' ? { seconds: 10, basis: 'snapshot' as const, text: 'seconds (a snapshot clone)' } : estimateRestore({ method, layerId: d.layer.id, ...(d.point.sizeBytes !== undefined ? { sizeBytes: d.point.sizeBytes } : {}), measured: input.measured.filter((m) => m.layerId === d.layer.id) });
    const standard = d.cold?.info.tiers.find((x) => x.priority === 'Standard');
    const estimate = d.cold ? { ...base, text: `${base.text}, after a thaw of ${standard?.wait ?? 'hours'} (Standard)` } : base;
    return {
      id,
      layerId: d.layer.id,
      layerKind: d.layer.kind,
      host: d.layer.host,
      assetId: d.assetId,
      point: { ref: d.point.ref, timeSec: d.point.timeSec, ...(d.point.sizeBytes !== undefined ? { sizeBytes: d.point.sizeBytes } : {}) },
      ageSeconds: Math.max(0, Math.round(input.nowSec - d.point.timeSec)),
      location: locationOf(d.layer, input.target.kind === 'path' ? input.target.host : d.layer.host),
      via: [],
      steps: [],
      methods: [],
      plannable: d.whyNot === undefined,
      ...(d.whyNot ? { whyNot: d.whyNot } : {}),
      estimate,
      provenAtSec: input.proven(d.layer.id),
    };
  });
  return rankSources(cands, input.wanted).map((r) => {
    const d = byId.get(r.id)!;
    const source: FileSource = {
      id: r.id,
      layerId: r.layerId,
      layerKind: r.layerKind,
      kind: d.kind,
      host: r.host,
      assetId: r.assetId,
      point: r.point,
      ageSeconds: r.ageSeconds,
      location: r.location,
      covers: d.covers,
      start: d.start,
      steps: stepsOf(d),
      methods: d.methods,
      plannable: r.plannable,
      ...(r.whyNot ? { whyNot: r.whyNot } : {}),
      estimate: r.estimate,
      provenAtSec: r.provenAtSec,
      ...(d.cold ? { cold: d.cold.info } : {}),
      rank: r.rank,
    };
    return { source, origin: d.origin, sourcePath: d.sourcePath, ...(d.cold ? { coldObjects: d.cold.objects } : {}) };
  });
}
