/**
 * What a file or dataset restore is about, shared by the engine
 * (src/services/restore/files-engine.ts, whose public face is files-api.ts)
 * and the kinds that hold files (each kind's `files` rule): the target, a
 * source and its methods, the request and what a plan restores to.
 */
import type { LayerKind } from '../domain/inventory-file.js';
import type { SourceLocation, TimeEstimate } from '../domain/restore/types.js';
import type { PlannedCommand } from './restore-types.js';

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
  /** The wait's upper bound, seconds; null where the priority is not offered. */
  readonly withinSeconds: number | null;
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

export interface ThawCounts {
  readonly thawed: number;
  readonly thawing: number;
  readonly notRequested: number;
  /** Entries the thaw request reported failed, or whose thawed copy expired. */
  readonly failed: number;
}
