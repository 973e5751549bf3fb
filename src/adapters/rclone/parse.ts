/**
 * Pure parsers of rclone JSON (reference §6). A listing can be millions of
 * objects, so it is reduced to what a layer needs: the newest object, the
 * total, and the storage tiers present.
 */
import { z } from 'zod';
import { err, ok, type ProbeErrorKind, type Result } from '../../domain/types.js';
import { exitFailure } from '../shared/failure.js';
import { excerpt, parseJsonAs, parseJsonText } from '../shared/json.js';
import { compareText, numberLike, optional, rfc3339ToEpochMs } from '../shared/values.js';
import { errorText } from '../../domain/error-text.js';

export interface RcloneObject {
  readonly path: string;
  readonly timeSec: number;
  readonly sizeBytes?: number;
  readonly tier?: string;
}

/**
 * The object Strata's sync writes at the root of the copy once a sync has
 * finished without error, dated when that sync began (`rclone touch
 * --timestamp`): the copy is whole as of then. Object times alone cannot say
 * so: a sync that failed halfway leaves fresh objects beside stale ones.
 */
export const SYNC_MARKER = '.strata-synced';

export interface RcloneListing {
  readonly objects: number;
  readonly totalBytes: number;
  /** The newest object other than the sync marker. */
  readonly newest?: RcloneObject;
  /** When the last whole sync began, from the sync marker (epoch seconds). */
  readonly syncedAtSec?: number;
  /** Object count per storage tier (only objects that report one). */
  readonly tiers: Readonly<Record<string, number>>;
  /** An archive tier present in the listing: those objects need a restore request before reading. */
  readonly archiveTier?: string;
}

export interface RcloneAbout {
  readonly totalBytes?: number;
  readonly usedBytes?: number;
  readonly freeBytes?: number;
  readonly trashedBytes?: number;
  readonly otherBytes?: number;
  readonly objects?: number;
}

/** rclone's log lines start with `2024/01/31 02:00:01 `; the message is what matters. */
function rcloneMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /, '').trim())
    .filter((l) => l !== '');
  return lines.find((l) => /^Failed to /.test(l)) ?? lines.at(-1) ?? '';
}

/** A failed rclone run, classified by exit code (3 directory, 4 file not found) and message. */
export function rcloneFailure<T = never>(stderr: string, exitCode: number): Result<T> {
  const msg = rcloneMessage(stderr);
  let kind: ProbeErrorKind = 'command-failed';
  if (exitCode === 3 || exitCode === 4 || /didn't find section in config file|directory not found|bucket.*not exist|NoSuchBucket/i.test(msg)) {
    kind = 'not-found';
  } else if (/couldn't decrypt|RCLONE_CONFIG_PASS|AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch|\b40[13]\b|unauthori[sz]ed|forbidden/i.test(msg)) {
    kind = 'auth';
  }
  return exitFailure('rclone', exitCode, stderr, kind, msg);
}

const ARCHIVE_TIERS = new Set(['GLACIER', 'DEEP_ARCHIVE', 'ARCHIVE']);

/** Tiers whose objects cannot be read without a restore request (S3 Glacier, Azure/GCS Archive). */
export function isArchiveTier(tier: string): boolean {
  return ARCHIVE_TIERS.has(tier.toUpperCase());
}

interface Entry {
  readonly Path: string;
  readonly Size?: number;
  readonly ModTime: number;
  readonly IsDir: boolean;
  readonly Tier?: string;
}

/** One lsjson entry, checked by hand: a listing may hold millions, and this runs for each. */
function entryOf(v: unknown, i: number): Entry | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return `entry ${i} is not an object`;
  const o = v as Record<string, unknown>;
  if (typeof o.Path !== 'string') return `entry ${i} has no Path`;
  if (typeof o.ModTime !== 'string') return `entry ${i} (${excerpt(o.Path)}) has no ModTime`;
  const ms = rfc3339ToEpochMs(o.ModTime);
  if (ms === undefined) return `entry ${i} (${excerpt(o.Path)}): not an RFC 3339 time: ${excerpt(o.ModTime, 40)}`;
  if (o.Size !== undefined && o.Size !== null && (typeof o.Size !== 'number' || !Number.isFinite(o.Size))) {
    return `entry ${i} (${excerpt(o.Path)}): Size is not a number`;
  }
  if (o.IsDir !== undefined && typeof o.IsDir !== 'boolean') return `entry ${i} (${excerpt(o.Path)}): IsDir is not a boolean`;
  if (o.Tier !== undefined && o.Tier !== null && typeof o.Tier !== 'string') return `entry ${i} (${excerpt(o.Path)}): Tier is not text`;
  return {
    Path: o.Path,
    ModTime: ms,
    IsDir: o.IsDir === true,
    ...(typeof o.Size === 'number' ? { Size: o.Size } : {}),
    ...(typeof o.Tier === 'string' && o.Tier !== '' ? { Tier: o.Tier } : {}),
  };
}

/**
 * The entries of an lsjson array. rclone prints one entry per line between
 * "[" and "]"; reading line by line keeps a listing of millions of objects
 * from becoming one giant array in memory. Any other layout is parsed whole.
 */
function lsjsonEntries(stdout: string): Result<Iterable<unknown>> {
  const text = stdout.trim();
  const lines = text.split('\n');
  if (lines.length >= 2 && lines[0]!.trim() === '[' && lines.at(-1)!.trim() === ']') {
    const body = lines.slice(1, -1);
    return ok(
      (function* () {
        for (const [i, raw] of body.entries()) {
          const line = raw.trim();
          if (line === '') continue;
          const last = i === body.length - 1;
          if (!last && !line.endsWith(',')) throw new SyntaxError(`line ${i + 2} does not end with ","`);
          yield JSON.parse(last ? line : line.slice(0, -1)) as unknown;
        }
      })(),
    );
  }
  const whole = parseJsonText(stdout, 'rclone lsjson');
  if (!whole.ok) return whole;
  return Array.isArray(whole.value) ? ok(whole.value) : err('parse', 'rclone lsjson: output is not a JSON array');
}

/** `rclone lsjson -R --files-only --no-mimetype REMOTE` */
export function parseLsjson(stdout: string, stderr: string, exitCode: number): Result<RcloneListing> {
  // rclone prints "[" before failing: a non-zero exit is never a listing.
  if (exitCode !== 0) return rcloneFailure(stderr, exitCode);
  const entries = lsjsonEntries(stdout);
  if (!entries.ok) return entries;
  let newest: RcloneObject | undefined;
  let newestMs = -Infinity;
  let objects = 0;
  let totalBytes = 0;
  const tiers: Record<string, number> = {};
  let archiveTier: string | undefined;
  let syncedAt: number | undefined;
  let i = 0;
  try {
    for (const raw of entries.value) {
      const e = entryOf(raw, i++);
      if (typeof e === 'string') return err('parse', `rclone lsjson: ${e}`);
      if (e.IsDir) continue;
      if (e.Path === SYNC_MARKER) {
        // To the millisecond: a backup that ended in the same second as the sync began is still carried by it.
        syncedAt = e.ModTime / 1000;
        continue;
      }
      objects++;
      // -1 is rclone's "size unknown".
      if (e.Size !== undefined && e.Size >= 0) totalBytes += e.Size;
      if (e.Tier) {
        tiers[e.Tier] = (tiers[e.Tier] ?? 0) + 1;
        if (!archiveTier && isArchiveTier(e.Tier)) archiveTier = e.Tier;
      }
      if (!newest || e.ModTime > newestMs || (e.ModTime === newestMs && compareText(e.Path, newest.path) > 0)) {
        newestMs = e.ModTime;
        newest = {
          path: e.Path,
          timeSec: Math.floor(e.ModTime / 1000),
          ...(e.Size !== undefined && e.Size >= 0 ? { sizeBytes: e.Size } : {}),
          ...(e.Tier ? { tier: e.Tier } : {}),
        };
      }
    }
  } catch (e) {
    return err('parse', `rclone lsjson: output is not valid JSON (${errorText(e)})`);
  }
  return ok({ objects, totalBytes, ...(newest ? { newest } : {}), ...(syncedAt !== undefined ? { syncedAtSec: syncedAt } : {}), tiers, ...(archiveTier ? { archiveTier } : {}) });
}

const aboutSchema = z.looseObject({
  total: optional(numberLike),
  used: optional(numberLike),
  free: optional(numberLike),
  trashed: optional(numberLike),
  other: optional(numberLike),
  objects: optional(numberLike),
});

/**
 * `rclone about REMOTE --json`. Fields are omitted where the backend has none;
 * a backend without about support (`... doesn't support about`) gives null:
 * not knowing the capacity of a cloud remote is not a fault of the layer.
 */
export function parseAbout(stdout: string, stderr: string, exitCode: number): Result<RcloneAbout | null> {
  if (exitCode !== 0) {
    if (/doesn't support about/i.test(stderr)) return ok(null);
    return rcloneFailure(stderr, exitCode);
  }
  const r = parseJsonAs(aboutSchema, stdout, 'rclone about');
  if (!r.ok) return r;
  const a = r.value;
  const known = ['total', 'used', 'free', 'trashed', 'other', 'objects'];
  if (!known.some((k) => k in a)) {
    // `{}` is a backend with nothing to tell; other keys are not rclone's about at all.
    return Object.keys(a).length === 0 ? ok(null) : err('parse', 'rclone about: none of total/used/free/objects in the output');
  }
  return ok({
    ...(a.total !== undefined ? { totalBytes: a.total } : {}),
    ...(a.used !== undefined ? { usedBytes: a.used } : {}),
    ...(a.free !== undefined ? { freeBytes: a.free } : {}),
    ...(a.trashed !== undefined ? { trashedBytes: a.trashed } : {}),
    ...(a.other !== undefined ? { otherBytes: a.other } : {}),
    ...(a.objects !== undefined ? { objects: a.objects } : {}),
  });
}
