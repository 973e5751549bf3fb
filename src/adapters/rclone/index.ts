/** Typed rclone operations over a Runner. None of them throws. */
import type { Result } from '../../domain/types.js';
import type { Runner } from '../../transport/runner.js';
import { runParsed, type OpOptions } from '../shared/run.js';
import { aboutCommand, lsjsonCommand, type RcloneAccess } from './commands.js';
import { parseAbout, parseLsjson, type RcloneAbout, type RcloneListing } from './parse.js';

export * from './commands.js';
export * from './parse.js';

export const listRemote = (runner: Runner, access: RcloneAccess, opts?: OpOptions): Promise<Result<RcloneListing>> =>
  runParsed(runner, () => lsjsonCommand(access), parseLsjson, opts);

/** Capacity of the remote, or null where the backend cannot tell. */
export const about = (runner: Runner, access: RcloneAccess, opts?: OpOptions): Promise<Result<RcloneAbout | null>> =>
  runParsed(runner, () => aboutCommand(access), parseAbout, opts);
