/**
 * The disaster-recovery plan (issue 14 §1) as data: what survives, each
 * guest's way back, what must exist off-site, guests by tier with their RTO
 * and the time each step is expected to take. Pure types: the DR engine
 * (src/services/dr) fills them from what answers now.
 */

/** A copy layer as it answers now. `unknown`: it could not be read and it is not known to be gone. */
export interface SurvivingCopy {
  readonly layerId: string;
  readonly kind: string;
  readonly host: string;
  readonly offsite: boolean;
  readonly state: 'answers' | 'gone' | 'unknown';
  /** Why it does not answer (the probe's words), when it does not. */
  readonly reason?: string;
  /** Guests it holds a point of, read now. */
  readonly guests: number;
}

export interface PathStep {
  readonly kind: 'thaw' | 'restore-datastore' | 'add-datastore' | 'add-storage' | 'guest-restore';
  readonly label: string;
  /** Seconds this step is expected to take; null when nothing says. */
  readonly expectedSeconds: number | null;
}

/** One way back for a guest. */
export interface GuestPath {
  /** `direct`: from a PBS that answers; `chain`: its datastore restored from a copy first. */
  readonly kind: 'direct' | 'chain';
  /** The layer the guest is restored from (the surviving PBS), or the copy the chain starts at. */
  readonly layerId: string;
  readonly host: string;
  /** Chains: the layers the point passed through, origin first (`pbs-local`). */
  readonly via: readonly string[];
  readonly point: { readonly ref: string; readonly timeSec: number; readonly sizeBytes?: number };
  /** Data lost if the rebuild restores this point: seconds between the point and the reading. */
  readonly ageSeconds: number;
  readonly steps: readonly PathStep[];
  /** Sum of the steps; null when one is unknown. */
  readonly expectedSeconds: number | null;
  /** How the guest restore's time was estimated (measured, size, unknown). */
  readonly estimate: string;
}

export interface PlannedGuest {
  readonly assetId: string;
  readonly type: 'qemu' | 'lxc';
  readonly vmid: number;
  readonly name?: string;
  /** Tier name, or null for the default tier. */
  readonly tier: string | null;
  /** The chosen path (first of `paths`), or null when nothing that answers holds the guest. */
  readonly path: GuestPath | null;
  /** Every way back found, best first. */
  readonly paths: readonly GuestPath[];
  /** Why there is no path, when there is none. */
  readonly why?: string;
}

export interface TierPlan {
  readonly name: string;
  readonly rtoSeconds: number | null;
  readonly guests: readonly string[];
  /** Restores of the tier with the parallel bound, from the steps' estimates; null when one is unknown. */
  readonly expectedSeconds: number | null;
  /** From the start of the rebuild until this tier is up (the steps before it included); null when unknown. */
  readonly expectedUpAfterSeconds: number | null;
  /** expectedUpAfterSeconds within the RTO: true, false, or null when either is unknown. */
  readonly meetsRto: boolean | null;
}

export type PrerequisiteKind = 'config-archive' | 'pbs-fingerprint' | 'encryption-key' | 'secret';

export interface Prerequisite {
  readonly id: string;
  readonly kind: PrerequisiteKind;
  readonly label: string;
  /** `unknown`: it could not be checked now (its host does not answer); never `present` for want of data. */
  readonly state: 'present' | 'missing' | 'unknown';
  /** How it was checked and what was found (never a secret value). */
  readonly detail: string;
  /** Where it lives (a SecretRef in words, a bucket, a path). */
  readonly where: string;
}

export interface RebuildStepSummary {
  readonly id: string;
  readonly title: string;
  readonly expectedSeconds: number | null;
}

export interface DrPlan {
  /** Local epoch seconds of the reading. */
  readonly readAtSec: number;
  /** The PVE node being rebuilt: inventory host, PVE node name, address. */
  readonly lost: { readonly host: string; readonly node: string; readonly address: string; readonly answers: boolean };
  readonly copies: readonly SurvivingCopy[];
  readonly prerequisites: readonly Prerequisite[];
  /** Guests in tier order (tiers as the inventory lists them, the default tier last), by VMID within a tier. */
  readonly guests: readonly PlannedGuest[];
  readonly tiers: readonly TierPlan[];
  /** The rebuild's steps in order with their expected time. */
  readonly steps: readonly RebuildStepSummary[];
  /** How many guest restores run at once per target storage. */
  readonly parallelPerStorage: number;
  /** Guests with no way back, and prerequisites missing: one line each. */
  readonly blockers: readonly string[];
}
