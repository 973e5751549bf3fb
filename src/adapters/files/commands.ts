/**
 * Plain files on a host, with GNU findutils and coreutils: a directory's
 * entries (a ZFS snapshot directory, a restore target), the bytes under a
 * target (the progress of a restore that prints none), and copying chosen
 * paths out of a read-only tree with their relative paths kept.
 *
 * `find` runs inside `sh -c SCRIPT sh ARGS...` so that `head -z` bounds a
 * huge directory: every name and number travels as a positional parameter,
 * never pasted into the script. NUL ends each record, so any file name
 * (newlines, tabs) reads back exactly.
 */
import type { Command } from '../../transport/command.js';
import { MiB, SMALL_OUTPUT_BYTES } from '../shared/output-limits.js';

/** Type, size, mtime with fraction, path below the start point (empty for the start point itself). */
export const FIND_FORMAT = '%y\\t%s\\t%T@\\t%P\\0';

export const DIRECTORY_SCRIPT = 'find -H "$1" -maxdepth 1 -printf "$3" | head -z -n "$2"';
export const TREE_SCRIPT = 'find -H "$1" -printf "$3" | head -z -n "$2"';

/** 10,000 entries a directory by default: a browser pages further with a filter, not a longer read. */
export const DEFAULT_DIRECTORY_LIMIT = 10_000;
/** A restored tree read back for its check: some 80 bytes an entry. */
export const DEFAULT_TREE_LIMIT = 1_000_000;

export function checkHostPath(what: string, path: string): string {
  if (!path.startsWith('/') || /[\0\n]/.test(path)) throw new TypeError(`not an absolute ${what}: ${JSON.stringify(path)}`);
  return path;
}

function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError(`not an entry limit: ${limit}`);
  return limit;
}

/**
 * One directory's entries (and the directory itself), at most `limit`.
 * The start point is always printed first, so empty output means it is not there.
 */
export function listDirectoryCommand(dir: string, limit = DEFAULT_DIRECTORY_LIMIT): Command {
  return {
    argv: ['sh', '-c', DIRECTORY_SCRIPT, 'sh', checkHostPath('directory', dir), String(checkLimit(limit) + 2), FIND_FORMAT],
    maxOutputBytes: 64 * MiB,
  };
}

/** Everything under a directory (a restored tree, read back to check it), at most `limit` entries. */
export function listTreeCommand(dir: string, limit = DEFAULT_TREE_LIMIT): Command {
  return {
    argv: ['sh', '-c', TREE_SCRIPT, 'sh', checkHostPath('directory', dir), String(checkLimit(limit) + 2), FIND_FORMAT],
    maxOutputBytes: 256 * MiB,
  };
}

/**
 * `du -sb -- DIR`: the bytes under a restore target, the measured progress of
 * restic 0.14/0.15 and of PBS pxar restores, which print none. Apparent
 * sizes, directories included (4 KiB each): a measure of progress, not the
 * check of what was restored.
 */
export const duBytesCommand = (dir: string): Command => ({ argv: ['du', '-sb', '--', checkHostPath('directory', dir)], maxOutputBytes: SMALL_OUTPUT_BYTES });

/** `mkdir -p -- DIR`: the alternate directory a copy goes to. */
export const mkdirCommand = (dir: string): Command => ({ argv: ['mkdir', '-p', '--', checkHostPath('directory', dir)], maxOutputBytes: SMALL_OUTPUT_BYTES });

function checkRelative(path: string): string {
  if (path === '' || path.startsWith('/') || path.split('/').some((p) => p === '..') || /[\0\n]/.test(path)) {
    throw new TypeError(`not a path relative to the copy's root: ${JSON.stringify(path)}`);
  }
  return path;
}

/**
 * `cp -a --parents -- REL... DEST` run in `from`: each chosen path lands at
 * DEST/REL with its mode, owner and times (the relative path kept, as restic
 * restores full paths). DEST must exist (`mkdirCommand`).
 */
export function copyOutCommand(p: { from: string; paths: readonly string[]; to: string }): Command {
  if (p.paths.length === 0) throw new TypeError('nothing to copy');
  return {
    argv: ['cp', '-a', '--parents', '--', ...p.paths.map(checkRelative), checkHostPath('destination', p.to)],
    cwd: checkHostPath('source directory', p.from),
    maxOutputBytes: SMALL_OUTPUT_BYTES,
  };
}
