/** Typed pvesh operations over a Runner. None of them throws. */
import type { Result } from '../../domain/types.js';
import type { Runner } from '../../transport/runner.js';
import { runParsed, type OpOptions } from '../shared/run.js';
import {
  backupJobsCommand,
  clusterResourcesCommand,
  guestSnapshotsCommand,
  notBackedUpCommand,
  storageContentCommand,
  storageStatusCommand,
  taskLogHeadCommand,
  vzdumpTasksCommand,
  type GuestType,
} from './commands.js';
import {
  parseBackupJobs,
  parseGuestSnapshots,
  parseGuests,
  parseNotBackedUp,
  parseStorageContent,
  parseStorageStatus,
  parseTaskLog,
  parseTasks,
  type NotBackedUpGuest,
  type PveArchive,
  type PveBackupJob,
  type PveGuest,
  type PveSnapshot,
  type PveStorageStatus,
  type PveTask,
} from './parse.js';

export * from './commands.js';
export * from './parse.js';

export const listGuests = (runner: Runner, opts?: OpOptions): Promise<Result<PveGuest[]>> =>
  runParsed(runner, clusterResourcesCommand, parseGuests, opts);

export const listGuestSnapshots = (
  runner: Runner,
  p: { node: string; type: GuestType; vmid: number },
  opts?: OpOptions,
): Promise<Result<PveSnapshot[]>> =>
  runParsed(runner, () => guestSnapshotsCommand(p.node, p.type, p.vmid), parseGuestSnapshots, opts);

export const listBackupArchives = (
  runner: Runner,
  p: { node: string; storage: string },
  opts?: OpOptions,
): Promise<Result<PveArchive[]>> =>
  runParsed(runner, () => storageContentCommand(p.node, p.storage), parseStorageContent, opts);

export const listBackupJobs = (runner: Runner, opts?: OpOptions): Promise<Result<PveBackupJob[]>> =>
  runParsed(runner, backupJobsCommand, parseBackupJobs, opts);

export const listVzdumpTasks = (
  runner: Runner,
  p: { node: string; limit?: number },
  opts?: OpOptions,
): Promise<Result<PveTask[]>> => runParsed(runner, () => vzdumpTasksCommand(p.node, p.limit), parseTasks, opts);

export const listNotBackedUp = (runner: Runner, opts?: OpOptions): Promise<Result<NotBackedUpGuest[]>> =>
  runParsed(runner, notBackedUpCommand, parseNotBackedUp, opts);

export const getStorageStatus = (
  runner: Runner,
  p: { node: string; storage: string },
  opts?: OpOptions,
): Promise<Result<PveStorageStatus>> =>
  runParsed(runner, () => storageStatusCommand(p.node, p.storage), parseStorageStatus, opts);

export const readTaskLogHead = (runner: Runner, p: { node: string; upid: string }, opts?: OpOptions): Promise<Result<string[]>> =>
  runParsed(runner, () => taskLogHeadCommand(p.node, p.upid), parseTaskLog, opts);
