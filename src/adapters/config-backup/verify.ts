/**
 * Checking a config archive without restoring it: `tar -tzf ARCHIVE` must
 * read the whole gzip stream and list every path the layer archives. It
 * proves the archive is readable and complete, not that a restore works.
 */
import { ok, type Result } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { exitFailure } from '../shared/failure.js';
import { LastLines, type LineFold } from '../shared/line-fold.js';

export const archiveListCommand = (archive: string): Command => {
  if (!archive.startsWith('/') || archive.includes('\0')) throw new TypeError(`not an absolute path: ${JSON.stringify(archive)}`);
  return { argv: ['tar', '-tzf', archive] };
};

/** `/etc/pve` as tar lists it (archives are made with `-C /`): `etc/pve`. */
export const memberName = (path: string): string => path.replace(/^\/+/, '').replace(/\/+$/, '');

export interface ArchiveListing {
  readonly entries: number;
  readonly missing: readonly string[];
}

/** Folds the listing into: how many entries, and which expected paths have none. */
export function archiveListFold(expected: readonly string[]): LineFold<ArchiveListing> {
  const want = new Map(expected.map((p) => [memberName(p), false]));
  const stderr = new LastLines(5);
  let entries = 0;
  return {
    line(stream, raw) {
      if (stream === 'stderr') {
        stderr.push(raw);
        return;
      }
      const name = raw.replace(/^\.\//, '').replace(/\/+$/, '');
      if (name === '') return;
      entries++;
      for (const [m, seen] of want) if (!seen && (name === m || name.startsWith(`${m}/`))) want.set(m, true);
    },
    finish(exitCode) {
      if (exitCode !== 0) return exitFailure('tar', exitCode, stderr.text);
      return ok({ entries, missing: [...want].filter(([, seen]) => !seen).map(([m]) => `/${m}`) });
    },
  };
}

export const parseArchiveListing = (expected: readonly string[]) =>
  (stdout: string, stderr: string, exitCode: number): Result<ArchiveListing> => {
    const fold = archiveListFold(expected);
    for (const l of stdout.split('\n')) fold.line('stdout', l);
    for (const l of stderr.split('\n')) fold.line('stderr', l);
    return fold.finish(exitCode);
  };
