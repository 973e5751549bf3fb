/**
 * ZFS probes (reference §4). zfs-fuse, the ZFS of Debian's test hosts, has no
 * `-p` for `zfs list` or `zpool list` (it answers "invalid option 'p'", exit
 * 2): there snapshots are read with `zfs get -H -p` and pools without `-p`.
 */
import type { Command } from '../../transport/command.js';

// ZFS component characters (alphanumerics, _ - : . and space); never a leading
// '-' (an option to zfs) nor '@' (a snapshot, not a dataset).
const DATASET = /^[A-Za-z0-9][A-Za-z0-9_.: -]*(\/[A-Za-z0-9_.: -]+)*$/;

export function checkDataset(dataset: string): string {
  if (!DATASET.test(dataset)) throw new TypeError(`not a ZFS dataset name: ${JSON.stringify(dataset)}`);
  return dataset;
}

/** Snapshots of a dataset and its descendants, exact values. */
export const zfsListSnapshotsCommand = (dataset: string): Command => ({
  argv: ['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-o', 'name,creation,used', '-r', checkDataset(dataset)],
});

/** The zfs-fuse fallback: creation and used of the dataset, its descendants and their snapshots. */
export const zfsGetSnapshotsCommand = (dataset: string): Command => ({
  argv: ['zfs', 'get', '-H', '-p', '-r', '-o', 'name,property,value', 'creation,used', checkDataset(dataset)],
});

export const ZPOOL_LIST_COLUMNS = 'name,size,alloc,free,cap,health';

export const zpoolListCommand = (): Command => ({ argv: ['zpool', 'list', '-H', '-p', '-o', ZPOOL_LIST_COLUMNS] });

/** The zfs-fuse fallback: sizes with units (250M, 1.50G), cap with a percent sign. */
export const zpoolListHumanCommand = (): Command => ({ argv: ['zpool', 'list', '-H', '-o', ZPOOL_LIST_COLUMNS] });

export const zpoolStatusCommand = (): Command => ({ argv: ['zpool', 'status', '-x'] });
