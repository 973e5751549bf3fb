/** Typed Proxmox Backup Server operations over a Runner. None of them throws. */
import type { Result } from '../../domain/types.js';
import type { Runner } from '../../transport/runner.js';
import { runParsed, type OpOptions } from '../shared/run.js';
import { datastoreStatusCommand, snapshotListCommand, taskListCommand, type PbsAccess } from './commands.js';
import {
  parseDatastoreStatus,
  parseSnapshotList,
  parseTaskList,
  type PbsDatastoreStatus,
  type PbsSnapshot,
  type PbsTask,
} from './parse.js';

export * from './commands.js';
export * from './parse.js';

export const listSnapshots = (runner: Runner, access: PbsAccess, opts?: OpOptions): Promise<Result<PbsSnapshot[]>> =>
  runParsed(runner, () => snapshotListCommand(access), parseSnapshotList, opts);

export const getDatastoreStatus = (
  runner: Runner,
  access: PbsAccess,
  opts?: OpOptions,
): Promise<Result<PbsDatastoreStatus>> =>
  runParsed(runner, () => datastoreStatusCommand(access), parseDatastoreStatus, opts);

export const listTasks = (runner: Runner, p: { limit?: number } = {}, opts?: OpOptions): Promise<Result<PbsTask[]>> =>
  runParsed(runner, () => taskListCommand(p.limit), parseTaskList, opts);
