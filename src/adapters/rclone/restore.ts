/**
 * Restoring from an rclone copy (restore-formats §7, cli-formats §6):
 * - browse: `rclone lsjson REMOTE:dir` a directory at a time (no -R);
 * - copy back: `rclone copy REMOTE:dir LOCAL --include P...`, then
 *   `rclone check LOCAL REMOTE:dir --download --one-way` on what came back
 *   (the check fold of sync.ts);
 * - the cold tier: `rclone backend restore REMOTE:dir --include P
 *   -o priority=Expedited|Standard|Bulk -o lifetime=DAYS` prints one
 *   `{"Status","Remote"}` per object and exits 0 even when entries failed;
 *   `rclone backend restore-status REMOTE:dir [-o all]` (1.64+) says per
 *   object whether its thaw is in progress and until when the copy lasts.
 *   Older rclone answers `command "restore-status" failed: command not
 *   found`; there a copy attempt tells: a frozen object fails with `Object in
 *   GLACIER, restore first`. `lsjson`'s Tier stays GLACIER after a thaw, so
 *   it cannot tell.
 */
import { err, ok, type Result } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { exitFailure } from '../shared/failure.js';
import { joinTreePath, normaliseTreePath, type DirectoryListing, type FileEntry } from '../shared/file-tree.js';
import { excerpt, parseJsonText } from '../shared/json.js';
import { LastLines, type LineFold } from '../shared/line-fold.js';
import { MiB, SMALL_OUTPUT_BYTES } from '../shared/output-limits.js';
import { rfc3339ToEpochMs } from '../shared/values.js';
import { mergeEnv, secretMapEnv } from '../secrets.js';
import type { RcloneAccess } from './commands.js';
import { rcloneFailure } from './parse.js';

function env(a: RcloneAccess) {
  return mergeEnv(secretMapEnv(a.secretEnv), a.configFile ? { env: { RCLONE_CONFIG: a.configFile } } : {});
}

function checkArg(what: string, p: string): string {
  if (p === '' || p.startsWith('-') || /[\0\n]/.test(p)) throw new TypeError(`not an rclone ${what}: ${JSON.stringify(p)}`);
  return p;
}

/** `remote:bucket/data` + `/documents` -> `remote:bucket/data/documents`. */
export function remoteAt(remote: string, dir: string): string {
  const inner = normaliseTreePath(dir).slice(1);
  if (inner === '') return remote;
  return remote.endsWith(':') || remote.endsWith('/') ? `${remote}${inner}` : `${remote}/${inner}`;
}

/** A filter rule that matches exactly this path (relative to the transfer's root): its glob characters escaped, `/**` for a directory. */
export function includeRule(path: string, isDir: boolean): string {
  const p = normaliseTreePath(path);
  const escaped = p.replace(/[*?[\]{}\\]/g, (c) => `\\${c}`);
  return isDir ? `${escaped === '/' ? '' : escaped}/**` : escaped;
}

// ---------------------------------------------------------------------------
// Version

export interface RcloneVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly text: string;
}

export const rcloneVersionCommand = (): Command => ({ argv: ['rclone', 'version'], maxOutputBytes: SMALL_OUTPUT_BYTES });

/** `rclone v1.60.1-DEV` first line. */
export function parseRcloneVersion(stdout: string, stderr: string, exitCode: number): Result<RcloneVersion> {
  if (exitCode !== 0) return exitFailure('rclone version', exitCode, stderr);
  const m = /^rclone v(\d+)\.(\d+)\.(\d+)(\S*)$/m.exec(stdout);
  if (!m) return err('parse', `rclone version: no "rclone vX.Y.Z" line (${excerpt(stdout) || 'no output'})`);
  return ok({ major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text: `${m[1]}.${m[2]}.${m[3]}${m[4]}` });
}

/** `backend restore-status` exists from 1.64. */
export function hasRestoreStatus(v: RcloneVersion): boolean {
  return v.major > 1 || (v.major === 1 && v.minor >= 64);
}

// ---------------------------------------------------------------------------
// Browse

export interface RcloneEntry extends FileEntry {
  /** S3 storage class: GLACIER, DEEP_ARCHIVE, STANDARD, ... (stays GLACIER after a thaw). */
  readonly tier?: string;
  readonly md5?: string;
}

export interface RcloneDirectory extends DirectoryListing {
  readonly entries: readonly RcloneEntry[];
}

/** One directory of a remote: `rclone lsjson --no-mimetype [--hash] REMOTE:dir`. A directory of 100,000 objects is some 20 MB. */
export function lsjsonDirCommand(a: RcloneAccess, dir: string, p: { hash?: boolean } = {}): Command {
  return {
    argv: ['rclone', 'lsjson', '--no-mimetype', ...(p.hash ? ['--hash'] : []), checkArg('remote path', remoteAt(a.remote, dir))],
    ...env(a),
    maxOutputBytes: 64 * MiB,
  };
}

/** The entries of `rclone lsjson REMOTE:dir`, named as paths below the remote's root (`/documents/x.ods`). */
export function parseLsjsonDir(dir: string): (stdout: string, stderr: string, exitCode: number) => Result<RcloneDirectory> {
  return (stdout, stderr, exitCode) => {
    if (exitCode !== 0) return rcloneFailure(stderr, exitCode);
    const json = parseJsonText(stdout, 'rclone lsjson');
    if (!json.ok) return json;
    if (!Array.isArray(json.value)) return err('parse', 'rclone lsjson: output is not a JSON array');
    const base = normaliseTreePath(dir);
    const entries: RcloneEntry[] = [];
    for (const [i, raw] of json.value.entries()) {
      if (!raw || typeof raw !== 'object') return err('parse', `rclone lsjson: entry ${i} is not an object`);
      const o = raw as Record<string, unknown>;
      if (typeof o.Path !== 'string' || o.Path === '' || typeof o.ModTime !== 'string' || typeof o.IsDir !== 'boolean') {
        return err('parse', `rclone lsjson: entry ${i} lacks Path, ModTime or IsDir`);
      }
      const ms = rfc3339ToEpochMs(o.ModTime);
      if (ms === undefined) return err('parse', `rclone lsjson: entry ${i}: not an RFC 3339 time: ${excerpt(o.ModTime, 40)}`);
      if (o.Size !== undefined && (typeof o.Size !== 'number' || !Number.isFinite(o.Size))) return err('parse', `rclone lsjson: entry ${i}: Size is not a number`);
      const path = normaliseTreePath(joinTreePath(base, o.Path));
      const md5 = o.Hashes && typeof o.Hashes === 'object' ? (o.Hashes as Record<string, unknown>).md5 : undefined;
      entries.push({
        path,
        name: typeof o.Name === 'string' && o.Name !== '' ? o.Name : path.slice(path.lastIndexOf('/') + 1),
        kind: o.IsDir ? 'dir' : 'file',
        ...(!o.IsDir && typeof o.Size === 'number' && o.Size >= 0 ? { sizeBytes: o.Size } : {}),
        mtimeMs: ms,
        ...(typeof o.Tier === 'string' && o.Tier !== '' ? { tier: o.Tier } : {}),
        ...(typeof md5 === 'string' && md5 !== '' ? { md5 } : {}),
      });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return ok({ dir: base, entries, truncated: false });
  };
}

// ---------------------------------------------------------------------------
// Copy back and check

/**
 * `rclone copy REMOTE:dir LOCAL --include RULE... --use-json-log
 * --stats-one-line -v`: the chosen paths (rules from `includeRule`), their
 * paths below `dir` kept under LOCAL.
 */
export function rcloneCopyBackCommand(a: RcloneAccess, p: { dir: string; local: string; include: readonly string[] }): Command {
  if (p.include.length === 0) throw new TypeError('copy back needs at least one include rule (the whole remote is a different restore)');
  if (!p.local.startsWith('/') || /[\0\n]/.test(p.local)) throw new TypeError(`not an absolute local directory: ${JSON.stringify(p.local)}`);
  return {
    argv: [
      'rclone',
      'copy',
      checkArg('remote path', remoteAt(a.remote, p.dir)),
      p.local,
      ...p.include.flatMap((r) => ['--include', r]),
      '--use-json-log',
      '--stats-one-line',
      '-v',
    ],
    ...env(a),
  };
}

/**
 * `rclone check LOCAL REMOTE:dir --download --one-way --combined - [--include RULE...]`:
 * every file that came back, read again on both sides and compared byte for byte.
 */
export function rcloneCheckBackCommand(a: RcloneAccess, p: { dir: string; local: string; include?: readonly string[] }): Command {
  if (!p.local.startsWith('/') || /[\0\n]/.test(p.local)) throw new TypeError(`not an absolute local directory: ${JSON.stringify(p.local)}`);
  return {
    argv: [
      'rclone',
      'check',
      p.local,
      checkArg('remote path', remoteAt(a.remote, p.dir)),
      '--download',
      '--one-way',
      '--combined',
      '-',
      ...(p.include ?? []).flatMap((r) => ['--include', r]),
    ],
    ...env(a),
  };
}

export interface RcloneCopyBackResult {
  /** `frozen`: some objects are still in an archive tier (`Object in GLACIER, restore first`). */
  readonly outcome: 'copied' | 'frozen';
  readonly transfers: number;
  readonly bytes: number;
  readonly errors: number;
  /** Objects that need a thaw, as rclone named them (first 50). */
  readonly frozen: readonly string[];
  readonly frozenCount: number;
}

const FROZEN = /Object in GLACIER, restore first/;

/**
 * `rclone copy` with `--use-json-log`: final stats, the frozen objects, and
 * other errors. A copy that failed only on frozen objects is an answer (thaw
 * first), not a failure; the older-rclone way to learn what is thawed.
 */
export function rcloneCopyBackFold(): LineFold<RcloneCopyBackResult> {
  let stats: { transfers?: number; bytes?: number; errors?: number } | undefined;
  const frozen: string[] = [];
  let frozenCount = 0;
  let otherErrors = 0;
  const log = new LastLines(8);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const noteError = (object: string, msg: string) => {
    // rclone's retry and final summaries repeat the last error: not another object.
    if (/^Attempt \d+\/\d+ failed|^Failed to copy with \d+ errors/.test(msg)) return;
    if (FROZEN.test(msg)) {
      frozenCount++;
      if (frozen.length < 50) frozen.push(object || (/key="([^"]*)"/.exec(msg)?.[1] ?? ''));
    } else otherErrors++;
  };
  return {
    line(_stream, raw) {
      const t = raw.trim();
      if (t.startsWith('{')) {
        try {
          const j = JSON.parse(t) as Record<string, unknown>;
          if (j.level === 'error' && typeof j.msg === 'string') {
            noteError(typeof j.object === 'string' ? j.object : '', j.msg);
            log.push(j.msg);
          }
          const s = j.stats;
          if (s && typeof s === 'object') {
            const o = s as Record<string, unknown>;
            stats = { transfers: num(o.transfers), bytes: num(o.bytes), errors: num(o.errors) };
          }
          return;
        } catch {
          // plain text after all
        }
      }
      const plain = t.replace(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /, '');
      const m = /^ERROR : (.*?): (.+)$/.exec(plain);
      if (m) noteError(m[1]!, m[2]!);
      if (plain !== '') log.push(plain);
    },
    finish(exitCode) {
      if (exitCode !== 0 && frozenCount > 0 && otherErrors === 0) {
        return ok({ outcome: 'frozen', transfers: stats?.transfers ?? 0, bytes: stats?.bytes ?? 0, errors: stats?.errors ?? frozenCount, frozen, frozenCount });
      }
      if (exitCode !== 0) return rcloneFailure(log.text, exitCode);
      if (!stats || stats.transfers === undefined) return err('parse', `rclone copy: exit 0 without final stats (${excerpt(log.text) || 'no output'})`);
      return ok({ outcome: 'copied', transfers: stats.transfers, bytes: stats.bytes ?? 0, errors: stats.errors ?? 0, frozen, frozenCount });
    },
  };
}

// ---------------------------------------------------------------------------
// The cold tier

export type ThawPriority = 'Expedited' | 'Standard' | 'Bulk';

/** `rclone backend restore REMOTE:dir [--include RULE]... -o priority=P -o lifetime=DAYS`; REMOTE:dir must be a directory. */
export function rcloneThawCommand(a: RcloneAccess, p: { dir: string; include?: readonly string[]; priority: ThawPriority; lifetimeDays: number }): Command {
  if (!['Expedited', 'Standard', 'Bulk'].includes(p.priority)) throw new TypeError(`not a restore priority: ${JSON.stringify(p.priority)}`);
  if (!Number.isInteger(p.lifetimeDays) || p.lifetimeDays < 1) throw new TypeError(`lifetime must be whole days, at least 1: ${p.lifetimeDays}`);
  return {
    argv: [
      'rclone',
      'backend',
      'restore',
      checkArg('remote directory', remoteAt(a.remote, p.dir)),
      ...(p.include ?? []).flatMap((r) => ['--include', r]),
      '-o',
      `priority=${p.priority}`,
      '-o',
      `lifetime=${p.lifetimeDays}`,
    ],
    ...env(a),
    maxOutputBytes: 64 * MiB,
  };
}

export type ThawRequestOutcome = 'requested' | 'already-in-progress' | 'not-archived' | 'failed';

export interface ThawRequestEntry {
  readonly remote: string;
  readonly outcome: ThawRequestOutcome;
  /** rclone's Status as printed (`OK`, or the S3 error). */
  readonly status: string;
}

export interface ThawRequest {
  readonly entries: readonly ThawRequestEntry[];
  readonly counts: Readonly<Record<ThawRequestOutcome, number>>;
}

function thawOutcome(status: string): ThawRequestOutcome {
  if (status === 'OK') return 'requested';
  if (/RestoreAlreadyInProgress/.test(status)) return 'already-in-progress';
  if (/^Not GLACIER or DEEP_ARCHIVE|storage class/i.test(status) && !/RestoreAlreadyInProgress/.test(status)) return 'not-archived';
  return 'failed';
}

/** Every entry's Status, since the command exits 0 even when entries failed. */
export function parseThawRequest(stdout: string, stderr: string, exitCode: number): Result<ThawRequest> {
  if (exitCode !== 0) return rcloneFailure(stderr, exitCode);
  const json = parseJsonText(stdout, 'rclone backend restore');
  if (!json.ok) return json;
  if (!Array.isArray(json.value)) return err('parse', 'rclone backend restore: output is not a JSON array');
  const entries: ThawRequestEntry[] = [];
  const counts: Record<ThawRequestOutcome, number> = { requested: 0, 'already-in-progress': 0, 'not-archived': 0, failed: 0 };
  for (const [i, raw] of json.value.entries()) {
    const o = raw as Record<string, unknown> | null;
    if (!o || typeof o !== 'object' || typeof o.Status !== 'string' || typeof o.Remote !== 'string') {
      return err('parse', `rclone backend restore: entry ${i} is not {"Status","Remote"}`);
    }
    const outcome = thawOutcome(o.Status);
    counts[outcome]++;
    entries.push({ remote: o.Remote, outcome, status: o.Status });
  }
  return ok({ entries, counts });
}

/** `rclone backend restore-status REMOTE:dir [-o all]` (1.64+; it ignores filters). */
export function rcloneThawStatusCommand(a: RcloneAccess, p: { dir: string; all?: boolean }): Command {
  return {
    argv: ['rclone', 'backend', 'restore-status', checkArg('remote path', remoteAt(a.remote, p.dir)), ...(p.all ? ['-o', 'all'] : [])],
    ...env(a),
    maxOutputBytes: 64 * MiB,
  };
}

/** thawed: readable until the expiry; thawing: restore in progress; expired: the copy's lifetime ran out; not-requested: no restore. */
export type ThawState = 'thawed' | 'thawing' | 'expired' | 'not-requested';

export interface ThawStatusEntry {
  readonly remote: string;
  readonly state: ThawState;
  readonly storageClass?: string;
  /** Until when a thawed copy is readable (epoch seconds). */
  readonly expiresAtSec?: number;
}

export interface ThawStatus {
  /** False on rclone before 1.64 (`command not found`): ask a copy attempt instead. */
  readonly supported: boolean;
  readonly entries: readonly ThawStatusEntry[];
  readonly counts: Readonly<Record<ThawState, number>>;
}

/**
 * Thawed = IsRestoreInProgress false and RestoreExpiryDate in the future;
 * thawing = true; not-requested = no RestoreStatus (or absent from a listing
 * without `-o all`: the caller counts what it asked about and did not see).
 */
export function parseThawStatus(nowSec: number): (stdout: string, stderr: string, exitCode: number) => Result<ThawStatus> {
  return (stdout, stderr, exitCode) => {
    const counts: Record<ThawState, number> = { thawed: 0, thawing: 0, expired: 0, 'not-requested': 0 };
    if (exitCode !== 0) {
      if (/command "restore-status" failed: command not found/.test(stderr)) return ok({ supported: false, entries: [], counts });
      return rcloneFailure(stderr, exitCode);
    }
    const json = parseJsonText(stdout, 'rclone backend restore-status');
    if (!json.ok) return json;
    if (!Array.isArray(json.value)) return err('parse', 'rclone backend restore-status: output is not a JSON array');
    const entries: ThawStatusEntry[] = [];
    for (const [i, raw] of json.value.entries()) {
      const o = raw as Record<string, unknown> | null;
      if (!o || typeof o !== 'object' || typeof o.Remote !== 'string') return err('parse', `rclone backend restore-status: entry ${i} has no Remote`);
      const rs = o.RestoreStatus;
      let state: ThawState;
      let expiresAtSec: number | undefined;
      if (rs === null || rs === undefined) state = 'not-requested';
      else if (typeof rs !== 'object' || typeof (rs as Record<string, unknown>).IsRestoreInProgress !== 'boolean') {
        return err('parse', `rclone backend restore-status: entry ${i}: RestoreStatus without IsRestoreInProgress`);
      } else {
        const r = rs as { IsRestoreInProgress: boolean; RestoreExpiryDate?: unknown };
        const expiry = typeof r.RestoreExpiryDate === 'string' && r.RestoreExpiryDate !== 'null' ? rfc3339ToEpochMs(r.RestoreExpiryDate) : undefined;
        if (typeof r.RestoreExpiryDate === 'string' && r.RestoreExpiryDate !== 'null' && expiry === undefined) {
          return err('parse', `rclone backend restore-status: entry ${i}: not an RFC 3339 time: ${excerpt(r.RestoreExpiryDate, 40)}`);
        }
        if (expiry !== undefined) expiresAtSec = Math.floor(expiry / 1000);
        state = r.IsRestoreInProgress ? 'thawing' : expiresAtSec !== undefined && expiresAtSec > nowSec ? 'thawed' : 'expired';
      }
      counts[state]++;
      entries.push({ remote: o.Remote, state, ...(typeof o.StorageClass === 'string' ? { storageClass: o.StorageClass } : {}), ...(expiresAtSec !== undefined ? { expiresAtSec } : {}) });
    }
    return ok({ supported: true, entries, counts });
  };
}
