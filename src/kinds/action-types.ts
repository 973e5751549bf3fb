/**
 * Actions change or verify what is on a host: run a layer's job, verify its
 * copies. An action is planned first (the exact commands and hosts, shown to
 * the operator before anything runs) and executed only after confirmation.
 * The TUI's jobs slice and any future CLI use these types; the planners and
 * the executor live beside this file.
 */
import type { Command } from '../transport/command.js';

export type ActionKind = 'run' | 'verify';

/**
 * Restores and drills run through the same executor and journal as runs and
 * verifies; the restore engine (src/services/restore) plans them, not
 * planAction. `layerId` is then the source layer, so a drill's proof counts
 * as that layer's "last proven restorable" like a verify's.
 */
export type RestoreActionKind = 'restore' | 'drill';

/** The steps of a disaster-recovery rebuild that change the new node (src/services/dr): journaled, no layer's job. */
export type DrActionKind = 'dr';

export interface ActionRequest {
  readonly kind: ActionKind | RestoreActionKind | DrActionKind;
  readonly layerId: string;
  /** Limit to one workload where the tool can (vzdump of one guest, PBS verify of one group). */
  readonly assetId?: string;
  /** restic check --read-data-subset (e.g. "5%", "1/10"). */
  readonly readDataSubset?: string;
  /** vzdump run: only this backup job (default: every enabled job writing to the layer's storage). */
  readonly jobId?: string;
  /** Restores and drills: the point restored, how, and onto what (the journal's evidence). */
  readonly restore?: RestoreRequestFacts;
}

export interface RestoreRequestFacts {
  /** The point's own name: volid, PBS snapshot path, snapshot name. */
  readonly pointRef: string;
  /** When the point was taken, ISO 8601. */
  readonly pointAt: string;
  readonly method: 'restore' | 'rollback' | 'clone';
  readonly targetHost: string;
  readonly targetVmid: number;
  readonly overwrites: boolean;
}

export interface PlanStep {
  /** Inventory host name the command runs on. */
  readonly host: string;
  readonly command: Command;
  /** What this step does, in the operator's words. */
  readonly description: string;
  /** Stream this step's output into the job screen (long-running jobs). */
  readonly streams?: boolean;
  /** Run only when every step before ended ok (a warning skips it): a mark of success. */
  readonly onlyAfterOk?: boolean;
  /** How the executor reads the step's result; without it, exit 0 is ok and anything else failed. */
  readonly output?: StepOutput;
  /**
   * Work the step leaves running on the host when only the CLI is killed: a
   * PBS task runs in the server, so a cancel also stops the task of this type
   * started since the step began whose worker id has this part.
   */
  readonly onCancel?:
    | { readonly kind: 'pbs-task'; readonly workerType: string; readonly workerIdSegment: string }
    /** A guest restore: TERM reaches its task, whose own clean-up then runs; wait for it to end and say what it left. */
    | { readonly kind: 'pve-restore'; readonly node: string; readonly type: 'qemu' | 'lxc'; readonly vmid: number };
  /**
   * For a clean-up or tear-down step: run it only when this holds on the host
   * now. A restore's clean-up never removes a guest this plan did not create.
   */
  readonly guard?: StepGuard;
  /** The step's duration is the measured restore time (evidence for the workload's RTO). */
  readonly measuresRestore?: boolean;
}

/**
 * What must hold before a guarded step runs, read on the host when it is
 * due. `guest-created`: the guest exists, the plan's step `byStep` started
 * and was not refused (the tool changed nothing, so the id may be another's),
 * and, with `stubOnly`, the guest is the stub a failed restore leaves (no
 * disks); with `runningOnly`, it runs (a stop is due). A restore task still
 * cleaning up after a cancel holds the config lock: the guard waits for it.
 */
export type StepGuard = {
  readonly kind: 'guest-created';
  readonly node: string;
  readonly type: 'qemu' | 'lxc';
  readonly vmid: number;
  readonly byStep: number;
  readonly stubOnly?: boolean;
  readonly runningOnly?: boolean;
};

/** A read-only check after the steps, judged passed, failed or not run. */
export interface PlanCheck {
  /** `guest-exists`, `disks`, `agent`, `ct-running`. */
  readonly id: string;
  readonly label: string;
  readonly host: string;
  readonly command: Command;
  readonly output: CheckOutput;
  /** Ask again while the answer is "not yet" (a guest still booting), up to this long. */
  readonly retryForMs?: number;
  readonly retryEveryMs?: number;
}

export type CheckOutput =
  /** The guest's config exists with these disk keys (scsi0, rootfs, ...). */
  | { readonly kind: 'guest-disks'; readonly expect: readonly string[] }
  /** `qm guest cmd ID ping` answers. */
  | { readonly kind: 'agent-ping' }
  /** `qm|pct status ID` says running. */
  | { readonly kind: 'guest-running' };

export interface CheckOutcome {
  readonly id: string;
  readonly label: string;
  /** A check that could not run is `not-run`, never `passed`. */
  readonly state: 'passed' | 'failed' | 'not-run';
  readonly detail: string;
}

/**
 * The reader of one step's output, as data (a plan can be shown and
 * journaled). Each names the tool's own result: a verdict never comes from an
 * output that did not parse.
 */
export type StepOutput =
  | { readonly kind: 'vzdump' }
  | { readonly kind: 'archive-test'; readonly archive: string }
  | { readonly kind: 'pbs-task'; readonly verify: boolean }
  /**
   * Every snapshot's verify state read back after a verify: PBS skips what it
   * verified before (a snapshot that failed stays failed, unread), so only
   * this list says whether the whole datastore is proven sound.
   */
  | { readonly kind: 'pbs-verify-states'; readonly store: string }
  | { readonly kind: 'restic-backup' }
  /** `readsData`: the --read-data-subset given; without it only the structure is checked, which proves no restore. */
  | { readonly kind: 'restic-check'; readonly readsData?: string }
  | { readonly kind: 'rclone-sync' }
  /** The sync marker written after a whole sync: without it the status cannot tell the copy is whole. */
  | { readonly kind: 'rclone-mark'; readonly atSec: number }
  | { readonly kind: 'rclone-check' }
  /** A snapshot list; with `expect`, the named snapshot must be in it (the proof a send/recv arrived). */
  | { readonly kind: 'zfs-snapshots'; readonly dataset: string; readonly side: 'source' | 'target'; readonly expect?: string; readonly form: 'list' | 'get' }
  | { readonly kind: 'zpool-scrub'; readonly pool: string; readonly maxAgeSeconds: number | null }
  | { readonly kind: 'tar-list'; readonly archive: string; readonly paths: readonly string[] }
  /** qmrestore / pct restore, read with restoreFold (progress, refusal, what a failure left). */
  | { readonly kind: 'guest-restore'; readonly type: 'qemu' | 'lxc'; readonly vmid: number; readonly overwrites: boolean; readonly assetId: string }
  /** A guest task run from the CLI (rollback, clone, start, stop, destroy, set): its exit and the tool's refusal. */
  | { readonly kind: 'guest-task'; readonly what: string; readonly type: 'qemu' | 'lxc'; readonly vmid: number }
  /** A restored guest's config: one `--netN ...,link_down=1` step follows per NIC still linked. */
  | { readonly kind: 'guest-links-down'; readonly host: string; readonly type: 'qemu' | 'lxc'; readonly vmid: number };

export interface ActionPlan {
  readonly id: string;
  readonly request: ActionRequest;
  /** "Run vzdump of pve1-dump (all guests of job backup-1)". */
  readonly title: string;
  readonly steps: readonly PlanStep[];
  /**
   * True when a step writes to a host: every `run`. A verify counts only where
   * it changes what is stored: PBS verify rewrites each snapshot's manifest
   * (its verify state) and renames corrupt chunks to `.bad`, so it is true;
   * restic check (only a lock file and its cache), rclone check, `zpool
   * status`, `tar -t`, a compression test and a snapshot-list comparison read
   * only, so they are false. `--read-only` offers no plan that is true.
   */
  readonly changesHost: boolean;
  /** Layers to re-read when the action ends. */
  readonly affectedLayers: readonly string[];
  /** Run when a step fails or is cancelled (e.g. remove a half-written archive); shown with the plan. */
  readonly cleanup?: readonly PlanStep[];
  /** What the operator should know before confirming (what a verify does and does not prove, ...). */
  readonly notes?: readonly string[];
  /**
   * Set when Strata cannot carry this action out itself (e.g. a replication
   * between two hosts): the plan has no steps and this says what to do instead.
   */
  readonly blocked?: string;
  /**
   * Read-only checks once the steps ended ok (a restored guest exists with its
   * disks, starts, answers). Steps that did not all run leave them not run.
   */
  readonly checks?: readonly PlanCheck[];
  /**
   * Run after the steps and checks whatever happened (a drill stops and
   * destroys its scratch guest), each only when its guard allows.
   */
  readonly teardown?: readonly PlanStep[];
  /** Judge the steps together: a replication verify compares both sides' snapshot lists. */
  readonly compare?: { readonly kind: 'zfs-replication'; readonly source: string; readonly target: string; readonly maxLagSeconds: number | null };
}

export type ActionState = 'ok' | 'warn' | 'failed' | 'cancelled';

export interface ActionOutcome {
  readonly state: ActionState;
  /** Exit code of the last step that ran. */
  readonly exitCode: number | null;
  /** One line for the operator: "verify ok: 42 snapshots", "restic check: repository contains errors". */
  readonly summary: string;
  /** For verifies: whether the copies were proven sound. */
  readonly verified?: 'ok' | 'failed';
  readonly durationMs: number;
  /** One line per step that ran, in order ("pve1: vzdump: 3 guests backed up"). */
  readonly details?: readonly string[];
  /**
   * When the verified state was established, epoch seconds, where that is
   * earlier than the action: reading a pool's last scrub proves the pool as of
   * that scrub, not as of now.
   */
  readonly provenAtSec?: number;
  /** The plan's checks after, in order. */
  readonly checks?: readonly CheckOutcome[];
  /** Seconds the step that measures a restore took, when it ended ok. */
  readonly restoreSeconds?: number;
  /** What a failed step left on its host and what to do (a restore's stub config). */
  readonly leftover?: string;
}

/**
 * How far a long step is, where its tool says so: a restore's percent (VMA:
 * the whole archive; PBS: the current disk, restarting at 1 %) or, for a
 * container, only bytes and time.
 */
export interface StepProgress {
  readonly step: number;
  readonly format?: 'vma' | 'pbs' | 'ct';
  /** Null where the tool gives none (containers). */
  readonly percent: number | null;
  /** What the percent is of. */
  readonly scope: 'whole' | 'disk' | 'none';
  /** PBS: the disk being written, 1-based, of `count` when known. */
  readonly disk?: { readonly index: number; readonly name: string; readonly count?: number };
  readonly disksDone: number;
  readonly bytesRead: number;
  /** VMA: every device's size together. */
  readonly totalBytes?: number;
}

export interface OutputLine {
  readonly step: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}
