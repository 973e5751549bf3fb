/**
 * How a kind's layer gives files and datasets back (`KindSpec.files`): the
 * sources of a path or dataset it holds, one directory of a source at a
 * time, and the plan of a restore. The engine (src/services/restore/
 * files-engine.ts) ranks the sources of every kind together, keeps them by
 * id and runs the plans; each kind reads and plans only its own sources.
 */
import type { WantedPoint } from '../domain/restore/types.js';
import type { LayerKind } from '../domain/inventory-file.js';
import type { LayerObservation, RecoveryPoint, Result } from '../domain/types.js';
import type { FileEntry, FileTree } from '../adapters/shared/file-tree.js';
import type { Runner } from '../transport/runner.js';
import type { PlanCheck, PlanStep } from './action-types.js';
import type { ColdInfo, FileMethod, FileRestoreRequest, FileRestoreTarget, FileSource, FileSourceKind, FileTarget, ThawCounts, ThawPlan, ThawTier } from './files-types.js';
import type { LayerOf } from './planner-context.js';
import type { PreflightCheck } from './restore-types.js';

/** What browsing and planning need beyond the public source; each kind reads its own. */
export type SourceOrigin =
  | { readonly kind: 'restic'; readonly snapshot: string }
  /** `archive`: `etc.pxar.didx`; `inner` of `covers` is the archive's root. */
  | { readonly kind: 'pbs-archive'; readonly snapshot: string; readonly archive: string }
  | { readonly kind: 'pbs-image'; readonly snapshot: string }
  /** `mountpoint` of the dataset whose snapshot this is (for a replica: the replica's). */
  | { readonly kind: 'zfs-snapshot' | 'zfs-replica'; readonly dataset: string; readonly snapshot: string; readonly mountpoint: string; readonly original?: { readonly dataset: string; readonly mountpoint: string; readonly host: string } }
  /**
   * `dir`: below the remote's root, the directory `covers` maps to;
   * `pathsOf`: the host whose paths `covers` names, when not the copy's own (a copy of another host's replica).
   */
  | { readonly kind: 'rclone'; readonly dir: string; readonly pathsOf?: string };

export interface InternalSource {
  readonly source: FileSource;
  readonly origin: SourceOrigin;
  /** The path as the source itself names it, for a host path under `covers`. */
  readonly sourcePath: (hostPath: string) => string;
  /** Cold objects of the copy below `covers` (relative to the remote's root). */
  readonly coldObjects?: readonly string[];
}

/** One source of a layer before ranking. */
export interface FileDraft {
  readonly kind: FileSourceKind;
  readonly assetId: string;
  readonly point: RecoveryPoint;
  readonly covers: string;
  readonly start: string;
  readonly methods: readonly FileMethod[];
  /** The `files` method in words: "restic restore of the chosen paths". */
  readonly filesLabel: string;
  readonly origin: SourceOrigin;
  readonly sourcePath: (hostPath: string) => string;
  readonly cold?: { readonly info: ColdInfo; readonly objects: readonly string[] };
  readonly whyNot?: string;
}

/** Mountpoints read from the hosts: `host\0dataset` -> path (absent: none or unreadable). */
export type Mountpoints = ReadonlyMap<string, string>;
export const mountKey = (host: string, dataset: string) => `${host}\u0000${dataset}`;

/** The same files at a second place: a replica's mountpoint (`to`) holds the source dataset's (`from`). */
export interface Mirror {
  readonly sourceHost: string;
  readonly sourceDataset: string;
  /** The source's mountpoint, when it could be read. */
  readonly from?: string;
  readonly host: string;
  readonly dataset: string;
  readonly to: string;
}

/** The commands a file rule may run, and the engine's caches. */
export interface FileContext {
  runner(host: string): Runner;
  lookupEnv(name: string): string | undefined;
  nowSec(): number;
  /** A whole snapshot's listing, read once per source and engine (a failed read is read again next time). */
  tree(sourceId: string, read: () => Promise<Result<FileTree>>): Promise<Result<FileTree>>;
}

export interface FileSourcesInput {
  readonly target: FileTarget;
  readonly wanted: WantedPoint;
  /** The layer's reading now (undefined: not read). */
  readonly observation: LayerObservation | undefined;
  readonly mountpoints: Mountpoints;
  /** Every replica of the inventory, for copies of a replica's mountpoint. */
  readonly mirrors: readonly Mirror[];
}

export interface PlanParts {
  readonly method: FileMethod;
  readonly paths: readonly string[];
  readonly target: FileRestoreTarget;
  readonly steps: PlanStep[];
  readonly checks: PlanCheck[];
  readonly cleanup: PlanStep[];
  readonly preflight: PreflightCheck[];
  readonly destroys: string[];
  readonly confirmWord: string | null;
  readonly progress: 'percent' | 'bytes';
  readonly onFailure: string;
  readonly notes: string[];
  readonly thaw?: ThawPlan;
  /** The step whose duration is the restore (for bytes polled under `pollDir`). */
  readonly pollDir?: string;
}

export interface BrowseOptions {
  readonly limit: number;
  readonly signal?: AbortSignal;
}

export interface FileRule<K extends LayerKind> {
  /** It holds files of guests (`vm/100:/etc`), not only of hosts and datasets. */
  readonly guestFiles?: boolean;
  /** Datasets whose mountpoints its sources need, as `[host, dataset]`. */
  datasets?(layer: LayerOf<K>): readonly (readonly [string, string])[];
  /** Where it holds the same files as another place (a replica). */
  mirror?(layer: LayerOf<K>, mountpoints: Mountpoints): Mirror | undefined;
  /**
   * The layer's sources of the target, with what it reads beyond the layer's reading (manifests, a replica's own snapshots).
   * Where that cannot be read: RestoreError('unreadable'), which the engine lists as the layer's reason, not as a layer without the target.
   */
  sources(layer: LayerOf<K>, input: FileSourcesInput, ctx: FileContext): Promise<FileDraft[]>;
  /** One directory (a host path under `covers`) of one of its sources; bounded by the tool or `limit`. */
  browse(layer: LayerOf<K>, s: InternalSource, dir: string, ctx: FileContext, opts: BrowseOptions): Promise<{ readonly entries: readonly FileEntry[]; readonly truncated: boolean }>;
  /** Preflight and the exact steps and checks of a restore from one of its sources; only reads. */
  plan(layer: LayerOf<K>, s: InternalSource, ask: { readonly request: FileRestoreRequest; readonly method: FileMethod; readonly paths: readonly string[] }, ctx: FileContext): Promise<PlanParts>;
  /** Where its objects can be in cold storage: the thaw first, the copy later (the engine saves the thaw between). */
  readonly cold?: ColdRule<K>;
}

/** A thaw as saved: what the cold rule needs to read how far it is. */
export interface SavedThawRef {
  readonly sourceId: string;
  readonly paths: readonly string[];
  readonly target: FileRestoreTarget;
  /** Objects the request named, relative to the copy's root. */
  readonly objects: readonly string[];
}

export interface ColdRule<K extends LayerKind> {
  /** How long a thaw of a storage class takes at each priority, and its cost. */
  tiers(storageClass: string): ThawTier[];
  /** Requests the thaw of a plan's objects; `failed` lists the entries the store refused. */
  request(layer: LayerOf<K>, s: InternalSource, ask: { readonly paths: readonly string[]; readonly thaw: ThawPlan }, ctx: FileContext, signal?: AbortSignal): Promise<Result<{ readonly failed: readonly { readonly remote: string; readonly status: string }[]; readonly total: number; readonly detail: string }>>;
  /** How far a saved thaw is (`s`: its source when this process has listed it). */
  state(layer: LayerOf<K>, t: SavedThawRef, s: InternalSource | undefined, ctx: FileContext): Promise<{ readonly counts: ThawCounts; readonly ready: boolean; readonly readBy: 'restore-status' | 'copy-attempt'; readonly detail: string }>;
  /** The copy and check once every object is thawed. */
  copy(layer: LayerOf<K>, s: InternalSource, ask: { readonly request: FileRestoreRequest; readonly paths: readonly string[] }, ctx: FileContext): PlanParts;
  /** The path to list its sources again by when a saved thaw is resumed in a new process. */
  resumePath(layer: LayerOf<K>, paths: readonly string[]): string | undefined;
}
