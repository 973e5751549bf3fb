/** Typed Proxmox Backup Server operations over a Runner. None of them throws. */
import type { Result } from '../../domain/types.js';
import type { Runner } from '../../transport/runner.js';
import type { DirectoryListing } from '../shared/file-tree.js';
import type { LocalZone } from '../shared/local-time.js';
import { runFolded, runParsed, type OpOptions } from '../shared/run.js';
import { pbsCatalogDumpCommand, pbsCatalogFold, type PbsCatalog } from './catalog.js';
import { parsePbsClientVersion, pbsClientVersionCommand, type PbsClientVersion, type PbsFileAccess } from './file-access.js';
import {
  fileRestoreExtractCommand,
  fileRestoreListCommand,
  parseFileRestoreList,
  parsePbsFileRestore,
  pbsRestoreArchiveCommand,
  type PbsArchiveRestore,
  type PbsFileRestoreResult,
} from './file-restore.js';
import { datastoreStatusCommand, snapshotListCommand, taskListCommand, type PbsAccess } from './commands.js';
import {
  parseDatastoreStatus,
  parseSnapshotList,
  parseTaskList,
  type PbsDatastoreStatus,
  type PbsSnapshot,
  type PbsTask,
} from './parse.js';

export * from './catalog.js';
export * from './commands.js';
export * from './file-access.js';
export * from './file-restore.js';
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

export const clientVersion = (runner: Runner, opts?: OpOptions): Promise<Result<PbsClientVersion>> =>
  runParsed(runner, pbsClientVersionCommand, parsePbsClientVersion, opts);

/** A host or container snapshot's catalog, streamed into a tree (mtimes read in `zone`, the PBS client host's). */
export const catalog = (runner: Runner, access: PbsFileAccess, p: { snapshot: string; zone: LocalZone; maxEntries?: number }, opts?: OpOptions): Promise<Result<PbsCatalog>> =>
  runFolded(runner, () => pbsCatalogDumpCommand(access, p.snapshot), pbsCatalogFold(p), opts);

/** Restores a pxar archive, whole or (client with `--pattern`) the chosen paths; silent while it runs. */
export const restoreArchive = (runner: Runner, access: PbsFileAccess, p: PbsArchiveRestore, opts?: OpOptions): Promise<Result<PbsFileRestoreResult>> =>
  runParsed(runner, () => pbsRestoreArchiveCommand(access, p), parsePbsFileRestore('proxmox-backup-client restore'), opts);

/** One directory through proxmox-file-restore (archives at `/`, VM images included). */
export const fileRestoreList = (runner: Runner, access: PbsFileAccess, p: { snapshot: string; path: string; timeoutSec?: number }, opts?: OpOptions): Promise<Result<DirectoryListing>> =>
  runParsed(runner, () => fileRestoreListCommand(access, p), parseFileRestoreList(p.path), opts);

/** Extracts one path (its last component lands in `target`). */
export const fileRestoreExtract = (runner: Runner, access: PbsFileAccess, p: { snapshot: string; path: string; target: string }, opts?: OpOptions): Promise<Result<PbsFileRestoreResult>> =>
  runParsed(runner, () => fileRestoreExtractCommand(access, p), parsePbsFileRestore('proxmox-file-restore extract'), opts);
