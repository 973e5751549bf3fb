/**
 * The words of a restore, pure: where a point can be restored from, what it
 * takes, how long it should take and whether that was ever proven. The
 * engine (src/services/restore) fills these from what the hosts and the
 * journal say; the ranking (rank.ts) orders them without any I/O.
 */
import type { LayerKind } from '../inventory-file.js';
import type { VerificationState } from '../types.js';

/** Where a source sits as seen from the PVE node the guest is restored onto. */
export type SourceLocation = 'same-host' | 'lan' | 'off-site';

/** How a point becomes a guest again. */
export type RestoreMethod =
  /** qmrestore / pct restore of an archive or a PBS snapshot. */
  | 'restore'
  /** qm|pct rollback: the guest itself goes back to the snapshot. */
  | 'rollback'
  /** qm|pct clone --snapname: a new guest from the snapshot, the original untouched. */
  | 'clone';

/**
 * One thing that must happen before the guest runs again. Steps with
 * `planned: false` are named so the operator sees the whole road, but Strata
 * does not plan them yet (a datastore restored from restic first: issue 14).
 */
export interface SourceStep {
  readonly kind: 'thaw' | 'restore-datastore' | 'add-storage' | 'guest-restore' | 'rollback' | 'clone';
  /** "restore the PBS datastore directory from restic-cloud onto a PBS host". */
  readonly label: string;
  readonly planned: boolean;
  /** A wait known before it starts, at most this long (a thaw: its storage class's bound). */
  readonly expectedSeconds?: number;
}

export type EstimateBasis =
  /** From restores and drills of this workload in the journal. */
  | 'measured'
  /** The point's size over a default throughput: an estimate, said so. */
  | 'size'
  /** A snapshot rollback or clone: seconds, whatever the size. */
  | 'snapshot'
  /** Neither a measurement nor a size. */
  | 'unknown';

export interface TimeEstimate {
  readonly seconds: number | null;
  readonly basis: EstimateBasis;
  /** "about 4 min (measured by the drill of 2026-01-30)", "about 6 min (estimate from 32 GiB at 100 MiB/s)". */
  readonly text: string;
}

/** A point of a workload held by one layer (directly or through a copy chain). */
export interface SourcePoint {
  /** The tool's own name: a volid, a PBS snapshot path, a snapshot name. */
  readonly ref: string;
  readonly timeSec: number;
  readonly sizeBytes?: number;
  readonly verification?: VerificationState;
}

/** One place a workload can be restored from, with everything the ranking weighs. */
export interface RestoreSource {
  /** `${layerId}@${point.ref}`: stable, for a wizard's selection and `--from`. */
  readonly id: string;
  readonly layerId: string;
  readonly layerKind: LayerKind;
  /** The inventory host of the layer. */
  readonly host: string;
  readonly assetId: string;
  readonly point: SourcePoint;
  /** Seconds between the point and now (host time). */
  readonly ageSeconds: number;
  readonly location: SourceLocation;
  /** Layers the point passed through before this one, oldest first; [] when the layer holds it directly. */
  readonly via: readonly string[];
  /** Everything from here to a running guest, in order. */
  readonly steps: readonly SourceStep[];
  /** What Strata can do with it; empty when a step is not planned. */
  readonly methods: readonly RestoreMethod[];
  /** False when a step must be done first that Strata does not plan; `whyNot` says which. */
  readonly plannable: boolean;
  readonly whyNot?: string;
  readonly estimate: TimeEstimate;
  /** When a restore or drill from this layer last proved the workload restorable (epoch seconds), or null. */
  readonly provenAtSec: number | null;
  /** 1-based place in the ranking. */
  readonly rank: number;
}

/** A source before it is ranked. */
export type SourceCandidate = Omit<RestoreSource, 'rank'>;

/** Which point is wanted: the newest, or the newest at or before a time (epoch seconds). */
export type WantedPoint = { readonly kind: 'latest' } | { readonly kind: 'at'; readonly timeSec: number };
