/** Typed ZFS operations over a Runner, with the zfs-fuse fallbacks. None of them throws. */
import type { Result } from '../../domain/types.js';
import type { Runner } from '../../transport/runner.js';
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

export * from './commands.js';
export * from './parse.js';

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

