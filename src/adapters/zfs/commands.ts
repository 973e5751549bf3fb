/**
 * ZFS probes (reference §4). zfs-fuse, the ZFS of Debian's test hosts, has no
 * `-p` for `zfs list` or `zpool list` (it answers "invalid option 'p'", exit
 * 2): there snapshots are read with `zfs get -H -p` and pools without `-p`.
 */
import type { Command } from '../../transport/command.js';
import { MiB, SMALL_OUTPUT_BYTES } from '../shared/output-limits.js';

// ZFS component characters (alphanumerics, _ - : . and space); never a leading
// '-' (an option to zfs) nor '@' (a snapshot, not a dataset).
const DATASET = /^[A-Za-z0-9][A-Za-z0-9_.: -]*(\/[A-Za-z0-9_.: -]+)*$/;

export function checkDataset(dataset: string): string {
  if (!DATASET.test(dataset)) throw new TypeError(`not a ZFS dataset name: ${JSON.stringify(dataset)}`);
  return dataset;
}

/**
 * About 90 bytes a snapshot line (two for `zfs get`): sanoid keeping 80 a
 * dataset on 5,000 datasets is 36 MB. 64 MiB is some 700,000 snapshots
 * (350,000 through the zfs-fuse fallback, whose hosts are small).
 */
export const SNAPSHOT_LISTING_MAX_BYTES = 64 * MiB;

/** Snapshots of a dataset and its descendants, exact values. */
export const zfsListSnapshotsCommand = (dataset: string): Command => ({
  argv: ['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-o', 'name,creation,used', '-r', checkDataset(dataset)],
  maxOutputBytes: SNAPSHOT_LISTING_MAX_BYTES,
});

/** The zfs-fuse fallback: creation and used of the dataset, its descendants and their snapshots. */
export const zfsGetSnapshotsCommand = (dataset: string): Command => ({
  argv: ['zfs', 'get', '-H', '-p', '-r', '-o', 'name,property,value', 'creation,used', checkDataset(dataset)],
  maxOutputBytes: SNAPSHOT_LISTING_MAX_BYTES,
});

export const ZPOOL_LIST_COLUMNS = 'name,size,alloc,free,cap,health';

/** One line a pool. */
export const zpoolListCommand = (): Command => ({ argv: ['zpool', 'list', '-H', '-p', '-o', ZPOOL_LIST_COLUMNS], maxOutputBytes: SMALL_OUTPUT_BYTES });

/** The zfs-fuse fallback: sizes with units (250M, 1.50G), cap with a percent sign. */
export const zpoolListHumanCommand = (): Command => ({ argv: ['zpool', 'list', '-H', '-o', ZPOOL_LIST_COLUMNS], maxOutputBytes: SMALL_OUTPUT_BYTES });

/** "all pools are healthy", or each unhealthy pool with a line per device. */
export const zpoolStatusCommand = (): Command => ({ argv: ['zpool', 'status', '-x'], maxOutputBytes: 4 * MiB });
