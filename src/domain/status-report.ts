/**
 * The status report: the JSON contract of `strata status --json` (DESIGN.md
 * "Non-interactive contract", v1) plus extensions. `JSON.stringify(report)` is
 * the output. Extend; never rename a field.
 */
import type { LayerKind } from './inventory-file.js';
import type { AssetKind, Health, JobKind, JobState } from './types.js';

export interface HostStatus {
  readonly name: string;
  readonly reachable: boolean;
  readonly error: string | null;
  readonly clockSkewSeconds: number | null;
  /** How long an SSH session takes to start on the host (a slow login shell shows here); null when unknown or local. */
  readonly sessionStartMs: number | null;
  readonly health: Health;
  readonly reasons: string[];
}

export interface CapacityStatus {
  readonly totalBytes: number;
  readonly usedBytes: number;
  readonly availBytes: number;
  readonly usedPercent: number;
}

export interface JobStatus {
  readonly kind: JobKind;
  readonly type: string;
  readonly state: JobState;
  readonly status: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
}

export interface PoolStatus {
  readonly name: string;
  readonly state: string;
  readonly healthy: boolean;
  readonly usedPercent: number | null;
  readonly detail: string | null;
}

export interface LayerStatus {
  readonly id: string;
  readonly kind: LayerKind;
  readonly host: string;
  readonly health: Health;
  /** Newest recovery point on the layer (any asset); null when none was read. */
  readonly lastPointAt: string | null;
  readonly ageSeconds: number | null;
  readonly rpoSeconds: number | null;
  /** Finished recovery points read (partial ones not counted). */
  readonly points: number;
  readonly reasons: string[];
  /** When the layer was read (host time); null when it was not. */
  readonly readAt: string | null;
  readonly media: string | null;
  readonly offsite: boolean;
  readonly copyOf: string[];
  readonly capacity?: CapacityStatus;
  readonly lastJob?: JobStatus;
  readonly verification?: { readonly newestState: 'ok' | 'failed' | 'none'; readonly newestVerifiedAt: string | null };
  readonly pools?: PoolStatus[];
  /** Probe errors as read (each also makes the layer UNKNOWN). */
  readonly errors: string[];
}

export interface AssetLayerStatus {
  readonly layerId: string;
  /** Newest usable point of the asset on this layer, direct or carried. */
  readonly newestAt: string | null;
  /** Layers the point passed through before this one, oldest hop first; [] when direct. */
  readonly via: string[];
  /** Seconds each hop waited: the first is from the point's creation to its first copy. */
  readonly hopLagSeconds: number[];
  readonly fresh: boolean;
  /** Fresh, and not a rollback point on the primary's own storage. */
  readonly countsAsCopy: boolean;
  readonly media: string | null;
  readonly offsite: boolean;
}

export interface AssetStatus {
  readonly id: string;
  readonly name: string;
  /** The tier naming the asset; null when it falls under the default tier. */
  readonly tier: string | null;
  readonly health: Health;
  /** 1 (the live data) + layers holding a fresh copy. */
  readonly copies: number;
  readonly media: number;
  readonly offsite: number;
  readonly newest: Record<string, string>;
  readonly reasons: string[];
  readonly kind: AssetKind | null;
  readonly host: string | null;
  readonly required: {
    readonly copies: number;
    readonly media: number;
    readonly offsite: number;
    readonly rpoSeconds: number | null;
    /** The tier's recovery time objective; null in the default tier or a tier without `rto`. */
    readonly rtoSeconds: number | null;
  };
  readonly layers: AssetLayerStatus[];
  readonly lastProvenRestorableAt: string | null;
  /**
   * Layers known to hold a point of it: those read now that have one, and those that
   * could not be read but had one at the last reading (so a dead host does not erase it).
   */
  readonly seenOn: string[];
  /** Seconds the newest measured restore of it took (a drill or a real restore), from the journal; null when none was measured. */
  readonly measuredRestoreSeconds?: number | null;
  /** When it was last drilled (whatever the drill found); null when never. */
  readonly lastDrillAt?: string | null;
}

export interface StatusReport {
  readonly version: 1;
  readonly generatedAt: string;
  readonly overall: Health;
  readonly hosts: HostStatus[];
  readonly layers: LayerStatus[];
  readonly assets: AssetStatus[];
}

const EXIT: Record<Health, 0 | 1 | 2 | 3> = { ok: 0, warn: 1, crit: 2, unknown: 3 };

/** Nagios exit code of the overall health: ok 0, warn 1, crit 2, unknown 3. */
export function exitCodeFor(report: Pick<StatusReport, 'overall'>): 0 | 1 | 2 | 3 {
  return EXIT[report.overall];
}
