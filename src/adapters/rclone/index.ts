/** Typed rclone operations over a Runner. None of them throws. */
import type { Result } from '../../domain/types.js';
import type { Runner } from '../../transport/runner.js';
import { runFolded, runParsed, type OpOptions } from '../shared/run.js';
import {
  lsjsonDirCommand,
  parseLsjsonDir,
  parseRcloneVersion,
  parseThawRequest,
  parseThawStatus,
  rcloneCheckBackCommand,
  rcloneCopyBackCommand,
  rcloneCopyBackFold,
  rcloneThawCommand,
  rcloneThawStatusCommand,
  rcloneVersionCommand,
  type RcloneCopyBackResult,
  type RcloneDirectory,
  type RcloneVersion,
  type ThawRequest,
  type ThawStatus,
} from './restore.js';
import { rcloneCheckFold, type RcloneCheckResult } from './sync.js';
import { aboutCommand, lsjsonCommand, type RcloneAccess } from './commands.js';
import { parseAbout, parseLsjson, type RcloneAbout, type RcloneListing } from './parse.js';

export * from './commands.js';
export * from './parse.js';
export * from './restore.js';

export const listRemote = (runner: Runner, access: RcloneAccess, opts?: OpOptions): Promise<Result<RcloneListing>> =>
  runParsed(runner, () => lsjsonCommand(access), parseLsjson, opts);

/** Capacity of the remote, or null where the backend cannot tell. */
export const about = (runner: Runner, access: RcloneAccess, opts?: OpOptions): Promise<Result<RcloneAbout | null>> =>
  runParsed(runner, () => aboutCommand(access), parseAbout, opts);

export const version = (runner: Runner, opts?: OpOptions): Promise<Result<RcloneVersion>> => runParsed(runner, rcloneVersionCommand, parseRcloneVersion, opts);

/** One directory of the remote (paths below the remote's root). */
export const listDirectory = (runner: Runner, access: RcloneAccess, p: { dir: string; hash?: boolean }, opts?: OpOptions): Promise<Result<RcloneDirectory>> =>
  runParsed(runner, () => lsjsonDirCommand(access, p.dir, p), parseLsjsonDir(p.dir), opts);

/** Copies chosen paths back; a copy stopped by frozen objects answers `outcome: 'frozen'`. */
export const copyBack = (runner: Runner, access: RcloneAccess, p: { dir: string; local: string; include: readonly string[] }, opts?: OpOptions): Promise<Result<RcloneCopyBackResult>> =>
  runFolded(runner, () => rcloneCopyBackCommand(access, p), rcloneCopyBackFold(), opts);

/** Reads what came back and the remote again and compares them. */
export const checkBack = (runner: Runner, access: RcloneAccess, p: { dir: string; local: string; include?: readonly string[] }, opts?: OpOptions): Promise<Result<RcloneCheckResult>> =>
  runFolded(runner, () => rcloneCheckBackCommand(access, p), rcloneCheckFold(), opts);

/** Requests a thaw of the chosen objects; read every entry's outcome. */
export const requestThaw = (runner: Runner, access: RcloneAccess, p: Parameters<typeof rcloneThawCommand>[1], opts?: OpOptions): Promise<Result<ThawRequest>> =>
  runParsed(runner, () => rcloneThawCommand(access, p), parseThawRequest, opts);

/** Thaw state per object (rclone 1.64+; `supported: false` before). */
export const thawStatus = (runner: Runner, access: RcloneAccess, p: { dir: string; all?: boolean; nowSec: number }, opts?: OpOptions): Promise<Result<ThawStatus>> =>
  runParsed(runner, () => rcloneThawStatusCommand(access, p), parseThawStatus(p.nowSec), opts);
