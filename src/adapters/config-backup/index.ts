/** Typed config-archive operations over a Runner. None of them throws. */
import type { Result } from '../../domain/types.js';
import type { Runner } from '../../transport/runner.js';
import { runParsed, type OpOptions } from '../shared/run.js';
import { listArchivesCommand } from './commands.js';
import { parseArchiveDirectory, type ArchiveDirectory } from './parse.js';

export * from './commands.js';
export * from './parse.js';

/** The archives in the directory; a directory not made yet is `exists: false`, not an error. */
export const listArchives = (runner: Runner, p: { directory: string }, opts?: OpOptions): Promise<Result<ArchiveDirectory>> =>
  runParsed(runner, () => listArchivesCommand(p.directory), parseArchiveDirectory(p.directory), opts);
