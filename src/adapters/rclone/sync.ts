/**
 * `rclone sync` and `rclone check` (reference §6). Sync logs JSON lines on
 * stderr (`--use-json-log`), the last stats object carrying the totals;
 * a fatal end may still be a plain `Failed to sync: ...` line. Check's
 * combined report (`--combined -`) is one line per object on stdout, folded
 * into counts as it streams: a remote of a million objects prints a million.
 */
import { err, ok } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { excerpt } from '../shared/json.js';
import { LastLines, type LineFold } from '../shared/line-fold.js';
import { mergeEnv, secretMapEnv } from '../secrets.js';
import { rcloneFailure, SYNC_MARKER } from './parse.js';
import type { RcloneAccess } from './commands.js';

function checkPath(what: string, p: string): string {
  if (p === '' || p.startsWith('-') || p.includes('\0')) throw new TypeError(`not an rclone ${what}: ${JSON.stringify(p)}`);
  return p;
}

function env(a: RcloneAccess) {
  return mergeEnv(secretMapEnv(a.secretEnv), a.configFile ? { env: { RCLONE_CONFIG: a.configFile } } : {});
}

/** `rclone sync SOURCE REMOTE --exclude /.strata-synced --use-json-log --stats-one-line -v`: the marker is not the source's to delete. */
export const rcloneSyncCommand = (a: RcloneAccess, source: string): Command => ({
  argv: ['rclone', 'sync', checkPath('source', source), checkPath('remote', a.remote), '--exclude', `/${SYNC_MARKER}`, '--use-json-log', '--stats-one-line', '-v'],
  ...env(a),
});

/**
 * `rclone touch --s3-storage-class STANDARD --timestamp T REMOTE/.strata-synced`:
 * after a sync without error, the copy is whole as of T (UTC). Touching an
 * existing S3 object copies it onto itself, which an archive-class object
 * refuses: the mark is kept in STANDARD whatever class the remote writes.
 */
export function rcloneSyncMarkCommand(a: RcloneAccess, startedAt: number): Command {
  if (!Number.isFinite(startedAt) || startedAt <= 0) throw new TypeError(`not a sync start time: ${startedAt}`);
  const stamp = new Date(Math.floor(startedAt) * 1000).toISOString().replace(/\.\d{3}Z$/, '');
  const remote = checkPath('remote', a.remote);
  const marker = remote.endsWith(':') || remote.endsWith('/') ? `${remote}${SYNC_MARKER}` : `${remote}/${SYNC_MARKER}`;
  return { argv: ['rclone', 'touch', '--s3-storage-class', 'STANDARD', '--timestamp', stamp, marker], ...env(a) };
}

/** `rclone check SOURCE REMOTE --one-way --combined -`: is every source file on the remote, unchanged? */
export const rcloneCheckCommand = (a: RcloneAccess, source: string): Command => ({
  argv: ['rclone', 'check', checkPath('source', source), checkPath('remote', a.remote), '--one-way', '--combined', '-'],
  ...env(a),
});

export interface RcloneSyncResult {
  readonly transfers: number;
  readonly bytes: number;
  readonly deletes: number;
  readonly checks: number;
  readonly errors: number;
  readonly lastError?: string;
}

interface Stats {
  transfers?: number;
  bytes?: number;
  deletes?: number;
  checks?: number;
  errors?: number;
  lastError?: string;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** rclone sync's JSON log: the newest stats object, and the error lines. Exit 0 needs final stats to count as read. */
export function rcloneSyncFold(): LineFold<RcloneSyncResult> {
  let stats: Stats | undefined;
  const errors = new LastLines(5);
  const plain = new LastLines(5);
  return {
    line(_stream, raw) {
      const t = raw.trim();
      if (!t.startsWith('{')) {
        plain.push(t.replace(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /, ''));
        return;
      }
      let j: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(t);
        if (typeof parsed !== 'object' || parsed === null) return;
        j = parsed as Record<string, unknown>;
      } catch {
        plain.push(t);
        return;
      }
      if (j.level === 'error' && typeof j.msg === 'string') errors.push(`${typeof j.object === 'string' ? `${j.object}: ` : ''}${j.msg}`);
      const s = j.stats;
      if (s && typeof s === 'object') {
        const o = s as Record<string, unknown>;
        stats = {
          ...(num(o.transfers) !== undefined ? { transfers: num(o.transfers)! } : {}),
          ...(num(o.bytes) !== undefined ? { bytes: num(o.bytes)! } : {}),
          ...(num(o.deletes) !== undefined ? { deletes: num(o.deletes)! } : {}),
          ...(num(o.checks) !== undefined ? { checks: num(o.checks)! } : {}),
          ...(num(o.errors) !== undefined ? { errors: num(o.errors)! } : {}),
          ...(typeof o.lastError === 'string' ? { lastError: o.lastError } : {}),
        };
      }
    },
    finish(exitCode) {
      if (exitCode !== 0) return rcloneFailure([errors.text, plain.text].filter((s) => s !== '').join('\n'), exitCode);
      if (!stats || stats.transfers === undefined) {
        return err('parse', `rclone sync: exit 0 without final stats (run with -v --use-json-log?) (${excerpt(plain.text || errors.text) || 'no output'})`);
      }
      return ok({
        transfers: stats.transfers,
        bytes: stats.bytes ?? 0,
        deletes: stats.deletes ?? 0,
        checks: stats.checks ?? 0,
        errors: stats.errors ?? 0,
        ...(stats.lastError ? { lastError: stats.lastError } : {}),
      });
    },
  };
}

export interface RcloneCheckResult {
  /** `=` identical. */
  readonly same: number;
  /** `+` on the source only: missing on the remote. */
  readonly missingOnRemote: number;
  /** `-` on the remote only (not reported with --one-way). */
  readonly missingOnSource: number;
  /** `*` present on both, different. */
  readonly differ: number;
  /** `!` could not be checked. */
  readonly errors: number;
  /** A few paths that are not `=`, for the operator. */
  readonly examples: readonly string[];
  readonly clean: boolean;
  /** rclone found no hash both sides support ("No common hash found"): it compared sizes only. */
  readonly sizeOnly: boolean;
}

const COMBINED = /^([=+\-*!]) (.+)$/;

/**
 * `rclone check --combined -`: exit 0 with only `=` lines is clean; exit 1
 * with `+ - * !` lines is a list of differences (a result, not a failure of
 * the check). Exit 1 without any combined line, or any other exit, is a
 * failure of rclone itself.
 */
export function rcloneCheckFold(): LineFold<RcloneCheckResult> {
  const c = { same: 0, missingOnRemote: 0, missingOnSource: 0, differ: 0, errors: 0 };
  const examples: string[] = [];
  const log = new LastLines(5);
  let lines = 0;
  let sizeOnly = false;
  return {
    line(stream, raw) {
      if (stream === 'stderr') {
        if (/No common hash found/i.test(raw)) sizeOnly = true;
        log.push(raw.replace(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /, '').trim());
        return;
      }
      const m = COMBINED.exec(raw);
      if (!m) return;
      lines++;
      const kind = m[1]!;
      if (kind === '=') c.same++;
      else {
        if (kind === '+') c.missingOnRemote++;
        else if (kind === '-') c.missingOnSource++;
        else if (kind === '*') c.differ++;
        else c.errors++;
        if (examples.length < 5) examples.push(`${kind} ${m[2]!}`);
      }
    },
    finish(exitCode) {
      const differences = c.missingOnRemote + c.missingOnSource + c.differ + c.errors;
      if (exitCode === 0) {
        if (differences > 0) return err('parse', `rclone check: exit 0 but ${differences} differences listed`);
        // An empty source checks clean with no lines at all; rclone then still says "0 differences found".
        if (lines === 0 && !/0 differences found/.test(log.text)) {
          return err('parse', `rclone check: exit 0 without a combined report (${excerpt(log.text) || 'no output'})`);
        }
        return ok({ ...c, examples, clean: true, sizeOnly });
      }
      if (exitCode === 1 && differences > 0) return ok({ ...c, examples, clean: false, sizeOnly });
      return rcloneFailure(log.text, exitCode);
    },
  };
}
