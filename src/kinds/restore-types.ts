/**
 * What a layer kind's restore planner is asked and what it answers. The
 * restore engine (src/services/restore) finds the source and the target
 * node, asks the source layer's kind for the plan (a vzdump archive, a PBS
 * snapshot through the node's PBS storage entry, a guest snapshot), and
 * hands the plan to the one executor. Planning only reads.
 */
import type { RestoreMethod } from '../domain/restore/types.js';
import type { ActionPlan } from './action-types.js';
import type { PlannerContext } from './planner-context.js';

export type GuestType = 'qemu' | 'lxc';

/** A read-only probe that must pass before anything runs. */
export interface PreflightCheck {
  /** `target-free`, `guest-stopped`, `not-locked`, `not-protected`, `storage`, `pbs-storage`, `snapshot-newest`, ... */
  readonly id: string;
  /** "VMID 950 is free". */
  readonly label: string;
  readonly state: 'passed' | 'failed';
  /** What was read; for a failure, why and what to do. */
  readonly detail: string;
}

export interface RestoreTarget {
  readonly host: string;
  readonly node: string;
  readonly type: GuestType;
  readonly vmid: number;
  /** It replaces the existing guest of that id (--force or a rollback). */
  readonly overwrites: boolean;
  /** The storage given, or null for the tool's default. */
  readonly storage: string | null;
  /** "qmrestore keeps each disk's storage from the backup", "pct restore puts every volume on local". */
  readonly storageNote: string;
  readonly unique: boolean;
  /** Why --unique is on or off. */
  readonly uniqueNote: string;
  readonly start: boolean;
}

/** The guest as it is now on the target node (read by the engine before planning). */
export interface LiveGuest {
  readonly exists: boolean;
  readonly name?: string;
  readonly status?: string;
  readonly lock?: string;
  readonly protection?: boolean;
  readonly agent?: boolean;
  /** Disks as the live config names them (scsi0 on local-lvm). */
  readonly disks?: readonly { readonly key: string; readonly storage?: string }[];
  readonly nets?: number;
}

/** What the engine asks a kind's restore planner. */
export interface GuestRestoreAsk {
  readonly assetId: string;
  readonly type: GuestType;
  /** The workload's own VMID. */
  readonly vmid: number;
  readonly point: { readonly ref: string; readonly timeSec: number; readonly sizeBytes?: number; readonly files?: readonly string[] };
  readonly method: RestoreMethod;
  /** New (a given id or the next free one) or over the original. */
  readonly target: { readonly kind: 'new'; readonly vmid?: number } | { readonly kind: 'original' };
  /** Inventory host of the PVE node restored onto, and its node name. */
  readonly targetHost: string;
  readonly node: string;
  readonly live: LiveGuest;
  readonly storage?: string;
  readonly start?: boolean;
  readonly unique?: boolean;
  /** A drill: scratch copy, --unique, links down, started, checked, destroyed. */
  readonly drill?: boolean;
  /** Ask again while a booting guest's agent is "not yet" (default 3 min). */
  readonly agentWaitMs?: number;
}

export interface RestoreContext extends PlannerContext {
  readonly ask: GuestRestoreAsk;
}

/** A kind's answer: the executor's plan plus what the operator must see first. */
export interface RestoreDraft {
  readonly plan: Omit<ActionPlan, 'id' | 'request'>;
  readonly target: RestoreTarget;
  readonly preflight: readonly PreflightCheck[];
  readonly destroys: readonly string[];
  /** What a failure or cancel leaves, and what to do. */
  readonly onFailure: string;
}

/** A command of a plan as the operator reads it. */
export interface PlannedCommand {
  readonly host: string;
  /** As the operator reads it (secrets by name only). */
  readonly command: string;
  readonly description: string;
}

export type RestoreErrorCode =
  /** The asset id is not a guest, or nothing in the inventory holds it. */
  | 'not-found'
  /** The source id is not among the workload's sources, or cannot be planned (a step Strata does not plan). */
  | 'no-source'
  /** The method does not fit the source (rollback of an archive) or the target. */
  | 'unsupported'
  /** Bad input: a VMID out of range, a target equal to the original for a drill. */
  | 'invalid'
  /** --read-only. */
  | 'read-only'
  /** A probe the plan needs could not be read (host down, output unreadable). */
  | 'unreadable'
  /** `run` of a plan whose preflight failed. */
  | 'preflight-failed'
  /** `run` of a destructive plan without `confirm`. */
  | 'confirmation-required'
  /** `run` with a `confirm` that is not the shown word. */
  | 'confirmation-mismatch';

export class RestoreError extends Error {
  constructor(
    readonly code: RestoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RestoreError';
  }
}
