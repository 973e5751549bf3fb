/**
 * The DR engine (issue 14 §1, §2, §5 of the design): the plan of a rebuild
 * from what answers now, and the rebuild itself as resumable steps whose
 * state is saved in the state directory after every change. The CLI
 * (`strata dr plan|run|report`) and the TUI's rebuild wizard both drive it;
 * docs/architecture.md traces a rebuild through it.
 */
import type { DrPlan } from '../../domain/dr/types.js';
import type { SideBySide } from '../../domain/side-by-side.js';
import type { OutputLine } from '../../kinds/action-types.js';
import type { PlanOptions } from './plan-reader.js';

export type { DrPlan, GuestPath, PathStep, PlannedGuest, Prerequisite, RebuildStepSummary, SurvivingCopy, TierPlan } from '../../domain/dr/types.js';
export type { PlanOptions } from './plan-reader.js';
export type { SideBySide } from '../../domain/side-by-side.js';

/** `node`, `identity`, `network`, `host-config`, `storage`, `chains`, `tier:<name>` per tier, `report`. */
export type RebuildStepId = string;

/**
 * - `pending`: not started; `running`: started and not ended (after a crash: interrupted, run again on resume)
 * - `done`: ran to its end now; `already-done`: its check found it done before it ran (nothing was run)
 * - `failed`: ran and failed (run it again after fixing what `detail` says)
 * - `blocked`: cannot run until the operator does something (`detail` says what)
 */
export type RebuildStepState = 'pending' | 'running' | 'done' | 'already-done' | 'failed' | 'blocked';

export interface RebuildCommand {
  readonly host: string;
  /** As the operator reads it (secrets by name only). */
  readonly command: string;
  readonly description: string;
  /** Shown only, never run by Strata (the network file, `ifreload -a`). */
  readonly shownOnly?: boolean;
}

/**
 * How the host configuration comes back (restore-formats §5):
 * - `config-db`: the documented route: pve-cluster stopped, the archived config.db in place (0600), started;
 * - `files`: selected files of the archived /etc/pve copied one by one onto the running node
 *   (storage.cfg, jobs.cfg, the firewall, the storages' key and password files); users,
 *   cluster keys and guest configurations are not among them.
 */
export type HostConfigRoute = 'config-db' | 'files';

/** One guest of a tier step. */
export interface GuestRun {
  readonly assetId: string;
  readonly vmid: number;
  readonly type: 'qemu' | 'lxc';
  readonly name?: string;
  /** `layer@ref` restored from. */
  readonly sourceId: string | null;
  /** When the point restored was taken (epoch seconds): the data lost is the time before the disaster after it. */
  readonly pointTimeSec: number | null;
  /**
   * `pending` -> `restoring` -> `checked` (restored, started, checks passed); `already-there` (found running
   * before any restore); `check-failed` (restored, a check failed); `failed`; `no-source`.
   */
  readonly state: 'pending' | 'restoring' | 'checked' | 'already-there' | 'check-failed' | 'failed' | 'no-source';
  readonly detail: string;
  /** Target storage the restore writes to. */
  readonly storage: string;
  /** What the plan expects its restore, start and check to take (seconds); the longest of a tier start first. Absent: not estimated. */
  readonly expectedSeconds?: number;
  readonly startedAtSec?: number;
  readonly endedAtSec?: number;
  /** Seconds the restore itself took. */
  readonly restoreSeconds?: number;
  /** How many times a restore of it was started (a resume after a kill restores an interrupted guest again). */
  readonly attempts: number;
  /**
   * The chain (ChainRun.id) its point comes back through: its source is chosen
   * when its tier runs, the newest point of it in the datastore the chain restored.
   */
  readonly chainId?: string;
}

/** A chain's phases (chain-commands.md 1-7), in order. */
/** `tool`: restic or rclone on H; `source`: the restic snapshot chosen, or an rclone copy's cold objects thawed. */
export const CHAIN_PHASES = ['tool', 'source', 'restore', 'owner', 'datastore', 'acl', 'storage'] as const;
export type ChainPhase = (typeof CHAIN_PHASES)[number];

/**
 * A lost PBS datastore brought back from a copy (issue 14 §2.6): its directory
 * restored from the copy onto the PBS host `host`, added there as datastore
 * `name`, readable by the surviving PBS layer's token, and added to the new node
 * as storage `name`. Its guests are then restored from `restoredLayerId`.
 */
export interface ChainRun {
  /** `<copy>:<origin>`, e.g. `restic-cloud:pbs-local`. */
  readonly id: string;
  /** The copy (a restic or rclone layer) and the host its secrets are read on. */
  readonly copyLayerId: string;
  readonly copyKind: string;
  /** What its phases do, in the copy kind's words (the tool H needs, the source phase, the restore). */
  readonly words: { readonly tool: string; readonly source: string; readonly restore: string };
  readonly copyHost: string;
  /** An rclone copy in a cold storage class: its objects are thawed first. */
  readonly cold: boolean;
  /** The thaw asked for (an rclone cold copy): when, and how many objects. */
  readonly thaw: { readonly requestedAtSec: number; readonly objects: number } | null;
  /** The lost PBS layer whose datastore the copy carries. */
  readonly originLayerId: string;
  /** The datastore directory as the copy carries it (`/mnt/usb/pbs`). */
  readonly carriedPath: string;
  /** H: the PBS host the datastore is restored onto, and the surviving PBS layer there (auth id, secret, fingerprint). */
  readonly host: string;
  readonly pbsLayerId: string;
  /** The datastore's and the node storage's name (`usb-restored`). */
  readonly name: string;
  /** Where restic restores to (`/mnt/datastore/strata-pbs-local`), and the datastore directory under it. */
  readonly dir: string;
  readonly store: string;
  /** The PBS layer the rebuild adds to its inventory once the chain is done (`pbs-local-restored`). */
  readonly restoredLayerId: string;
  /** The copy's snapshot restored (chosen once: a resume restores the same one). */
  readonly snapshot: { readonly id: string; readonly timeSec: number } | null;
  /** The last phase done (or found done); null before the first. */
  readonly reached: ChainPhase | null;
  /** Times this rebuild started the restore: once started, a resume restores again rather than trust a half-written directory. */
  readonly restoreRuns: number;
  readonly state: 'pending' | 'running' | 'done' | 'failed' | 'blocked';
  /** What the last phase found or did, in words; for `blocked`/`failed`, what to do. */
  readonly detail: string;
  /** Guests (asset ids) restored through it. */
  readonly guests: readonly string[];
}

export interface RebuildStep {
  readonly id: RebuildStepId;
  readonly title: string;
  /** Whether running it changes the new node (then it is confirmed first). */
  readonly writes: boolean;
  readonly commands: readonly RebuildCommand[];
  readonly state: RebuildStepState;
  /** What its check or its run found, in words. */
  readonly detail: string;
  /** Epoch seconds. */
  readonly startedAtSec?: number;
  readonly endedAtSec?: number;
  /** How many times it was started. */
  readonly runs: number;
  /** Tier steps only. */
  readonly tier?: { readonly name: string; readonly rtoSeconds: number | null };
  readonly guests?: readonly GuestRun[];
  /** What the step read to put beside each other (the network step). */
  readonly compare?: SideBySide;
}

export interface RebuildTarget {
  /** Address Strata reaches the new node at (default: the lost node's). */
  readonly address: string;
  readonly port: number;
  /** The host key fingerprint the operator typed and Strata verified; null until the node step ran. */
  readonly hostKeyFingerprint: string | null;
}

export interface RebuildState {
  readonly version: 1;
  readonly id: string;
  readonly configPath: string;
  /** Epoch seconds. */
  readonly startedAtSec: number;
  readonly updatedAtSec: number;
  readonly finishedAtSec: number | null;
  readonly lost: DrPlan['lost'];
  readonly target: RebuildTarget;
  /** Where the config.db from the off-site archive is on the new node; its directory holds what else was taken out of the archive. */
  readonly configDbPath: string;
  /** Absent in a rebuild saved before the choice existed: `config-db`. */
  readonly hostConfigRoute?: HostConfigRoute;
  /** Storage guests are restored to. */
  readonly storage: string;
  readonly parallelPerStorage: number;
  /** The surviving PBS layers the storage step adds, with the certificate fingerprint the plan read (or the inventory pins). */
  readonly pbs: readonly { readonly layerId: string; readonly host: string; readonly fingerprint: string | null }[];
  /** The chains the `chains` step runs (absent in a rebuild saved before chains ran: none). */
  readonly chains?: readonly ChainRun[];
  readonly steps: readonly RebuildStep[];
}

export interface StartOptions {
  /** Default: the lost node's inventory address and port. */
  readonly address?: string;
  readonly port?: number;
  /** Default /root/strata-restore/config.db. */
  readonly configDbPath?: string;
  /** Default `config-db`. */
  readonly hostConfigRoute?: HostConfigRoute;
  /** Default local-lvm. */
  readonly storage?: string;
  /** Default 2. */
  readonly parallelPerStorage?: number;
  readonly lostHost?: string;
  /** Replace a saved rebuild that has not finished (it is otherwise refused: resume it). */
  readonly restart?: boolean;
}

export type RebuildEvent =
  | { readonly type: 'step'; readonly step: RebuildStep }
  | { readonly type: 'guest'; readonly stepId: RebuildStepId; readonly guest: GuestRun }
  | { readonly type: 'chain'; readonly stepId: RebuildStepId; readonly chain: ChainRun }
  | { readonly type: 'output'; readonly stepId: RebuildStepId; readonly assetId?: string; readonly line: OutputLine }
  | { readonly type: 'progress'; readonly stepId: RebuildStepId; readonly assetId: string; readonly percent: number | null; readonly etaSeconds: number | null };

export interface StepRunOptions {
  /** The operator said yes to this step's commands (steps that write refuse without it). */
  readonly confirm?: boolean;
  /** The node step: the fingerprint the operator typed after comparing it on the node's console. */
  readonly typedFingerprint?: string;
  readonly signal?: AbortSignal;
  onEvent?(event: RebuildEvent): void;
}

export interface HostKeyOffer {
  /** `SHA256:...`, as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
  readonly keyType: string;
}

export interface Rebuild {
  /** The state as saved (a new object after each change). */
  state(): RebuildState;
  /** The first step not done (`done` or `already-done`), or null when the rebuild is finished. */
  next(): RebuildStep | null;
  /** What the new node offers as its host key (the node step shows it; nothing is trusted). */
  offeredHostKey(): Promise<HostKeyOffer>;
  /**
   * Read-only: whether the step is done already. A step found done is saved
   * as `already-done` and never run. Steps after `node` need it done first.
   */
  check(stepId: RebuildStepId): Promise<RebuildStep>;
  /**
   * Checks the step, then runs it unless it is done. Rejects with DrError
   * before anything ran (`confirmation-required`, `fingerprint-mismatch`,
   * `out-of-order`); afterwards the outcome is in the returned step.
   */
  run(stepId: RebuildStepId, opts?: StepRunOptions): Promise<RebuildStep>;
  /**
   * Chooses how the host configuration comes back; its step's commands
   * change with it. Refused (`already-done`) once the step is done.
   */
  chooseHostConfigRoute(route: HostConfigRoute): Promise<RebuildStep>;
  close(): Promise<void>;
}

export interface TierOutcome {
  readonly name: string;
  readonly rtoSeconds: number | null;
  /** From the rebuild's start until the last guest of the tier was checked; null when not all were. */
  readonly achievedSeconds: number | null;
  readonly met: boolean | null;
  readonly guests: readonly GuestRun[];
}

export interface DrReport {
  readonly rebuildId: string;
  readonly lost: DrPlan['lost'];
  readonly target: RebuildTarget;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly tiers: readonly TierOutcome[];
  /** Per guest: the point restored and its age at the disaster's reading (the data lost). */
  readonly guests: readonly (GuestRun & { readonly tier: string; readonly pointAt: string | null; readonly dataLostSeconds: number | null })[];
  readonly steps: readonly { readonly id: string; readonly title: string; readonly state: RebuildStepState; readonly detail: string }[];
}

export interface DrEngine {
  plan(opts?: PlanOptions): Promise<DrPlan>;
  /** The saved rebuild, or null when none was started. */
  saved(): Promise<RebuildState | null>;
  /** A new rebuild from a fresh plan; refused (`rebuild-in-progress`) while an unfinished one is saved, unless `restart`. */
  start(opts?: StartOptions): Promise<Rebuild>;
  /** The rebuild `start` would begin, not saved and nothing run: to show before the operator says yes. */
  preview(opts?: StartOptions): Promise<RebuildState>;
  /** The saved rebuild, to continue (`no-rebuild` when there is none). */
  resume(): Promise<Rebuild>;
  /** The report of the saved rebuild (finished or not), or null. */
  report(): Promise<DrReport | null>;
}

export type DrErrorCode =
  | 'no-rebuild'
  | 'rebuild-in-progress'
  | 'confirmation-required'
  | 'fingerprint-mismatch'
  | 'out-of-order'
  | 'unknown-step'
  | 'unreadable'
  | 'read-only'
  | 'already-done';

export class DrError extends Error {
  constructor(
    readonly code: DrErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DrError';
  }
}
