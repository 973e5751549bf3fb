/**
 * The pure per-kind table: every part of Strata may ask it about a layer's
 * kind (labels, matrix column, protection order, hosts it needs, and the
 * traits the health rules use) without any I/O and without naming a kind.
 * A new kind is a compile error here until it has its row.
 */
import type { Layer } from '../inventory.js';
import type { LayerFile, LayerKind } from '../inventory-file.js';
import { configBackup } from './config-backup.js';
import { pbs } from './pbs.js';
import { pveSnapshots } from './pve-snapshots.js';
import { rclone } from './rclone.js';
import { restic } from './restic.js';
import type { LayerKindInfo } from './types.js';
import { vzdump } from './vzdump.js';
import { zfsReplication } from './zfs-replication.js';
import { zfsSnapshots } from './zfs-snapshots.js';

export type { Hold, LayerKindInfo, WorkloadRef } from './types.js';

export const LAYER_KIND_INFO: { readonly [K in LayerKind]: LayerKindInfo<K> } = {
  'pve-snapshots': pveSnapshots,
  'zfs-snapshots': zfsSnapshots,
  vzdump,
  pbs,
  'zfs-replication': zfsReplication,
  restic,
  rclone,
  'config-backup': configBackup,
};

/** The row of a kind name that may come from an old saved status or a newer inventory: undefined when unknown. */
export function kindInfo(kind: string): LayerKindInfo | undefined {
  return Object.hasOwn(LAYER_KIND_INFO, kind) ? (LAYER_KIND_INFO[kind as LayerKind] as LayerKindInfo) : undefined;
}

/**
 * The row of a layer's kind, taking layers of any kind: each row's functions
 * are given the very layer whose kind chose the row.
 */
export function infoOf(layer: LayerFile | Layer): LayerKindInfo {
  return LAYER_KIND_INFO[layer.kind] as LayerKindInfo;
}

/** Hosts a layer needs to be reachable to be read. */
export function hostsOfLayer(layer: LayerFile | Layer): string[] {
  return infoOf(layer).hostsOf(layer as Layer);
}

/** Kind names in protection order; names this table does not know come last, in the order first seen. */
export function inProtectionOrder(kinds: Iterable<string>): string[] {
  const present = [...new Set(kinds)];
  const known = present.filter((k) => kindInfo(k)).sort((a, b) => kindInfo(a)!.order - kindInfo(b)!.order);
  return [...known, ...present.filter((k) => !kindInfo(k))];
}
