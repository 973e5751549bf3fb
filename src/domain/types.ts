/**
 * The shared vocabulary of Strata: what adapters observe on hosts and what the
 * health rules conclude from it. Pure data; every time field says its unit
 * (`…Sec`: epoch seconds, UTC), sizes are bytes. The status JSON is built from
 * these in status-report.ts under its own, published names.
 */

/** Worst first: crit > unknown > warn > ok. */
export type Health = 'ok' | 'warn' | 'unknown' | 'crit';

export const HEALTH_ORDER: readonly Health[] = ['ok', 'warn', 'unknown', 'crit'];

export function worstHealth(levels: Iterable<Health>): Health {
  let worst: Health = 'ok';
  for (const h of levels) if (HEALTH_ORDER.indexOf(h) > HEALTH_ORDER.indexOf(worst)) worst = h;
  return worst;
}

/** A reason a human can act on: the layer, the asset and the numbers. */
export interface Reason {
  readonly health: Exclude<Health, 'ok'>;
  readonly message: string;
  readonly layerId?: string;
  readonly assetId?: string;
  readonly host?: string;
}

/** The outcome of a parser or a probe: a value, or an error that becomes UNKNOWN. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ProbeError };

export type ProbeErrorKind =
  | 'parse' // output did not have the expected shape
  | 'command-failed' // the tool reported an error (exit code, error text)
  | 'auth' // wrong password, missing key (restic 12 / "wrong password")
  | 'not-found' // repository, dataset, storage or remote does not exist
  | 'locked' // repository lock held elsewhere
  | 'transport'; // the host could not be reached or the command could not run

export interface ProbeError {
  readonly kind: ProbeErrorKind;
  /** One line for the operator: what was wrong, with the tool's own words where useful. */
  readonly message: string;
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = <T = never>(kind: ProbeErrorKind, message: string): Result<T> => ({
  ok: false,
  error: { kind, message },
});

/** `vm/100`, `ct/101`, `dataset/tank/data`, `files/docker1:/srv/app`, `host/pve1` (config backups). */
export type AssetId = string;

export type AssetKind = 'vm' | 'ct' | 'dataset' | 'files' | 'host';

/** Something that exists and should be protected, as the hosts report it. */
export interface Asset {
  readonly id: AssetId;
  readonly kind: AssetKind;
  /** Guest name, dataset name, path. */
  readonly name?: string;
  /** The host (inventory name) where the live data is. */
  readonly host?: string;
  /** For ZFS-backed data: the pool holding the live data (snapshots there are rollback points). */
  readonly pool?: string;
  readonly template?: boolean;
}

export type VerificationState = 'ok' | 'failed' | 'none';

/** One restorable copy of one asset at one time, held by one layer. */
export interface RecoveryPoint {
  readonly layerId: string;
  readonly assetId: AssetId;
  /** When the point was taken (epoch seconds, UTC). */
  readonly timeSec: number;
  /**
   * When it was finished, where the host tells (a PBS backup task's end). A
   * copy started before then holds an unfinished point, so chains use this.
   */
  readonly completedAtSec?: number;
  /** The tool's own name for it: volid, PBS snapshot path, ZFS snapshot name, restic id, object path. */
  readonly ref: string;
  readonly sizeBytes?: number;
  readonly verification?: { readonly state: VerificationState; readonly atSec?: number; readonly upid?: string };
  readonly protected?: boolean;
  /** Storage class of a cloud object (e.g. GLACIER): readable only after a restore request. */
  readonly storageTier?: string;
  /** Still being written (PBS without manifest, PVE snapstate). */
  readonly partial?: boolean;
}

export type JobKind =
  | 'backup' // vzdump, PBS backup, restic backup, rclone sync, zfs snapshot/replication, config archive
  | 'verify'
  | 'sync'
  | 'prune'
  | 'gc'
  | 'restore'
  | 'snapshot'
  | 'other';

export type JobState = 'ok' | 'warn' | 'failed' | 'running';

/** One run of a job, as the host's task log reports it. */
export interface JobRun {
  readonly kind: JobKind;
  /** The tool's own task type (vzdump, verificationjob, syncjob, ...). */
  readonly type: string;
  readonly startedAtSec: number;
  readonly endedAtSec?: number;
  readonly state: JobState;
  /** Status text as reported: "OK", "WARNINGS: 2", "job errors", ... */
  readonly status: string;
  readonly assetId?: AssetId;
  readonly id?: string;
  readonly upid?: string;
}

/** A scheduled job definition (vzdump backup job, PBS verify/sync/prune job). */
export interface JobDefinition {
  readonly id: string;
  readonly type: string;
  readonly enabled: boolean;
  readonly schedule?: string;
  readonly nextRun?: number;
  /** Guests selected explicitly; `all` selects every guest of the node(s) except `exclude`. */
  readonly vmids?: readonly number[];
  readonly all?: boolean;
  readonly exclude?: readonly number[];
  readonly storage?: string;
  readonly retention?: string;
  readonly comment?: string;
}

export interface Capacity {
  readonly totalBytes: number;
  readonly usedBytes: number;
  readonly availBytes: number;
  /** What was measured: a datastore, a storage, a pool, a cloud remote. */
  readonly name?: string;
}

export interface PoolHealth {
  readonly name: string;
  /** ONLINE, DEGRADED, FAULTED, ... */
  readonly state: string;
  readonly healthy: boolean;
  /** `status:`/`errors:` lines of `zpool status -x` for the operator. */
  readonly detail?: string;
  readonly capacity?: Capacity;
}

/**
 * Everything one refresh learned about one layer. Errors do not throw: a probe
 * that failed is listed in `errors` and the layer's health becomes UNKNOWN.
 */
export interface LayerObservation {
  readonly layerId: string;
  /** Host time (epoch seconds) when the layer was read. */
  readonly readAtSec: number;
  readonly points: readonly RecoveryPoint[];
  readonly jobs: readonly JobRun[];
  readonly jobDefinitions?: readonly JobDefinition[];
  /** Assets that exist according to this layer's host (PVE guests, datasets, restic paths). */
  readonly assets: readonly Asset[];
  /**
   * `assets` is the complete list of every existing asset of these kinds (a PVE
   * cluster's guest list): points of other assets of these kinds belong to
   * deleted workloads. Only an authoritative inventory may say so.
   */
  readonly listsAllOf?: readonly AssetKind[];
  /**
   * The PVE nodes a `listsAllOf` guest list covers (the node read, and every
   * node a listed guest runs on): it says nothing about another cluster's guests.
   */
  readonly listedNodes?: readonly string[];
  /** Guests that no backup job covers (PVE not-backed-up). */
  readonly notBackedUp?: readonly AssetId[];
  readonly capacity?: Capacity;
  readonly pools?: readonly PoolHealth[];
  /**
   * Why the layer holds no point, when the host said so plainly (a config-archive
   * directory the layer's first run has not made yet): the words of its CRIT.
   */
  readonly noPointBecause?: string;
  readonly errors: readonly ProbeError[];
  /** How long reading the layer took (its probes, on the management host's clock). */
  readonly readDurationMs?: number;
}

/** What one refresh learned about one host itself. */
export interface HostObservation {
  readonly name: string;
  readonly reachable: boolean;
  /** Transport error in words (unreachable, auth failed, host key changed, ...). */
  readonly error: string | null;
  /** Host clock minus local clock, seconds. */
  readonly clockSkewSeconds: number | null;
  /** Host UTC offset as `+0100` (date +%z). */
  readonly utcOffset?: string;
  /** A PVE host's node name as its probes used it (the inventory's `node`, else what `hostname` said). */
  readonly pveNode?: string;
  /** How long an SSH session (worker shell) takes to start there, as the runner measured it; absent when unknown or local. */
  readonly sessionStartMs?: number;
  readonly readAtSec: number;
  /** How long reading the host's clock took (on the management host's clock). */
  readonly readDurationMs?: number;
}
