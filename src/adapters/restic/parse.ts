/**
 * Pure parsers of restic output, any version from 0.14 on (reference §5).
 * Failures are recognised in every version's form: the exit codes 10/11/12
 * of 0.17+, the `exit_error` JSON line of newer versions, and the `Fatal:`
 * texts older versions print with exit 1.
 */
import { z } from 'zod';
import { normaliseFilesPath } from '../../domain/asset-id.js';
import { err, ok, type ProbeErrorKind, type Result } from '../../domain/types.js';
import { excerpt, parseJsonAs } from '../shared/json.js';
import { firstLine } from '../shared/failure.js';
import { compareText, numberLike, optional, rfc3339, rfc3339Ms } from '../shared/values.js';

export interface ResticSnapshot {
  readonly id: string;
  readonly shortId: string;
  readonly timeSec: number;
  readonly hostname: string;
  readonly username?: string;
  readonly paths: readonly string[];
  readonly tags: readonly string[];
  readonly parent?: string;
  /** 0.16+ */
  readonly programVersion?: string;
  /** 0.17+ */
  readonly summary?: {
    readonly backupStart?: number;
    readonly backupEnd?: number;
    readonly filesNew?: number;
    readonly dataAdded?: number;
    readonly totalFilesProcessed?: number;
    readonly totalBytesProcessed?: number;
  };
}

export interface ResticBackupResult {
  /** Exit 3: the snapshot was made, but some files could not be read. */
  readonly incomplete: boolean;
  readonly snapshotId?: string;
  readonly filesNew?: number;
  readonly dataAdded?: number;
  readonly totalBytesProcessed?: number;
  readonly durationSeconds?: number;
  readonly errors: readonly { readonly item?: string; readonly during?: string; readonly message: string }[];
}

export interface ResticForgetGroup {
  readonly host?: string;
  readonly paths: readonly string[];
  readonly tags: readonly string[];
  readonly keep: readonly string[];
  readonly remove: readonly string[];
}

export interface ResticCheckResult {
  /** `no errors were found` */
  readonly clean: boolean;
  readonly message: string;
}

const exitErrorLine = z.looseObject({ message_type: z.literal('exit_error'), code: z.number(), message: z.string() });

/** A newer restic's `{"message_type":"exit_error",...}` on stderr, if any. */
function jsonExitError(stderr: string): { code: number; message: string } | undefined {
  for (const line of stderr.split('\n').reverse()) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      const r = exitErrorLine.safeParse(JSON.parse(t));
      if (r.success) return { code: r.data.code, message: r.data.message };
    } catch {
      // not JSON: keep looking
    }
  }
  return undefined;
}

/**
 * A failed restic run as an error value. `exitCode` 3 is not handled here: it
 * means "snapshot made with warnings" for `backup` only.
 */
export function resticFailure<T = never>(stderr: string, exitCode: number): Result<T> {
  const json = jsonExitError(stderr);
  const code = json?.code ?? exitCode;
  const text = json?.message ?? stderr;
  const line = excerpt(fatalLine(text), 200);
  let kind: ProbeErrorKind = 'command-failed';
  let what = 'restic failed';
  if (code === 127) return err('command-failed', 'restic: command not found on the host (exit 127)');
  const configUnreadable = /unable to open config file|Is there a repository at the following location/i.test(text);
  if (
    code === 10 ||
    /repository does not exist/i.test(text) ||
    (configUnreadable && /no such file or directory|NoSuchKey|NoSuchBucket|\b404\b|not found/i.test(text))
  ) {
    kind = 'not-found';
    what = 'restic repository not found';
  } else if (configUnreadable) {
    // 0.14-0.16 say "Is there a repository...?" for an unreachable backend too.
    what = 'restic could not open the repository';
  } else if (code === 11 || /is already locked|unable to create lock|failed to lock/i.test(text)) {
    kind = 'locked';
    what = 'restic repository is locked';
  } else if (code === 12 || /wrong password|no key found/i.test(text)) {
    kind = 'auth';
    what = 'restic password is wrong';
  } else if (/Resolving password failed|empty password|Please specify password|reading repository password/i.test(text)) {
    kind = 'auth';
    what = 'restic could not get the repository password';
  } else if (code === 130) {
    what = 'restic was interrupted';
  }
  return err(kind, `${what} (exit ${code})${line ? `: ${line}` : ''}`);
}

/** The line that says why: restic's `Fatal:` line, else the first line. */
function fatalLine(text: string): string {
  const fatal = text.split('\n').find((l) => /^(Fatal|unable to create lock|Resolving password failed)/.test(l.trim()));
  return (fatal ?? firstLine(text)).trim();
}

const optString = optional(z.string());
const optNumber = optional(numberLike);

const snapshotSchema = z.array(
  z.looseObject({
    time: rfc3339Ms,
    parent: optString,
    tree: optString,
    paths: optional(z.array(z.string())),
    hostname: z.string(),
    username: optString,
    tags: optional(z.array(z.string())),
    program_version: optString,
    summary: optional(
      z.looseObject({
        backup_start: optional(rfc3339),
        backup_end: optional(rfc3339),
        files_new: optNumber,
        data_added: optNumber,
        total_files_processed: optNumber,
        total_bytes_processed: optNumber,
      }),
    ),
    id: z.string().regex(/^[0-9a-f]{8,64}$/, 'expected a hex snapshot id'),
    short_id: optString,
  }),
);

/** `restic snapshots --json`, oldest first. */
export function parseResticSnapshots(stdout: string, stderr: string, exitCode: number): Result<ResticSnapshot[]> {
  if (exitCode !== 0) return resticFailure(stderr, exitCode);
  const r = parseJsonAs(snapshotSchema, stdout, 'restic snapshots');
  if (!r.ok) return r;
  return ok(
    [...r.value]
      .sort((a, b) => a.time - b.time || compareText(a.id, b.id))
      .map((s) => {
        const sum = s.summary;
        const summary = sum
          ? {
              ...(sum.backup_start !== undefined ? { backupStart: sum.backup_start } : {}),
              ...(sum.backup_end !== undefined ? { backupEnd: sum.backup_end } : {}),
              ...(sum.files_new !== undefined ? { filesNew: sum.files_new } : {}),
              ...(sum.data_added !== undefined ? { dataAdded: sum.data_added } : {}),
              ...(sum.total_files_processed !== undefined ? { totalFilesProcessed: sum.total_files_processed } : {}),
              ...(sum.total_bytes_processed !== undefined ? { totalBytesProcessed: sum.total_bytes_processed } : {}),
            }
          : undefined;
        return {
          id: s.id,
          shortId: s.short_id ?? s.id.slice(0, 8),
          timeSec: Math.floor(s.time / 1000),
          hostname: s.hostname,
          ...(s.username !== undefined ? { username: s.username } : {}),
          paths: s.paths ?? [],
          tags: s.tags ?? [],
          ...(s.parent !== undefined ? { parent: s.parent } : {}),
          ...(s.program_version !== undefined ? { programVersion: s.program_version } : {}),
          ...(summary ? { summary } : {}),
        };
      }),
  );
}

/** Trailing slashes do not make another path (`/srv/` is `/srv`): the health rules key workloads the same way. */
export const normalisePath = normaliseFilesPath;

export interface ResticPathGroup {
  readonly hostname: string;
  readonly path: string;
  readonly snapshots: readonly ResticSnapshot[];
}

/** Snapshots per host and path: a snapshot of two paths counts for both. */
export function groupByHostAndPath(snapshots: readonly ResticSnapshot[]): ResticPathGroup[] {
  const groups = new Map<string, { hostname: string; path: string; snapshots: ResticSnapshot[] }>();
  for (const s of snapshots) {
    for (const raw of new Set(s.paths.map(normalisePath))) {
      const key = `${s.hostname}\0${raw}`;
      const g = groups.get(key) ?? { hostname: s.hostname, path: raw, snapshots: [] };
      g.snapshots.push(s);
      groups.set(key, g);
    }
  }
  return [...groups.values()].sort((a, b) => compareText(a.hostname, b.hostname) || compareText(a.path, b.path));
}

const backupLine = z.looseObject({
  message_type: z.string(),
  snapshot_id: optString,
  files_new: optNumber,
  data_added: optNumber,
  total_bytes_processed: optNumber,
  total_duration: optNumber,
  item: optString,
  during: optString,
  error: z.unknown().optional(),
});

function errorText(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e && typeof e === 'object') {
    const o = e as Record<string, unknown>;
    if (typeof o.message === 'string') return o.message;
    // 0.14 prints Go's *PathError as {"Op":"open","Path":...,"Err":13}.
    if (typeof o.Op === 'string') return `${o.Op} ${String(o.Path ?? '')}: errno ${String(o.Err ?? '?')}`;
    return JSON.stringify(e) === '{}' ? 'error (no details: restic 0.14-0.16 print "error":{})' : JSON.stringify(e);
  }
  return String(e);
}

/**
 * `restic backup --json`: JSON lines on stdout, errors as JSON lines on
 * stderr. Exit 3 still made a snapshot; any other non-zero did not.
 */
export function parseBackupOutput(stdout: string, stderr: string, exitCode: number): Result<ResticBackupResult> {
  if (exitCode !== 0 && exitCode !== 3) return resticFailure(stderr, exitCode);
  const errors: { item?: string; during?: string; message: string }[] = [];
  let summary: z.output<typeof backupLine> | undefined;
  for (const line of `${stdout}\n${stderr}`.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    let json: unknown;
    try {
      json = JSON.parse(t);
    } catch {
      continue;
    }
    const m = backupLine.safeParse(json);
    if (!m.success) continue;
    if (m.data.message_type === 'summary') summary = m.data;
    else if (m.data.message_type === 'error') {
      errors.push({
        ...(m.data.item ? { item: m.data.item } : {}),
        ...(m.data.during ? { during: m.data.during } : {}),
        message: errorText(m.data.error),
      });
    }
  }
  if (!summary?.snapshot_id) {
    return err('parse', `restic backup: no summary with a snapshot id in the output (exit ${exitCode})`);
  }
  return ok({
    incomplete: exitCode === 3,
    snapshotId: summary.snapshot_id,
    ...(summary.files_new !== undefined ? { filesNew: summary.files_new } : {}),
    ...(summary.data_added !== undefined ? { dataAdded: summary.data_added } : {}),
    ...(summary.total_bytes_processed !== undefined ? { totalBytesProcessed: summary.total_bytes_processed } : {}),
    ...(summary.total_duration !== undefined ? { durationSeconds: summary.total_duration } : {}),
    errors,
  });
}

const idList = optional(z.array(z.looseObject({ id: z.string() }))).transform((l) => (l ?? []).map((s) => s.id));

const forgetSchema = z.array(
  z.looseObject({
    host: optString,
    paths: optional(z.array(z.string())),
    tags: optional(z.array(z.string())),
    keep: idList,
    remove: idList,
  }),
);

/**
 * `restic forget --json`: one entry per group; `remove` (and `tags`) are null
 * when empty. With `--prune`, prune's text follows the JSON: only the first
 * line, the JSON array, is read.
 */
export function parseForgetOutput(stdout: string, stderr: string, exitCode: number): Result<ResticForgetGroup[]> {
  if (exitCode !== 0) return resticFailure(stderr, exitCode);
  const json = stdout.trimStart().split('\n')[0] ?? '';
  const r = parseJsonAs(forgetSchema, json, 'restic forget');
  if (!r.ok) return r;
  return ok(
    r.value.map((g) => ({
      ...(g.host ? { host: g.host } : {}),
      paths: g.paths ?? [],
      tags: g.tags ?? [],
      keep: g.keep,
      remove: g.remove,
    })),
  );
}

/** `restic check`: exit 0 with "no errors were found", or the repository's errors. */
export function parseCheckOutput(stdout: string, stderr: string, exitCode: number): Result<ResticCheckResult> {
  if (exitCode === 0 && /no errors were found/.test(stdout)) return ok({ clean: true, message: 'no errors were found' });
  if (exitCode === 0) return err('parse', 'restic check: exit 0 without "no errors were found"');
  if (/repository contains errors/i.test(stderr)) {
    return ok({ clean: false, message: excerpt(fatalLine(stderr), 200) });
  }
  return resticFailure(stderr, exitCode);
}
