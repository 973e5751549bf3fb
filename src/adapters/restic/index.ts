/** Typed restic operations over a Runner. None of them throws. */
import type { Result } from '../../domain/types.js';
import type { Runner } from '../../transport/runner.js';
import { runParsed, type OpOptions } from '../shared/run.js';
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
export * from './parse.js';

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
