/** Typed config-archive operations over a Runner. None of them throws. */
import type { Result } from '../../domain/types.js';
import type { Runner } from '../../transport/runner.js';
import { runParsed, type OpOptions } from '../shared/run.js';
import { listArchivesCommand } from './commands.js';
import { parseArchiveList, type ConfigArchive } from './parse.js';

export * from './commands.js';
export * from './parse.js';

export const listArchives = (runner: Runner, p: { directory: string }, opts?: OpOptions): Promise<Result<ConfigArchive[]>> =>
  runParsed(runner, () => listArchivesCommand(p.directory), parseArchiveList, opts);
