/**
 * `restic restore` of chosen paths (restore-formats §6), for every version:
 * - 0.16+ with `--json`: `status` lines (percent, files, bytes) and a
 *   `summary` on stdout; counters are `omitempty`, so absent is 0;
 * - 0.14/0.15: `restoring <Snapshot ...> to DIR` and then nothing until exit
 *   (`--json` changes nothing): the caller shows elapsed time and the bytes
 *   it measures under the target (`duBytesCommand` in adapters/files);
 * - errors: `ignoring error for /p: msg` on stderr up to 0.17.0, JSON
 *   `{"message_type":"error",...}` on stderr from 0.17.1; either way the run
 *   ends `Fatal: There were N errors` with exit 1, and whatever was restored
 *   stays (a partial restore, not a failure to start).
 * An include that matches nothing restores nothing and exits 0 without even
 * creating the target: the check after the restore has to notice.
 */
import { err, ok, type Result } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { excerpt } from '../shared/json.js';
import { LastLines, type LineFold } from '../shared/line-fold.js';
import { mergeEnv } from '../secrets.js';
import { resticEnv, type ResticAccess } from './commands.js';
import { checkSnapshotRef, snapshotNotFound } from './ls.js';
import { resticFailure } from './parse.js';
import type { ResticFeatures } from './version.js';

export type ResticOverwrite = 'always' | 'if-changed' | 'if-newer' | 'never';

export interface ResticRestoreParams {
  readonly snapshot: string;
  /** Where to restore; `/` (over the original) only with `overOriginal`. */
  readonly target: string;
  /** Absolute paths in the snapshot; none restores everything. */
  readonly include?: readonly string[];
  /** `SNAP:subpath` (0.16+): restore the contents of this directory of the snapshot at the target's root. */
  readonly subpath?: string;
  readonly verify?: boolean;
  /** 0.17+; older restic always overwrites, which the caller must say before it runs. */
  readonly overwrite?: ResticOverwrite;
  /** 0.17+ */
  readonly dryRun?: boolean;
  /** The operator chose to restore over the original files (target `/`). */
  readonly overOriginal?: boolean;
}

/** restic's include patterns are filepath.Match globs: a path's own `*?[\` are escaped so it matches only itself. */
export function includePattern(path: string): string {
  return path.replace(/[*?[\\]/g, (c) => `\\${c}`);
}

/**
 * `restic restore SNAP[:subpath] --target DIR [--include P]... [--verify]
 * [--json] [--overwrite M] [--dry-run]`. Options the host's version lacks
 * are refused here rather than sent (restic would fail with `unknown flag`).
 */
export function resticRestoreCommand(a: ResticAccess, p: ResticRestoreParams, features: ResticFeatures): Command {
  const snap = checkSnapshotRef(p.snapshot);
  if (!p.target.startsWith('/') || /[\0\n]/.test(p.target)) throw new TypeError(`restore target must be an absolute path: ${JSON.stringify(p.target)}`);
  if (p.target.replace(/\/+$/, '') === '' && !p.overOriginal) throw new TypeError('restoring to / overwrites the original files: say so with overOriginal');
  if (p.overwrite !== undefined && !features.overwrite) throw new TypeError('this restic has no --overwrite (0.17+): it always overwrites');
  if (p.dryRun && !features.dryRun) throw new TypeError('this restic has no --dry-run (0.17+)');
  if (p.subpath !== undefined && !features.subpath) throw new TypeError('this restic has no SNAP:subpath (0.16+)');
  if (p.subpath !== undefined && (!p.subpath.startsWith('/') || /[\0\n]/.test(p.subpath))) throw new TypeError(`not an absolute subpath: ${JSON.stringify(p.subpath)}`);
  // A newline is a legal file name character: only NUL cannot travel.
  for (const i of p.include ?? []) if (!i.startsWith('/') || i.includes('\0')) throw new TypeError(`not an absolute path to include: ${JSON.stringify(i)}`);
  const json = features.jsonRestoreProgress;
  return {
    argv: [
      'restic',
      'restore',
      p.subpath !== undefined ? `${snap}:${p.subpath}` : snap,
      '--target',
      p.target,
      ...(p.include ?? []).flatMap((i) => ['--include', includePattern(i)]),
      ...(p.verify ? ['--verify'] : []),
      ...(p.overwrite !== undefined ? ['--overwrite', p.overwrite] : []),
      ...(p.dryRun ? ['--dry-run'] : []),
      ...(json ? ['--json'] : []),
    ],
    // JSON status comes 60 times a second even into a pipe unless told otherwise.
    ...mergeEnv(resticEnv(a), json ? { env: { RESTIC_PROGRESS_FPS: '1' } } : {}),
  };
}

export interface ResticRestoreProgress {
  readonly percent?: number;
  readonly filesRestored: number;
  readonly totalFiles?: number;
  readonly bytesRestored: number;
  readonly totalBytes?: number;
  readonly secondsElapsed?: number;
}

export interface ResticRestoreError {
  readonly item: string;
  readonly message: string;
}

export interface ResticRestoreResult {
  /** `partial`: restic went on past errors (exit 1, `There were N errors`); what it wrote stays. */
  readonly outcome: 'restored' | 'partial';
  /** `json`: counts from restic's summary; `text`: 0.14/0.15 print none, measure the target instead. */
  readonly form: 'json' | 'text';
  /** From `restoring <Snapshot 086dc43e of [...] ...> to DIR` (text form only). */
  readonly snapshotShortId?: string;
  readonly target?: string;
  readonly filesRestored?: number;
  readonly totalFiles?: number;
  readonly bytesRestored?: number;
  readonly totalBytes?: number;
  readonly filesSkipped?: number;
  readonly bytesSkipped?: number;
  readonly secondsElapsed?: number;
  /** The first errors, in restic's words. */
  readonly errors: readonly ResticRestoreError[];
  readonly errorCount: number;
  /** `--verify`: `finished verifying N files`. */
  readonly verifiedFiles?: number;
}

export interface ResticRestoreFold extends LineFold<ResticRestoreResult> {
  /** The newest status line (0.16+ with --json); undefined before the first or in the text form. */
  progress(): ResticRestoreProgress | undefined;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const MAX_ERRORS = 20;
const RESTORING = /^restoring <Snapshot ([0-9a-f]+) of \[.*\] at .+> to (.+)$/;
const IGNORING = /^ignoring error for (.+?): (.+)$/;
const THERE_WERE = /There were (\d+) errors/;

export function resticRestoreFold(): ResticRestoreFold {
  const errors: ResticRestoreError[] = [];
  const log = new LastLines(20);
  let errorCount = 0;
  let declaredErrors: number | undefined;
  let status: Record<string, unknown> | undefined;
  let summary: Record<string, unknown> | undefined;
  let restoring: { id: string; target: string } | undefined;
  let textSummary = false;
  let verified: number | undefined;
  const addError = (item: string, message: string) => {
    errorCount++;
    if (errors.length < MAX_ERRORS) errors.push({ item, message });
  };
  const json = (t: string): Record<string, unknown> | undefined => {
    if (!t.startsWith('{')) return undefined;
    try {
      const v: unknown = JSON.parse(t);
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    line(_stream, raw) {
      const t = raw.trim();
      if (t === '') return;
      const o = json(t);
      if (o) {
        if (o.message_type === 'status') status = o;
        else if (o.message_type === 'summary') summary = o;
        else if (o.message_type === 'error') {
          const e = o.error;
          const message = e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : JSON.stringify(e ?? null);
          addError(typeof o.item === 'string' ? o.item : '', message);
        } else if (o.message_type === 'exit_error' && typeof o.message === 'string') {
          const n = THERE_WERE.exec(o.message);
          if (n) declaredErrors = Number(n[1]);
          log.push(`Fatal: ${o.message}`);
        }
        return;
      }
      let m: RegExpExecArray | null;
      if ((m = RESTORING.exec(t))) restoring = { id: m[1]!, target: m[2]! };
      else if ((m = IGNORING.exec(t))) addError(m[1]!, m[2]!);
      else if (/^Summary: Restored /.test(t)) textSummary = true;
      else if ((m = /^finished verifying (\d+) files in /.exec(t))) verified = Number(m[1]);
      else {
        const n = THERE_WERE.exec(t);
        if (n) declaredErrors = Number(n[1]);
        log.push(t);
      }
    },
    progress() {
      if (!status) return undefined;
      return {
        ...(num(status.percent_done) !== undefined ? { percent: Math.round(num(status.percent_done)! * 1000) / 10 } : {}),
        filesRestored: num(status.files_restored) ?? 0,
        ...(num(status.total_files) !== undefined ? { totalFiles: num(status.total_files)! } : {}),
        bytesRestored: num(status.bytes_restored) ?? 0,
        ...(num(status.total_bytes) !== undefined ? { totalBytes: num(status.total_bytes)! } : {}),
        ...(num(status.seconds_elapsed) !== undefined ? { secondsElapsed: num(status.seconds_elapsed)! } : {}),
      };
    },
    finish(exitCode): Result<ResticRestoreResult> {
      const count = Math.max(errorCount, declaredErrors ?? 0);
      const partial = exitCode === 1 && count > 0;
      if (exitCode !== 0 && !partial) {
        const missing = snapshotNotFound(log.text);
        if (missing) return err('not-found', `restic restore: ${excerpt(missing, 200)}`);
        return resticFailure(log.text, exitCode);
      }
      const form = summary || status ? 'json' : 'text';
      if (exitCode === 0 && !summary && !restoring && !textSummary) {
        return err('parse', `restic restore: exit 0 without "restoring <Snapshot ...>" or a summary (${excerpt(log.text) || 'no output'})`);
      }
      const s = summary ?? status;
      const counts = s
        ? {
            // omitempty: a counter restic left out is zero.
            filesRestored: num(s.files_restored) ?? 0,
            totalFiles: num(s.total_files) ?? 0,
            bytesRestored: num(s.bytes_restored) ?? 0,
            totalBytes: num(s.total_bytes) ?? 0,
            ...(num(s.files_skipped) !== undefined ? { filesSkipped: num(s.files_skipped)! } : {}),
            ...(num(s.bytes_skipped) !== undefined ? { bytesSkipped: num(s.bytes_skipped)! } : {}),
            ...(num(s.seconds_elapsed) !== undefined ? { secondsElapsed: num(s.seconds_elapsed)! } : {}),
          }
        : {};
      return ok({
        outcome: partial ? 'partial' : 'restored',
        form,
        ...(restoring ? { snapshotShortId: restoring.id, target: restoring.target } : {}),
        ...counts,
        errors,
        errorCount: count,
        ...(verified !== undefined ? { verifiedFiles: verified } : {}),
      });
    },
  };
}
