/**
 * Host configuration archives written by Strata itself:
 * `DIR/strata-config-<host>-YYYYMMDDTHHMMSSZ.tar.gz` (UTC), listed with find.
 * An archive is written under a hidden temporary name and renamed when tar has
 * succeeded, so a half-written archive never looks like a recovery point.
 */
import type { Command } from '../../transport/command.js';
import { MiB } from '../shared/output-limits.js';

export const ARCHIVE_PREFIX = 'strata-config-';
export const ARCHIVE_GLOB = 'strata-config-*.tar.gz';

const HOST = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;

function checkDirectory(dir: string): string {
  if (!dir.startsWith('/') || dir.includes('\0') || dir.split('/').includes('..')) {
    throw new TypeError(`not an absolute directory: ${JSON.stringify(dir)}`);
  }
  return dir.length > 1 ? dir.replace(/\/+$/, '') : dir;
}

/**
 * `find DIR -maxdepth 1 -type f -name 'strata-config-*.tar.gz' -printf '%T@ %s %p\n'`:
 * about 100 bytes an archive; a daily archive kept ten years is 365 KB.
 */
export const listArchivesCommand = (directory: string): Command => ({
  argv: ['find', checkDirectory(directory), '-maxdepth', '1', '-type', 'f', '-name', ARCHIVE_GLOB, '-printf', '%T@ %s %p\\n'],
  maxOutputBytes: 4 * MiB,
});

function stamp(epochSeconds: number): string {
  if (!Number.isFinite(epochSeconds) || epochSeconds < 0) throw new TypeError(`not a time: ${epochSeconds}`);
  return new Date(Math.floor(epochSeconds) * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** `strata-config-pve1-20240131T020001Z.tar.gz` */
export function archiveName(host: string, epochSeconds: number): string {
  if (!HOST.test(host)) throw new TypeError(`not a host name for an archive: ${JSON.stringify(host)}`);
  return `${ARCHIVE_PREFIX}${host}-${stamp(epochSeconds)}.tar.gz`;
}

export interface ArchivePlan {
  readonly finalPath: string;
  readonly tempPath: string;
  /** Run in order, stopping at the first failure; then run `cleanup`. */
  readonly commands: readonly Command[];
  /** Removes the temporary file after a failure. */
  readonly cleanup: Command;
}

/**
 * `mkdir -p DIR`, `tar -czf DIR/.NAME.partial -C / etc/pve etc/network`,
 * `mv -f -- DIR/.NAME.partial DIR/NAME`: argv only, paths relative to `/` so
 * the archive restores with `tar -xzf ARCHIVE -C /`.
 */
export function archiveCommands(p: { directory: string; host: string; paths: readonly string[]; now: number }): ArchivePlan {
  const dir = checkDirectory(p.directory);
  if (p.paths.length === 0) throw new TypeError('a config archive needs at least one path');
  const members = p.paths.map((path) => {
    if (!path.startsWith('/') || path === '/' || path.split('/').includes('..') || path.includes('\0')) {
      throw new TypeError(`not an absolute path below /: ${JSON.stringify(path)}`);
    }
    return path.replace(/^\/+/, '').replace(/\/+$/, '');
  });
  const name = archiveName(p.host, p.now);
  const base = dir === '/' ? '' : dir;
  const finalPath = `${base}/${name}`;
  const tempPath = `${base}/.${name}.partial`;
  return {
    finalPath,
    tempPath,
    commands: [
      { argv: ['mkdir', '-p', '--', dir] },
      { argv: ['tar', '-czf', tempPath, '-C', '/', '--', ...members] },
      { argv: ['mv', '-f', '--', tempPath, finalPath] },
    ],
    cleanup: { argv: ['rm', '-f', '--', tempPath] },
  };
}
