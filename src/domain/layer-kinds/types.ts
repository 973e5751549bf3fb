/**
 * The pure half of a layer kind: what the health rules, the screens and the
 * collector may know about it without any I/O. Each kind's row is in its own
 * file beside this one; index.ts joins them. The reader, probes and planners
 * are the kind's folder under src/kinds/.
 */
import type { ParsedAssetId } from '../asset-id.js';
import type { Layer } from '../inventory.js';
import type { LayerKind } from '../inventory-file.js';
import type { Asset, RecoveryPoint } from '../types.js';

export type LayerOfKind<K extends LayerKind> = Extract<Layer, { readonly kind: K }>;

/** What a layer may hold of a workload: a copy, or only a rollback point on the live data's own storage. */
export type Hold = 'copy' | 'rollback';

/** A workload as the rules know it when asking a layer about it. */
export interface WorkloadRef {
  readonly id: string;
  readonly parsed: ParsedAssetId;
  /** The host (inventory name) of the live data, when known. */
  readonly host?: string;
  /** ZFS pool of the live data, when known. */
  readonly pool?: string;
}

export interface LayerKindInfo<K extends LayerKind = LayerKind> {
  /** For people: "ZFS replication". */
  readonly label: string;
  /** The dashboard matrix's column header, short enough for 80 columns. */
  readonly column: string;
  /** What holds its copies, in a message about it failing: "datastore pbs-local", "bucket nas-glacier". */
  readonly store: string;
  /** From the copy nearest the data (0) to the one furthest away. */
  readonly order: number;
  /** It lives on a PVE node: reading needs the node name, and the node's guests must be covered by a guest list. */
  readonly onPveNode: boolean;
  /** Its points are snapshots of the live data: rollback points, with no deadline unless the layer sets an rpo. */
  readonly snapshotsOfLiveData: boolean;
  /** Its points are taken by hand (guest snapshots): none at all is no finding unless the layer sets an rpo. */
  readonly pointsAreAdHoc: boolean;
  /** A complete reading of it lists every guest of its cluster (deleted guests are then known). */
  readonly listsGuests: boolean;
  /** Its points carry a verification state of their own (a PBS datastore): never verified is a finding. */
  readonly verifiesPoints: boolean;
  /** Which workloads its reader attributes, not its configuration: configured ones stand in only while it cannot be read. */
  readonly readerAttributesWorkloads: boolean;
  /** Hosts that must answer for the layer to be read: its own, and any other it reads from. */
  hostsOf(layer: LayerOfKind<K>): string[];
  /** What it may hold of a workload by its kind and configuration (not through a chain), or null. */
  holds(layer: LayerOfKind<K>, workload: WorkloadRef): Hold | null;
  /** Whether a point it holds is only a rollback point of the workload (same pool as the live data). */
  isRollbackPoint(layer: LayerOfKind<K>, point: RecoveryPoint, workload: Pick<WorkloadRef, 'pool'>): boolean;
  /** Workloads its configuration names, whether or not its host answers. */
  configuredAssets(layer: LayerOfKind<K>): Asset[];
  /** With `copyOf` and no `carriers`: every own point holds the copied layers' data. */
  carriesByDefault(layer: LayerOfKind<K>): boolean;
  /** A copy of another layer keeps that layer's workloads as its own points (a PBS sync, a replication): no carriers to name. */
  readonly copiesKeepWorkloads: boolean;
}

export const ownHost = (layer: Layer): string[] => [layer.host];
export const never = (): false => false;
export const none = (): Asset[] => [];
export const under = (dataset: string, parent: string): boolean => dataset === parent || dataset.startsWith(`${parent}/`);
export { datasetAsset, poolOfDataset as poolOf } from '../asset-id.js';
/** The pool a ZFS point's ref (`tank/data@snap`) is on. */
export const poolOfRef = (ref: string): string | undefined => /^([^/@]+)[/@]/.exec(ref)?.[1];
export const isGuest = (w: WorkloadRef): boolean => w.parsed.kind === 'vm' || w.parsed.kind === 'ct';
export const onHostOf = (layer: Layer, w: WorkloadRef): boolean => w.host === undefined || w.host === layer.host;
