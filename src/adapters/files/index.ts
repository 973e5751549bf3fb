/** Typed operations on plain files of a host over a Runner. None of them throws. */
import type { Result } from '../../domain/types.js';
import type { Runner } from '../../transport/runner.js';
import type { DirectoryListing } from '../shared/file-tree.js';
import { runParsed, type OpOptions } from '../shared/run.js';
import {
  copyOutCommand,
  DEFAULT_DIRECTORY_LIMIT,
  DEFAULT_TREE_LIMIT,
  duBytesCommand,
  listDirectoryCommand,
  listTreeCommand,
  mkdirCommand,
} from './commands.js';
import { directoryListing, parseDuBytes, parseFindListing, parseQuietSuccess, type FindListing } from './parse.js';

export * from './commands.js';
export * from './parse.js';

/** One directory, its entries shown under `as` (default: the directory itself). */
export async function listDirectory(
  runner: Runner,
  p: { dir: string; as?: string; limit?: number },
  opts?: OpOptions,
): Promise<Result<DirectoryListing>> {
  const limit = p.limit ?? DEFAULT_DIRECTORY_LIMIT;
  const r = await runParsed(runner, () => listDirectoryCommand(p.dir, limit), parseFindListing(p.dir, limit), opts);
  return r.ok ? { ok: true, value: directoryListing(r.value, p.as ?? p.dir) } : r;
}

/** Everything under a directory (a restored tree, read back for its check). */
export const listTree = (runner: Runner, p: { dir: string; limit?: number }, opts?: OpOptions): Promise<Result<FindListing>> =>
  runParsed(runner, () => listTreeCommand(p.dir, p.limit ?? DEFAULT_TREE_LIMIT), parseFindListing(p.dir, p.limit ?? DEFAULT_TREE_LIMIT), opts);

/** Bytes under a directory (`du -sb`), for the progress of a restore that prints none. */
export const measureBytes = (runner: Runner, dir: string, opts?: OpOptions): Promise<Result<number>> =>
  runParsed(runner, () => duBytesCommand(dir), parseDuBytes, opts);

export const makeDirectory = (runner: Runner, dir: string, opts?: OpOptions): Promise<Result<{ done: true }>> =>
  runParsed(runner, () => mkdirCommand(dir), parseQuietSuccess('mkdir'), opts);

/** Copies chosen paths (relative to `from`) to `to`, keeping their relative paths and attributes. */
export const copyOut = (runner: Runner, p: { from: string; paths: readonly string[]; to: string }, opts?: OpOptions): Promise<Result<{ done: true }>> =>
  runParsed(runner, () => copyOutCommand(p), parseQuietSuccess('cp'), opts);
