/** Pure parser of the archive listing (`find ... -printf '%T@ %s %p\n'`). */
import { err, ok, type Result } from '../../domain/types.js';
import { exitFailure, firstLine } from '../shared/failure.js';
import { excerpt } from '../shared/json.js';
import type { Parser } from '../shared/run.js';
import { compareText } from '../shared/values.js';
import { ARCHIVE_PREFIX } from './commands.js';

export interface ConfigArchive {
  readonly path: string;
  readonly name: string;
  /** The host the name says it archives. */
  readonly host?: string;
  /** When it was taken: from the name (UTC), else the file's mtime. */
  readonly timeSec: number;
  readonly mtimeSec: number;
  readonly sizeBytes: number;
  /** An empty file cannot be restored. */
  readonly empty: boolean;
}

const LINE = /^(\d+)(?:\.\d+)? (\d+) (\/.*)$/;
const NAME = /^strata-config-(.+)-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.tar\.gz$/;

/** Host and time from `strata-config-<host>-YYYYMMDDTHHMMSSZ.tar.gz`. */
export function parseArchiveName(name: string): { host: string; timeSec: number } | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const [, host, y, mo, d, h, mi, s] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const back = new Date(ms);
  if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return undefined;
  }
  return { host: host!, timeSec: ms / 1000 };
}

/** The listing, oldest first. A missing directory is `not-found`. */
export function parseArchiveList(stdout: string, stderr: string, exitCode: number): Result<ConfigArchive[]> {
  if (exitCode !== 0) {
    const kind = /No such file or directory/.test(stderr) ? 'not-found' : /Permission denied/.test(stderr) ? 'auth' : 'command-failed';
    return exitFailure('find', exitCode, stderr, kind, firstLine(stderr));
  }
  const out: ConfigArchive[] = [];
  for (const [i, line] of stdout.split('\n').entries()) {
    if (line.trim() === '') continue;
    const m = LINE.exec(line);
    if (!m) return err('parse', `find: line ${i + 1} is not "mtime size path": "${excerpt(line)}"`);
    const path = m[3]!;
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (!name.startsWith(ARCHIVE_PREFIX) || !name.endsWith('.tar.gz')) {
      return err('parse', `find: ${excerpt(path)} is not a Strata config archive`);
    }
    const parsed = parseArchiveName(name);
    const mtime = Number(m[1]);
    const sizeBytes = Number(m[2]);
    out.push({
      path,
      name,
      ...(parsed ? { host: parsed.host } : {}),
      timeSec: parsed?.timeSec ?? mtime,
      mtimeSec: mtime,
      sizeBytes,
      empty: sizeBytes === 0,
    });
  }
  return ok(out.sort((a, b) => a.timeSec - b.timeSec || compareText(a.path, b.path)));
}

/** The archive directory as the host reports it: it may not exist yet (the layer's first run makes it). */
export interface ArchiveDirectory {
  readonly exists: boolean;
  /** Oldest first; none when the directory does not exist. */
  readonly archives: ConfigArchive[];
}

/**
 * True when find's only complaint is that its starting point, the configured
 * directory itself, does not exist: `find: ‘DIR’: No such file or directory`
 * (ASCII quotes in the C locale, where a quote inside the name is escaped).
 * Anything else (permission denied, a path inside it, a parent that is a
 * file) is a real failure to read.
 */
export function saysDirectoryMissing(stderr: string, directory: string): boolean {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length !== 1) return false;
  const m = /^find: (.+): No such file or directory$/.exec(lines[0]!);
  if (!m) return false;
  // The command names the directory without its trailing slashes, and find repeats it as given.
  const dir = directory.length > 1 ? directory.replace(/\/+$/, '') : directory;
  return [`‘${dir}’`, `'${dir}'`, `'${dir.replace(/'/g, "\\'")}'`, dir].includes(m[1]!);
}

/**
 * The listing of one configured directory: a directory that does not exist
 * holds no archive yet, which is an answer (no recovery point), not a failure.
 */
export const parseArchiveDirectory =
  (directory: string): Parser<ArchiveDirectory> =>
  (stdout, stderr, exitCode) => {
    if (exitCode !== 0 && stdout.trim() === '' && saysDirectoryMissing(stderr, directory)) return ok({ exists: false, archives: [] });
    const list = parseArchiveList(stdout, stderr, exitCode);
    return list.ok ? ok({ exists: true, archives: list.value }) : list;
  };
