/**
 * The restore engine's public face: what the TUI wizard (through its store
 * slice), `strata restore` and `strata drill` call. One engine for all of
 * them (DESIGN.md "Restore (v2)"):
 *
 * 1. `sources(assetId)`: every layer holding the workload, ranked.
 * 2. `plan(request)`: read-only preflight probes, the exact commands, what
 *    it destroys (non-empty: the operator must type `confirmWord`), the
 *    checks after, what a failure or cancel leaves. Nothing is changed.
 * 3. `run(plan, {confirm, signal, onEvent})`: journaled, streamed, with
 *    progress; aborting the signal stops the remote task. The result carries
 *    the checks, each passed, failed or not run (never "passed" for want of
 *    a run), and the exit code the CLI uses.
 * 4. `planDrill(request)` + `run`: the same for a drill (a scratch copy, cut
 *    off the network, started, checked, destroyed).
 *
 * Errors are `RestoreError`s with a `code`; a plan whose preflight failed is
 * returned (so it can be shown) with `ready: false`, and `run` refuses it.
 */
import type { ActionOutcome, ActionPlan, OutputLine, StepProgress } from '../../kinds/action-types.js';
import type { PreflightCheck, RestoreTarget } from '../../kinds/restore-types.js';
import type { RestoreMethod, RestoreSource, WantedPoint } from '../../domain/restore/types.js';
import type { PlannedCommand } from '../../kinds/restore-types.js';

export { RestoreError, type PlannedCommand, type RestoreErrorCode } from '../../kinds/restore-types.js';

export type { RestoreMethod, RestoreSource, SourceLocation, SourcePoint, SourceStep, TimeEstimate, EstimateBasis, WantedPoint } from '../../domain/restore/types.js';
export type { StepProgress } from '../../kinds/action-types.js';
export type { PreflightCheck, RestoreTarget } from '../../kinds/restore-types.js';

// ---------------------------------------------------------------------------
// Sources

export interface SourceQuery {
  /** `vm/100` or `ct/102`. */
  readonly assetId: string;
  /** Default latest. */
  readonly point?: WantedPoint;
  /** Only this layer's sources (`--from LAYER`). */
  readonly layerId?: string;
}

export interface SourceList {
  readonly assetId: string;
  readonly guest: GuestRef;
  /** Best first. One source per layer: its newest point at or before the wanted one. */
  readonly sources: readonly RestoreSource[];
  /** Layers that could hold the workload but could not be read now: why (they are UNKNOWN, not "no point"). */
  readonly unreadable: readonly { readonly layerId: string; readonly reason: string }[];
  /** Local epoch seconds of the reading. */
  readonly readAtSec: number;
}

/** The workload as PVE knows it now. */
export interface GuestRef {
  readonly assetId: string;
  readonly type: 'qemu' | 'lxc';
  readonly vmid: number;
  readonly name?: string;
  /** Inventory host of the PVE node the guest is on (or is restored onto when it is gone). */
  readonly host?: string;
  /** Whether the guest exists on that node now (a restore over it needs --force). */
  readonly exists: boolean;
}

/** Every point of the workload on one layer, newest first (for choosing an older one). */
export interface PointList {
  readonly layerId: string;
  readonly points: readonly RestoreSource['point'][];
}

// ---------------------------------------------------------------------------
// Plans

export type TargetChoice =
  /** A new guest: `vmid` or the datacenter's next free id (`pvesh get /cluster/nextid`). */
  | { readonly kind: 'new'; readonly vmid?: number }
  /** Over the original VMID (qmrestore --force / rollback): destructive, typed confirmation. */
  | { readonly kind: 'original' };

export interface RestoreRequest {
  readonly assetId: string;
  /** A RestoreSource id (`layer@ref`) from `sources()`. */
  readonly sourceId: string;
  /**
   * Default: `restore` for archives and PBS snapshots; for a guest snapshot,
   * `clone` to a new guest, `rollback` with target original.
   */
  readonly method?: RestoreMethod;
  /** Default `{kind: 'new'}`: defaults save data. */
  readonly target?: TargetChoice;
  /** Target storage; without it each tool's own default applies (the plan says which). */
  readonly storage?: string;
  /** Start the guest after the restore (then the agent or the container's state is checked). */
  readonly start?: boolean;
  /** New MAC addresses; the default is on when the original still exists (it may run). */
  readonly unique?: boolean;
}

export interface DrillRequest {
  /** One guest; or leave it out and give `rotateTier`. */
  readonly assetId?: string;
  /** The next guest of this tier in the rotation (rotation state in the state directory). */
  readonly rotateTier?: string;
  /** A source id; default the best ranked source that restores to a new guest. */
  readonly sourceId?: string;
  /** Default `pvesh get /cluster/nextid`. A scratch id that exists is refused. */
  readonly scratchVmid?: number;
  readonly storage?: string;
}

/** A check after the restore. */
export interface CheckSpec {
  /** `guest-exists`, `disks`, `agent`, `ct-running`. */
  readonly id: string;
  readonly label: string;
}

export interface CheckResult extends CheckSpec {
  /** A check that could not run (guest not started, no agent configured, restore failed) is `not-run`, never `passed`. */
  readonly state: 'passed' | 'failed' | 'not-run';
  readonly detail: string;
}

export interface RestorePlan {
  readonly kind: 'restore' | 'drill';
  readonly id: string;
  readonly title: string;
  readonly request: RestoreRequest;
  readonly source: RestoreSource;
  readonly method: RestoreMethod;
  readonly target: RestoreTarget;
  readonly preflight: readonly PreflightCheck[];
  /** Every preflight check passed: `run` accepts the plan. */
  readonly ready: boolean;
  /** What is removed or overwritten, in words; empty for a restore to a new guest. */
  readonly destroys: readonly string[];
  /** The word the operator must type (the VMID) when `destroys` is non-empty; null otherwise. */
  readonly confirmWord: string | null;
  /** The exact commands, in order (some found at run time are described, e.g. link_down per NIC). */
  readonly commands: readonly PlannedCommand[];
  /** Run on failure or cancel, each only when its guard allows (never removes a guest Strata did not create). */
  readonly cleanup: readonly PlannedCommand[];
  readonly checks: readonly CheckSpec[];
  /** What a failure or a cancel leaves on the host, and what to do then. */
  readonly onFailure: string;
  readonly notes: readonly string[];
  /** The executor's plan (steps, cleanup, checks): what `run` executes. */
  readonly action: ActionPlan;
  /** A drill chosen by rotation: the tier whose rotation moves on when it ran. */
  readonly rotation?: { readonly tier: string };
}

// ---------------------------------------------------------------------------
// Running

export type RestoreEvent =
  | { readonly type: 'step'; readonly index: number; readonly of: number; readonly description: string }
  | { readonly type: 'output'; readonly line: OutputLine }
  /** Where the tool gives a percent (VMA: whole archive; PBS: per disk, restarting at 1 %); containers: bytes and time only. */
  | { readonly type: 'progress'; readonly progress: StepProgress; readonly elapsedMs: number; readonly etaSeconds: number | null }
  | { readonly type: 'check'; readonly check: CheckResult }
  | { readonly type: 'cleanup'; readonly text: string };

export interface RunOptions {
  /** Must equal `plan.confirmWord` when it is not null; otherwise `run` refuses and nothing runs. */
  readonly confirm?: string;
  /** Abort to cancel: the remote task is stopped, the plan's cleanup runs. */
  readonly signal?: AbortSignal;
  onEvent?(event: RestoreEvent): void;
}

/**
 * - `restored`: the guest is back and every check that ran passed.
 * - `check-failed`: the guest is back, a check failed.
 * - `failed`, `cancelled`: `leftover` says what is left on the host and what to do.
 */
export type RestoreState = 'restored' | 'check-failed' | 'failed' | 'cancelled';

export interface RestoreResult {
  readonly state: RestoreState;
  readonly summary: string;
  readonly checks: readonly CheckResult[];
  /** What a failure or cancel left and what to do; null when nothing is left. */
  readonly leftover: string | null;
  /** Seconds the restore step itself took (the measured restore time), when it ran to its end. */
  readonly restoreSeconds: number | null;
  readonly durationMs: number;
  /** 0 restored and checked, 1 restored with a failed check, 2 failed or cancelled. */
  readonly exitCode: 0 | 1 | 2;
  readonly outcome: ActionOutcome;
}

/** Restore evidence of one workload from the journal (drills and restores). */
export interface RestoreEvidenceSummary {
  readonly assetId: string;
  /** Epoch seconds of the newest restore or drill whose checks all passed, or null. */
  readonly lastProvenAtSec: number | null;
  readonly lastDrillAtSec: number | null;
  /** Seconds of the newest measured restore (drill or real). */
  readonly measuredRestoreSeconds: number | null;
}

export interface RestoreEngine {
  /** Reads the layers that can hold the workload and ranks every source. Rejects with RestoreError('not-found'). */
  sources(query: SourceQuery): Promise<SourceList>;
  /** Every point of the workload on one layer, newest first. */
  points(assetId: string, layerId: string): Promise<PointList>;
  /** Preflight and the exact plan; changes nothing. */
  plan(request: RestoreRequest): Promise<RestorePlan>;
  /** A drill's plan: scratch VMID, --unique, links down, start, check, destroy. Changes nothing. */
  planDrill(request: DrillRequest): Promise<RestorePlan>;
  /** Runs a plan (restore or drill). Rejects only with RestoreError before anything ran; every later failure is in the result. */
  run(plan: RestorePlan, opts?: RunOptions): Promise<RestoreResult>;
  /** What the journal proves for a workload. */
  evidence(assetId: string): Promise<RestoreEvidenceSummary>;
}

/** Exit code of a restore or drill for the CLI: 0 restored and checked, 1 a check failed, 2 failed. */
export function exitCodeOf(state: RestoreState): 0 | 1 | 2 {
  return state === 'restored' ? 0 : state === 'check-failed' ? 1 : 2;
}
