/** Typed restic operations over a Runner. None of them throws. */
import type { Result } from '../../domain/types.js';
import type { Runner } from '../../transport/runner.js';
import { runFolded, runParsed, type OpOptions } from '../shared/run.js';
import { resticLsCommand, resticLsFold, type ResticListing } from './ls.js';
import { resticRestoreCommand, resticRestoreFold, type ResticRestoreParams, type ResticRestoreProgress, type ResticRestoreResult } from './restore.js';
import { parseResticVersion, resticVersionCommand, type ResticFeatures, type ResticVersion } from './version.js';
import { backupCommand, checkCommand, forgetCommand, snapshotsCommand, type ResticAccess, type ResticBackupParams } from './commands.js';
import {
  parseBackupOutput,
  parseCheckOutput,
  parseForgetOutput,
  parseResticSnapshots,
  type ResticBackupResult,
  type ResticCheckResult,
  type ResticForgetGroup,
  type ResticSnapshot,
} from './parse.js';

export * from './commands.js';
export * from './ls.js';
export * from './parse.js';
export * from './restore.js';
export * from './version.js';

export const listSnapshots = (runner: Runner, access: ResticAccess, opts?: OpOptions): Promise<Result<ResticSnapshot[]>> =>
  runParsed(runner, () => snapshotsCommand(access), parseResticSnapshots, opts);

/** Plans (dryRun) or applies a retention policy. */
export const forget = (
  runner: Runner,
  access: ResticAccess,
  p: { retention: string; dryRun?: boolean; prune?: boolean },
  opts?: OpOptions,
): Promise<Result<ResticForgetGroup[]>> => runParsed(runner, () => forgetCommand(access, p), parseForgetOutput, opts);

export const check = (
  runner: Runner,
  access: ResticAccess,
  p: { readDataSubset?: string } = {},
  opts?: OpOptions,
): Promise<Result<ResticCheckResult>> => runParsed(runner, () => checkCommand(access, p), parseCheckOutput, opts);

/** Runs a backup to the end (the job runner streams `backupCommand` itself for live progress). */
export const backup = (
  runner: Runner,
  access: ResticAccess,
  p: ResticBackupParams,
  opts?: OpOptions,
): Promise<Result<ResticBackupResult>> => runParsed(runner, () => backupCommand(access, p), parseBackupOutput, opts);

/** `restic version`: which restic the host runs (`resticFeatures` says what it can do). */
export const version = (runner: Runner, opts?: OpOptions): Promise<Result<ResticVersion>> =>
  runParsed(runner, resticVersionCommand, parseResticVersion, opts);

/**
 * A whole snapshot, streamed into a FileTree (bounded by `maxEntries`); or,
 * with `dir`, that one directory. See ls.ts for which to use when.
 */
export const listSnapshotFiles = (
  runner: Runner,
  access: ResticAccess,
  p: { snapshot: string; dir?: string; maxEntries?: number },
  opts?: OpOptions,
): Promise<Result<ResticListing>> =>
  runFolded(runner, () => resticLsCommand(access, p), resticLsFold({ ...(p.dir !== undefined ? { dir: p.dir } : {}), ...(p.maxEntries !== undefined ? { maxEntries: p.maxEntries } : {}) }), opts);

/**
 * Restores chosen paths; `onProgress` gets each JSON status (0.16+). With an
 * older restic nothing comes until the end: measure the target meanwhile
 * (adapters/files `measureBytes`).
 */
export function restore(
  runner: Runner,
  access: ResticAccess,
  p: ResticRestoreParams,
  features: ResticFeatures,
  opts: OpOptions & { onProgress?: (p: ResticRestoreProgress) => void } = {},
): Promise<Result<ResticRestoreResult>> {
  const fold = resticRestoreFold();
  const watched = opts.onProgress
    ? {
        line: (stream: 'stdout' | 'stderr', text: string) => {
          fold.line(stream, text);
          const now = stream === 'stdout' && text.includes('"status"') ? fold.progress() : undefined;
          if (now) opts.onProgress?.(now);
        },
        finish: (code: number) => fold.finish(code),
      }
    : fold;
  return runFolded(runner, () => resticRestoreCommand(access, p, features), watched, opts);
}
