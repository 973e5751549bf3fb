/**
 * Which restic a host runs, and what that version can do for a restore
 * (restore-formats §6): JSON progress from 0.16, `--overwrite`, `--dry-run`
 * and exit codes 10/11 from 0.17, JSON errors and exit 12 from 0.17.1,
 * `SNAP:subpath` from 0.16. Before 0.16 a restore prints nothing until it
 * exits, so its progress is the caller's: elapsed time and bytes measured
 * under the target.
 */
import { err, ok, type Result } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { exitFailure } from '../shared/failure.js';
import { excerpt } from '../shared/json.js';
import { SMALL_OUTPUT_BYTES } from '../shared/output-limits.js';

export interface ResticVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** As printed: `0.14.0`, `0.16.4-dev (compiled manually)`. */
  readonly text: string;
}

export interface ResticFeatures {
  /** `restore --json` prints status and summary lines (0.16+); before, nothing JSON at all. */
  readonly jsonRestoreProgress: boolean;
  /** `restore --overwrite always|if-changed|if-newer|never` (0.17+). */
  readonly overwrite: boolean;
  /** `restore --dry-run` (0.17+). */
  readonly dryRun: boolean;
  /** Restore errors as `{"message_type":"error",...}` on stderr with --json (0.17.1+); before, `ignoring error for P: ...` text. */
  readonly jsonErrors: boolean;
  /** `restore SNAP:subpath` (0.16+). */
  readonly subpath: boolean;
  /** Exit 10 (no repository) and 11 (locked) (0.17+); before, every failure is 1. */
  readonly exitCodesNoRepoAndLock: boolean;
  /** Exit 12 for a wrong password (0.17.1+; 0.17.0 documents it but exits 1). */
  readonly exitCodeWrongPassword: boolean;
}

/** `restic version` needs no repository: it is the cheap probe of what the host runs. */
export const resticVersionCommand = (): Command => ({ argv: ['restic', 'version'], maxOutputBytes: SMALL_OUTPUT_BYTES });

const TEXT = /^restic (\d+)\.(\d+)\.(\d+)(\S*(?: \([^)]*\))?) compiled with /m;

/** `restic 0.14.0 compiled with go1.19.8 on linux/amd64`, or 0.17's `--json` form `{"version":"0.17.3",...}`. */
export function parseResticVersion(stdout: string, stderr: string, exitCode: number): Result<ResticVersion> {
  if (exitCode !== 0) return exitFailure('restic version', exitCode, stderr);
  const text = stdout.trim();
  const m = TEXT.exec(text);
  if (m) {
    return ok({ major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text: `${m[1]}.${m[2]}.${m[3]}${m[4] ?? ''}` });
  }
  if (text.startsWith('{')) {
    try {
      const v = (JSON.parse(text) as { version?: unknown }).version;
      const j = typeof v === 'string' ? /^(\d+)\.(\d+)\.(\d+)/.exec(v) : null;
      if (j && typeof v === 'string') return ok({ major: Number(j[1]), minor: Number(j[2]), patch: Number(j[3]), text: v });
    } catch {
      // not JSON after all: fall through to the error
    }
  }
  return err('parse', `restic version: not "restic X.Y.Z compiled with ..." (${excerpt(text) || 'no output'})`);
}

function atLeast(v: ResticVersion, minor: number, patch = 0): boolean {
  if (v.major !== 0) return v.major > 0;
  return v.minor > minor || (v.minor === minor && v.patch >= patch);
}

export function resticFeatures(v: ResticVersion): ResticFeatures {
  return {
    jsonRestoreProgress: atLeast(v, 16),
    overwrite: atLeast(v, 17),
    dryRun: atLeast(v, 17),
    jsonErrors: atLeast(v, 17, 1),
    subpath: atLeast(v, 16),
    exitCodesNoRepoAndLock: atLeast(v, 17),
    exitCodeWrongPassword: atLeast(v, 17, 1),
  };
}

/** What a host of unknown version is assumed to do: the oldest behaviour (0.14, Debian 12's). */
export const RESTIC_014_FEATURES: ResticFeatures = resticFeatures({ major: 0, minor: 14, patch: 0, text: '0.14.0' });
