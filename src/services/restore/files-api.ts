/**
 * The file and dataset restore engine's public face (issue 13): what the TUI
 * wizard's file steps and `strata restore --path|--dataset|--resume` call.
 * The same shape as the guest engine (api.ts), with paths instead of VMIDs:
 *
 * 1. `sources({path | dataset})`: every layer holding the path or dataset at
 *    a time, ranked like guest sources (plannable first, newest, nearest,
 *    proven, shortest estimate); steps like "thaw first" named.
 * 2. `browse(sourceId, dir)`: one directory of a source at a time, in the
 *    host's own paths (`/etc/nginx`), bounded, for the wizard's browser.
 * 3. `plan(request)`: preflight, exact commands, what it replaces or
 *    destroys (then a typed word), the checks that read the data back.
 * 4. `run(plan, opts)`: through the journaling executor, with the guest
 *    engine's events; a cold source's plan requests the thaw and ends in
 *    state `thawing` with a saved restore id; `resume(id)` goes on later,
 *    from any process.
 */
import type { FileEntry } from '../../adapters/shared/file-tree.js';
import type { LayerKind } from '../../domain/inventory-file.js';
import type { SourceLocation, TimeEstimate, WantedPoint } from '../../domain/restore/types.js';
import type { ActionOutcome, ActionPlan } from '../../kinds/action-types.js';
import type { PreflightCheck } from '../../kinds/restore-types.js';
import type { CheckResult, CheckSpec, PlannedCommand, RestoreEvent, RunOptions } from './api.js';

export type { FileEntry, FileKind } from '../../adapters/shared/file-tree.js';
export { RestoreError, type RestoreErrorCode } from './api.js';

// ---------------------------------------------------------------------------
// What is restored

/**
 * `{kind: 'path', host: 'pve1', path: '/etc/nginx'}` from `pve1:/etc/nginx`
 * (`parseFileTarget`), or a dataset `tank/data`. `host` is an inventory
 * host name.
 */
export type FileTarget =
  | { readonly kind: 'path'; readonly host: string; readonly path: string }
  | { readonly kind: 'dataset'; readonly dataset: string }
  /** A guest's file (`vm/100:/etc/hosts`, `ct/102:/etc`): from its PBS backups. */
  | { readonly kind: 'guest'; readonly assetId: string; readonly path: string };

export interface FileSourceQuery {
  /** `HOST:/etc/nginx`, a files workload id `files/docker1:/srv/app`, or a guest's `vm/100:/` / `ct/102:/etc`. */
  readonly path?: string;
  /** `tank/data` or `dataset/tank/data`. */
  readonly dataset?: string;
  /** Default latest. */
  readonly point?: WantedPoint;
  /** Only this layer. */
  readonly layerId?: string;
}

/** How a source's data comes back. */
export type FileSourceKind =
  /** restic ls / restic restore --include. */
  | 'restic'
  /** A pxar archive of a PBS host or container backup: catalog dump / restore --pattern (or file-restore extract). */
  | 'pbs-archive'
  /**
   * A VM image of a PBS snapshot through proxmox-file-restore (list /
   * extract): paths are the image's own, `/drive-scsi0.img.fidx/part/2/etc/hosts`
   * (`covers` and `start` are `/`, the snapshot's archives).
   */
  | 'pbs-image'
  /** A ZFS snapshot: its `.zfs/snapshot/<name>` directory (or a read-only clone where there is none). */
  | 'zfs-snapshot'
  /** The replica of a ZFS replication layer: its snapshot directory, or `zfs send -I | zfs recv` back. */
  | 'zfs-replica'
  /** An rclone copy: lsjson / copy back / check --download; cold objects are thawed first. */
  | 'rclone';

export type FileMethod =
  /** Chosen paths copied out (restic restore, pxar restore, cp from a snapshot directory, rclone copy). */
  | 'files'
  /** A dataset as a new clone of the snapshot (nothing destroyed). */
  | 'clone'
  /** `zfs rollback -r`: destroys every newer snapshot (typed confirmation). */
  | 'rollback'
  /** `zfs send -I | zfs recv` from the replica onto the dataset (`-F` discards newer snapshots there). */
  | 'receive';

export interface FileSourceStep {
  readonly kind: 'thaw' | 'restore' | 'clone' | 'rollback' | 'receive';
  readonly label: string;
  /** Whether Strata plans it (all do, except where `whyNot` says). */
  readonly planned: boolean;
}

/** Objects in a cold storage class (S3 Glacier / Deep Archive). */
export interface ColdInfo {
  /** `GLACIER`, `DEEP_ARCHIVE`. */
  readonly storageClass: string;
  /** Per priority: how long a thaw takes and what it costs, in words. */
  readonly tiers: readonly ThawTier[];
}

export type ThawPriority = 'Expedited' | 'Standard' | 'Bulk';

export interface ThawTier {
  readonly priority: ThawPriority;
  /** "1-5 minutes", "3-5 hours", "5-12 hours". */
  readonly wait: string;
  /** "highest", "standard", "lowest": the cost class, not a price. */
  readonly cost: string;
  /** Not offered for this class (Deep Archive has no Expedited). */
  readonly available: boolean;
}

export interface FileSource {
  /** `${layerId}@${point.ref}`: for `browse`, `plan` and `--from`. */
  readonly id: string;
  readonly layerId: string;
  readonly layerKind: LayerKind;
  readonly kind: FileSourceKind;
  /** The inventory host that runs the source's tool (restic's host, the PBS client, the NAS). */
  readonly host: string;
  /** The workload it belongs to (`files/docker1:/srv/app`, `host/pve1`, `dataset/tank/data`). */
  readonly assetId: string;
  readonly point: { readonly ref: string; readonly timeSec: number; readonly sizeBytes?: number };
  readonly ageSeconds: number;
  readonly location: SourceLocation;
  /** The host path the source covers (`/srv/app`, `/etc`, `/tank/data`): `browse` and selections use host paths under it. */
  readonly covers: string;
  /** Where browsing starts: the asked path, or `covers` for a dataset. */
  readonly start: string;
  readonly steps: readonly FileSourceStep[];
  readonly methods: readonly FileMethod[];
  readonly plannable: boolean;
  readonly whyNot?: string;
  readonly estimate: TimeEstimate;
  readonly provenAtSec: number | null;
  /** Set for cold rclone copies: thaw first. */
  readonly cold?: ColdInfo;
  readonly rank: number;
}

export interface FileSourceList {
  readonly target: FileTarget;
  readonly sources: readonly FileSource[];
  /** Layers that could hold it but could not be read now (UNKNOWN, not "no point"). */
  readonly unreadable: readonly { readonly layerId: string; readonly reason: string }[];
  readonly readAtSec: number;
}

// ---------------------------------------------------------------------------
// Browsing

export interface BrowseResult {
  readonly sourceId: string;
  /** The host path listed. */
  readonly dir: string;
  /** Sorted by name; paths are host paths (`/etc/nginx/nginx.conf`). */
  readonly entries: readonly FileEntry[];
  /** More entries than the bound: the listing stops there (say so). */
  readonly truncated: boolean;
}

// ---------------------------------------------------------------------------
// Plans

/** restic 0.17's `--overwrite`; older restic always overwrites (the plan then lists what is replaced). */
export type OverwritePolicy = 'always' | 'if-changed' | 'if-newer' | 'never';

export type FileRestoreTargetChoice =
  /** The default: a new directory on the host (`/var/tmp/strata-restore/<id>` unless given), nothing overwritten. */
  | { readonly kind: 'alternate'; readonly dir?: string }
  /** Over the original paths: typed confirmation; `overwrite` required where the tool has the option. */
  | { readonly kind: 'original'; readonly overwrite?: OverwritePolicy };

export interface FileRestoreRequest {
  readonly sourceId: string;
  /** Host paths chosen in the browser (under the source's `covers`); default the source's `start`. */
  readonly paths?: readonly string[];
  /** Default `files` for a path, `clone` for a dataset. */
  readonly method?: FileMethod;
  /** Files: default alternate. */
  readonly target?: FileRestoreTargetChoice;
  /** `clone`: the new dataset (default `<dataset>-restore-<time>`). */
  readonly cloneName?: string;
  /** restic `--verify` (default on). */
  readonly verify?: boolean;
  /** Cold sources: the thaw's priority (default Standard) and how long objects stay thawed (default 3 days). */
  readonly thaw?: { readonly priority?: ThawPriority; readonly lifetimeDays?: number };
}

export interface FileRestoreTarget {
  /** The host written to. */
  readonly host: string;
  /** The directory the files land in (for `original`, `/`), or the dataset written (clone, rollback, receive). */
  readonly path: string;
  readonly overwrites: boolean;
}

export interface ThawPlan {
  readonly priority: ThawPriority;
  readonly lifetimeDays: number;
  readonly wait: string;
  readonly cost: string;
  readonly storageClass: string;
  /** The archived objects under the chosen paths (relative to the remote's root): what must be thawed. */
  readonly objects: readonly string[];
  /** The thaw request as the operator reads it. */
  readonly command: PlannedCommand;
}

export interface FileRestorePlan {
  readonly id: string;
  readonly title: string;
  readonly request: FileRestoreRequest;
  readonly source: FileSource;
  readonly method: FileMethod;
  /** Host paths restored (files); empty for dataset methods. */
  readonly paths: readonly string[];
  readonly target: FileRestoreTarget;
  readonly preflight: readonly PreflightCheck[];
  readonly ready: boolean;
  /** What is replaced or destroyed, in words (every snapshot `rollback -r` destroys, the files restic overwrites). */
  readonly destroys: readonly string[];
  /** The word to type when `destroys` is non-empty: the host for files, the dataset for rollback/receive. */
  readonly confirmWord: string | null;
  readonly commands: readonly PlannedCommand[];
  readonly cleanup: readonly PlannedCommand[];
  readonly checks: readonly CheckSpec[];
  /** `percent` (restic 0.16+ --json), else `bytes` (elapsed time and bytes under the target). */
  readonly progress: 'percent' | 'bytes';
  readonly onFailure: string;
  readonly notes: readonly string[];
  /** Cold source: `run` requests this thaw and returns `thawing` with a restore id; the copy comes with `resume`. */
  readonly thaw?: ThawPlan;
  readonly action: ActionPlan;
}

// ---------------------------------------------------------------------------
// Running and cold storage

export type FileRestoreEvent = RestoreEvent | { readonly type: 'thaw'; readonly status: ThawProgress };

export interface FileRunOptions extends Omit<RunOptions, 'onEvent'> {
  onEvent?(event: FileRestoreEvent): void;
}

export interface ThawCounts {
  readonly thawed: number;
  readonly thawing: number;
  readonly notRequested: number;
  /** Entries the thaw request reported failed, or whose thawed copy expired. */
  readonly failed: number;
}

export interface ThawProgress {
  /** The saved restore's id (`strata restore --resume ID`). */
  readonly id: string;
  readonly counts: ThawCounts;
  /** Every object thawed: `resume` copies and checks now. */
  readonly ready: boolean;
  /** How the state was read: `restore-status` (rclone 1.64+) or `copy-attempt` (older: "Object in GLACIER, restore first"). */
  readonly readBy: 'restore-status' | 'copy-attempt';
  readonly requestedAtSec: number;
  readonly wait: string;
  readonly detail: string;
}

/** A thaw saved in the state directory (`thaws/ID.json`): everything `resume` needs in a new process. */
export interface SavedThaw {
  readonly id: string;
  readonly createdAtSec: number;
  readonly request: FileRestoreRequest;
  readonly sourceId: string;
  readonly layerId: string;
  readonly paths: readonly string[];
  readonly target: FileRestoreTarget;
  readonly priority: ThawPriority;
  readonly lifetimeDays: number;
  /** `GLACIER`, `DEEP_ARCHIVE`: the waits to expect. */
  readonly storageClass?: string;
  /** Objects the request named, relative to the remote directory. */
  readonly objects: readonly string[];
  readonly state: 'thawing' | 'restored' | 'failed';
  readonly last?: ThawProgress;
}

/**
 * - `restored`: the files or dataset are back and every check that ran passed.
 * - `check-failed`: back, but a check that reads the data failed.
 * - `thawing`: a thaw was requested and saved (`thawId`); nothing copied yet.
 * - `failed`, `cancelled`: `leftover` says what is left.
 */
export type FileRestoreState = 'restored' | 'check-failed' | 'thawing' | 'failed' | 'cancelled';

export interface FileRestoreResult {
  readonly state: FileRestoreState;
  readonly summary: string;
  readonly checks: readonly CheckResult[];
  readonly leftover: string | null;
  readonly restoreSeconds: number | null;
  readonly durationMs: number;
  /** 0 restored and checked (or a thaw requested), 1 a check failed, 2 failed or cancelled. */
  readonly exitCode: 0 | 1 | 2;
  readonly thaw?: ThawProgress;
  readonly outcome?: ActionOutcome;
}

export interface FileRestoreEngine {
  /** Every layer holding the path or dataset, ranked. Rejects with RestoreError('not-found' | 'invalid'). */
  sources(query: FileSourceQuery): Promise<FileSourceList>;
  /** One directory of a source (host paths), bounded (default 10,000 entries). Rejects with RestoreError('unreadable' | 'no-source'). */
  browse(sourceId: string, dir: string, opts?: { readonly limit?: number; readonly signal?: AbortSignal }): Promise<BrowseResult>;
  /** Preflight and the exact plan; changes nothing. */
  plan(request: FileRestoreRequest): Promise<FileRestorePlan>;
  /** Runs a plan (a cold one: requests the thaw and saves it). Rejects only before anything ran. */
  run(plan: FileRestorePlan, opts?: FileRunOptions): Promise<FileRestoreResult>;
  /** The saved thaws, newest first (the TUI's "waiting restores"). */
  thaws(): Promise<readonly SavedThaw[]>;
  /** Reads a saved thaw's state now; changes nothing. Rejects with RestoreError('not-found'). */
  thawStatus(id: string): Promise<ThawProgress>;
  /** Reads the thaw; when every object is thawed, copies and checks (state `restored`...), else returns `thawing` with the counts. */
  resume(id: string, opts?: FileRunOptions): Promise<FileRestoreResult>;
}

/** `pve1:/etc/nginx`, `files/pve1:/etc/nginx` or a guest's `vm/100:/etc` (host `vm/100`); undefined for anything else. */
export function parseFileTarget(text: string): { host: string; path: string } | undefined {
  const m = /^(?:files\/)?((?:vm|ct)\/[1-9]\d{2,8}|[A-Za-z0-9][A-Za-z0-9._-]*):(\/.*)$/.exec(text);
  if (!m) return undefined;
  const path = m[2]!.length > 1 ? m[2]!.replace(/\/+$/, '') : m[2]!;
  if (/\0|\/\.\.?(\/|$)/.test(path)) return undefined;
  return { host: m[1]!, path };
}
