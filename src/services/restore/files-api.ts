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
import type { WantedPoint } from '../../domain/restore/types.js';
import type { ActionOutcome, ActionPlan } from '../../kinds/action-types.js';
import type { PreflightCheck } from '../../kinds/restore-types.js';
import type { CheckResult, CheckSpec, PlannedCommand, RestoreEvent, RunOptions } from './api.js';

export type { FileEntry, FileKind } from '../../adapters/shared/file-tree.js';
export { RestoreError, type RestoreErrorCode } from './api.js';
export type { FileTarget, FileSourceKind, FileMethod, FileSourceStep, ColdInfo, ThawPriority, ThawTier, FileSource, OverwritePolicy, FileRestoreTargetChoice, FileRestoreRequest, FileRestoreTarget, ThawPlan, ThawCounts } from '../../kinds/files-types.js';
import type { FileTarget, FileMethod, ThawPriority, FileSource, FileRestoreRequest, FileRestoreTarget, ThawPlan, ThawCounts } from '../../kinds/files-types.js';

// ---------------------------------------------------------------------------
// What is restored

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
