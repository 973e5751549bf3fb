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
import { agentPingCommand, guestConfigCommand, statusCommand, taskLogCommand, taskStatusCommand } from './guest-commands.js';
import {
  parseAgentPing,
  parseGuestConfig,
  parseGuestStatus,
  parseNextId,
  parseTaskLogWithEnd,
  parseTaskStatus,
  type AgentPing,
  type GuestConfig,
  type GuestStatus,
  type TaskLog,
  type TaskStatus,
} from './guest-parse.js';
import { nextIdCommand } from './restore.js';

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

export * from './guest-commands.js';
export * from './guest-parse.js';
export * from './refusals.js';
export * from './restore.js';
export * from './restore-progress.js';

export const readNextId = (runner: Runner, p: { vmid?: number } = {}, opts?: OpOptions): Promise<Result<number>> =>
  runParsed(runner, () => nextIdCommand(p.vmid), parseNextId, opts);

export const readGuestConfig = (runner: Runner, p: { node: string; type: GuestType; vmid: number }, opts?: OpOptions): Promise<Result<GuestConfig>> =>
  runParsed(runner, () => guestConfigCommand(p.node, p.type, p.vmid), parseGuestConfig, opts);

export const readGuestStatus = (runner: Runner, p: { type: GuestType; vmid: number }, opts?: OpOptions): Promise<Result<GuestStatus>> =>
  runParsed(runner, () => statusCommand(p.type, p.vmid), parseGuestStatus, opts);

export const pingGuestAgent = (runner: Runner, p: { vmid: number }, opts?: OpOptions): Promise<Result<AgentPing>> =>
  runParsed(runner, () => agentPingCommand(p.vmid), parseAgentPing, opts);

export const readTaskStatus = (runner: Runner, p: { node: string; upid: string }, opts?: OpOptions): Promise<Result<TaskStatus>> =>
  runParsed(runner, () => taskStatusCommand(p.node, p.upid), parseTaskStatus, opts);

export const readTaskLog = (runner: Runner, p: { node: string; upid: string; start?: number; limit?: number }, opts?: OpOptions): Promise<Result<TaskLog>> =>
  runParsed(runner, () => taskLogCommand(p.node, p.upid, { ...(p.start !== undefined ? { start: p.start } : {}), ...(p.limit !== undefined ? { limit: p.limit } : {}) }), parseTaskLogWithEnd, opts);
export * from './storage-config.js';
