/** Typed ZFS operations over a Runner, with the zfs-fuse fallbacks. None of them throws. */
import type { Result } from '../../domain/types.js';
import type { Runner } from '../../transport/runner.js';
import { copyOut, listDirectory } from '../files/index.js';
import type { DirectoryListing } from '../shared/file-tree.js';
import { applyParser, runCommand, runParsed, type OpOptions } from '../shared/run.js';
import {
  zfsGetSnapshotsCommand,
  zfsListSnapshotsCommand,
  zpoolListCommand,
  zpoolListHumanCommand,
  zpoolStatusCommand,
} from './commands.js';
import {
  lacksParsableFlag,
  parseZfsGetSnapshots,
  parseZfsSnapshotList,
  parseZpoolList,
  parseZpoolStatus,
  type ZfsSnapshot,
  type ZpoolInfo,
  type ZpoolStatus,
} from './parse.js';
import {
  parseMountpoint,
  parseSnapshotOrder,
  parseZfsChange,
  snapshotDirectory,
  zfsCloneCommand,
  zfsDestroyCloneCommand,
  zfsMountpointCommand,
  zfsReceiveFromReplicaCommand,
  zfsRollbackCommand,
  zfsSnapshotOrderCommand,
  type Mountpoint,
  type ZfsChangeResult,
} from './restore.js';

export * from './commands.js';
export * from './parse.js';
export * from './restore.js';

/** Snapshots of a dataset and its descendants; on zfs-fuse through `zfs get`. */
export async function listSnapshots(
  runner: Runner,
  p: { dataset: string },
  opts?: OpOptions,
): Promise<Result<ZfsSnapshot[]>> {
  const first = await runCommand(runner, () => zfsListSnapshotsCommand(p.dataset), opts);
  if (!first.ok) return first;
  if (lacksParsableFlag(first.value.stderr, first.value.exitCode)) {
    return runParsed(runner, () => zfsGetSnapshotsCommand(p.dataset), parseZfsGetSnapshots, opts);
  }
  return applyParser(parseZfsSnapshotList, first.value);
}

/** Every pool with size, allocation, capacity and health; on zfs-fuse with rounded sizes. */
export async function listPools(runner: Runner, opts?: OpOptions): Promise<Result<ZpoolInfo[]>> {
  const first = await runCommand(runner, zpoolListCommand, opts);
  if (!first.ok) return first;
  if (lacksParsableFlag(first.value.stderr, first.value.exitCode)) {
    return runParsed(runner, zpoolListHumanCommand, parseZpoolList, opts);
  }
  return applyParser(parseZpoolList, first.value);
}

/** `zpool status -x`, read for its words. */
export const poolStatus = (runner: Runner, opts?: OpOptions): Promise<Result<ZpoolStatus>> =>
  runParsed(runner, zpoolStatusCommand, parseZpoolStatus, opts);


/** Where a dataset's files are. */
export const mountpoint = (runner: Runner, dataset: string, opts?: OpOptions): Promise<Result<Mountpoint>> =>
  runParsed(runner, () => zfsMountpointCommand(dataset), parseMountpoint, opts);

/** A dataset's snapshot names, oldest first, in txg order. */
export const snapshotOrder = (runner: Runner, dataset: string, opts?: OpOptions): Promise<Result<string[]>> =>
  runParsed(runner, () => zfsSnapshotOrderCommand(dataset), parseSnapshotOrder(dataset), opts);

/**
 * One directory of a snapshot through `.zfs/snapshot` (OpenZFS), its entries
 * named as the dataset's own paths (`/documents/x.ods`).
 */
export function browseSnapshot(
  runner: Runner,
  p: { mountpoint: string; snapshot: string; dir: string; limit?: number },
  opts?: OpOptions,
): Promise<Result<DirectoryListing>> {
  return listDirectory(runner, { dir: snapshotDirectory(p.mountpoint, p.snapshot, p.dir), as: p.dir, ...(p.limit !== undefined ? { limit: p.limit } : {}) }, opts);
}

/** Copies chosen paths of a snapshot (dataset paths, `/documents/x.ods`) to `to`, their relative paths kept. */
export function copyFromSnapshot(
  runner: Runner,
  p: { mountpoint: string; snapshot: string; paths: readonly string[]; to: string },
  opts?: OpOptions,
): Promise<Result<{ done: true }>> {
  return copyOut(runner, { from: snapshotDirectory(p.mountpoint, p.snapshot), paths: p.paths.map((x) => x.replace(/^\/+/, '')), to: p.to }, opts);
}

export const clone = (runner: Runner, p: Parameters<typeof zfsCloneCommand>[0], opts?: OpOptions): Promise<Result<ZfsChangeResult>> =>
  runParsed(runner, () => zfsCloneCommand(p), parseZfsChange('zfs clone'), opts);

export const destroyClone = (runner: Runner, clone: string, opts?: OpOptions): Promise<Result<ZfsChangeResult>> =>
  runParsed(runner, () => zfsDestroyCloneCommand(clone), parseZfsChange('zfs destroy'), opts);

export const rollback = (runner: Runner, p: Parameters<typeof zfsRollbackCommand>[0], opts?: OpOptions): Promise<Result<ZfsChangeResult>> =>
  runParsed(runner, () => zfsRollbackCommand(p), parseZfsChange('zfs rollback'), opts);

export const receiveFromReplica = (runner: Runner, p: Parameters<typeof zfsReceiveFromReplicaCommand>[0], opts?: OpOptions): Promise<Result<ZfsChangeResult>> =>
  runParsed(runner, () => zfsReceiveFromReplicaCommand(p), parseZfsChange('zfs send | zfs recv', { pipe: true }), opts);
