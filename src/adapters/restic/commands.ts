/**
 * restic commands (reference §5). The repository travels in RESTIC_REPOSITORY
 * and the password through RESTIC_PASSWORD_FILE / RESTIC_PASSWORD_COMMAND (read
 * by restic on the host) or RESTIC_PASSWORD (a value sent over the channel).
 * restic splits RESTIC_PASSWORD_COMMAND into words itself and runs it without
 * a shell, so a `{command}` secret for restic cannot use pipes.
 */
import type { Command } from '../../transport/command.js';
import {
  mergeEnv,
  secretEnv,
  secretMapEnv,
  type CommandEnv,
  type ResolvedSecret,
  type SecretVariables,
} from '../secrets.js';
import { MiB } from '../shared/output-limits.js';

export const RESTIC_PASSWORD_VARS: SecretVariables = {
  value: 'RESTIC_PASSWORD',
  file: 'RESTIC_PASSWORD_FILE',
  command: 'RESTIC_PASSWORD_COMMAND',
};

export interface ResticAccess {
  readonly repository: string;
  readonly password: ResolvedSecret;
  /** Further non-secret environment (AWS_DEFAULT_REGION, RESTIC_CACHE_DIR, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /** Further secret environment (AWS_SECRET_ACCESS_KEY, ...). */
  readonly secretEnv?: Readonly<Record<string, ResolvedSecret>>;
}

/** `rest:https://user:pass@host/` carries a password in the URL itself. */
export function repositoryHoldsCredentials(repository: string): boolean {
  return /\/\/[^/@\s]*:[^/@\s]*@/.test(repository);
}

export function resticEnv(a: ResticAccess): CommandEnv {
  if (a.repository === '') throw new TypeError('restic repository is empty');
  const repo: CommandEnv = repositoryHoldsCredentials(a.repository)
    ? { secrets: { RESTIC_REPOSITORY: a.repository } }
    : { env: { RESTIC_REPOSITORY: a.repository } };
  return mergeEnv({ env: { ...a.env } }, secretMapEnv(a.secretEnv), repo, secretEnv(a.password, RESTIC_PASSWORD_VARS));
}

/**
 * `snapshots --json`: 0.4 KiB a snapshot in 0.14, 1 KiB with the summary of
 * 0.17. Three years of hourly snapshots never forgotten are 26,000 (26 MB);
 * 64 MiB is over 60,000.
 */
export const SNAPSHOTS_MAX_BYTES = 64 * MiB;

export const snapshotsCommand = (a: ResticAccess): Command => ({
  argv: ['restic', 'snapshots', '--json'],
  ...resticEnv(a),
  maxOutputBytes: SNAPSHOTS_MAX_BYTES,
});

export interface ResticBackupParams {
  readonly paths: readonly string[];
  readonly host?: string;
  readonly tags?: readonly string[];
  readonly excludes?: readonly string[];
}

/** `restic backup --json [--host H] [--tag T]... [--exclude P]... -- PATH...` */
export function backupCommand(a: ResticAccess, p: ResticBackupParams): Command {
  if (p.paths.length === 0) throw new TypeError('restic backup needs at least one path');
  return {
    argv: [
      'restic',
      'backup',
      '--json',
      ...(p.host ? ['--host', p.host] : []),
      ...(p.tags ?? []).flatMap((t) => ['--tag', t]),
      ...(p.excludes ?? []).flatMap((e) => ['--exclude', e]),
      '--',
      ...p.paths,
    ],
    ...resticEnv(a),
  };
}

const KEEP = /^keep-(last|hourly|daily|weekly|monthly|yearly|within|within-hourly|within-daily|within-weekly|within-monthly|within-yearly|tag)$/;

/** `keep-daily=7,keep-weekly=4` as restic flags: `--keep-daily 7 --keep-weekly 4`. */
export function keepFlags(retention: string): string[] {
  const flags: string[] = [];
  for (const part of retention.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    if (!KEEP.test(key) || value === '' || (value.startsWith('-') && value !== '-1')) {
      throw new TypeError(`not a restic keep option: ${JSON.stringify(part)}`);
    }
    flags.push(`--${key}`, value);
  }
  if (flags.length === 0) throw new TypeError('restic forget needs at least one keep option');
  return flags;
}

/** `restic forget --json [--dry-run] [--prune] --keep-...` */
export function forgetCommand(a: ResticAccess, p: { retention: string; dryRun?: boolean; prune?: boolean }): Command {
  return {
    argv: [
      'restic',
      'forget',
      '--json',
      ...(p.dryRun ? ['--dry-run'] : []),
      ...(p.prune ? ['--prune'] : []),
      ...keepFlags(p.retention),
    ],
    ...resticEnv(a),
  };
}

/** `restic check [--read-data-subset S]`; its verdict is the exit code and the last line. */
export function checkCommand(a: ResticAccess, p: { readDataSubset?: string } = {}): Command {
  if (p.readDataSubset !== undefined && !/^(\d+\/\d+|\d+(\.\d+)?%|\d+[KMGT]?)$/.test(p.readDataSubset)) {
    throw new TypeError(`not a --read-data-subset value: ${JSON.stringify(p.readDataSubset)}`);
  }
  return {
    argv: ['restic', 'check', ...(p.readDataSubset ? ['--read-data-subset', p.readDataSubset] : [])],
    ...resticEnv(a),
  };
}
