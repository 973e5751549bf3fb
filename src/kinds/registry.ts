/**
 * Every layer kind, one line each. Adding a kind: its folder under
 * src/kinds/, its row in src/domain/layer-kinds.ts, and its line here
 * (docs/adding-a-layer-kind.md).
 */
import { configBackup } from './config-backup/index.js';
import { pbs } from './pbs/index.js';
import { pveSnapshots } from './pve-snapshots/index.js';
import { rclone } from './rclone/index.js';
import { restic } from './restic/index.js';
import type { KindRegistry, KindSpec } from './spec.js';
import { vzdump } from './vzdump/index.js';
import { zfsReplication } from './zfs-replication/index.js';
import { zfsSnapshots } from './zfs-snapshots/index.js';
import type { LayerKind } from '../domain/inventory-file.js';

export const KINDS: KindRegistry = {
  'pve-snapshots': pveSnapshots,
  vzdump,
  pbs,
  'zfs-snapshots': zfsSnapshots,
  'zfs-replication': zfsReplication,
  restic,
  rclone,
  'config-backup': configBackup,
};

/**
 * The spec of a layer's kind, for a layer whose kind is only known at run
 * time. Each spec takes layers of its own kind; the caller passes the layer
 * whose kind selected it.
 */
export function specOf(kind: LayerKind): KindSpec<LayerKind> | undefined {
  return Object.hasOwn(KINDS, kind) ? (KINDS[kind] as unknown as KindSpec<LayerKind>) : undefined;
}
