/**
 * Running PBS jobs and verifies through proxmox-backup-manager (reference
 * §3.3). They run as server tasks; in text output mode the CLI follows the
 * task log to its end and (since 2.x) fails with `task failed (status ...)`
 * when the task did; json mode would only print the UPID and return at once,
 * so these commands always ask for text. The log's own last line (`TASK OK`,
 * `TASK WARNINGS: N`, `TASK ERROR: msg`) decides where a CLI too old to check
 * the status exits 0 anyway.
 */
import { z } from 'zod';
import { err, ok, type Result } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { excerpt, parseJsonAs } from '../shared/json.js';
import { LastLines, type LineFold } from '../shared/line-fold.js';
import { exitFailure } from '../shared/failure.js';
import { boolLike, numberLike, optional } from '../shared/values.js';
import { pbsFailure } from './parse.js';

const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

function checkName(what: string, v: string): string {
  if (!NAME.test(v)) throw new TypeError(`not a PBS ${what}: ${JSON.stringify(v)}`);
  return v;
}

const manager = (...args: string[]): Command => ({ argv: ['proxmox-backup-manager', ...args] });

export const syncJobListCommand = (): Command => manager('sync-job', 'list', '--output-format', 'json');
export const verifyJobListCommand = (): Command => manager('verify-job', 'list', '--output-format', 'json');
export const syncJobRunCommand = (id: string): Command => manager('sync-job', 'run', checkName('job id', id), '--output-format', 'text');
export const verifyJobRunCommand = (id: string): Command => manager('verify-job', 'run', checkName('job id', id), '--output-format', 'text');
/** Running tasks only (no `--all`): what a cancelled CLI may have left behind in the server. */
export const runningTasksCommand = (): Command => manager('task', 'list', '--output-format', 'json');
export const taskStopCommand = (upid: string): Command => {
  if (!/^UPID:[^\s]+$/.test(upid)) throw new TypeError(`not a UPID: ${JSON.stringify(upid)}`);
  return manager('task', 'stop', upid);
};

/**
 * `proxmox-backup-manager verify STORE [--ns NS] [--outdated-after DAYS] --output-format text`.
 * By default PBS skips snapshots verified before; `outdatedAfterDays` re-verifies those older than that.
 */
export function verifyDatastoreCommand(store: string, p: { namespace?: string; outdatedAfterDays?: number } = {}): Command {
  const args = ['verify', checkName('datastore', store)];
  if (p.namespace) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9._/-]*$/.test(p.namespace)) throw new TypeError(`not a PBS namespace: ${JSON.stringify(p.namespace)}`);
    args.push('--ns', p.namespace);
  }
  if (p.outdatedAfterDays !== undefined) {
    if (!Number.isInteger(p.outdatedAfterDays) || p.outdatedAfterDays < 1) throw new TypeError(`not a day count: ${p.outdatedAfterDays}`);
    args.push('--outdated-after', String(p.outdatedAfterDays));
  }
  return manager(...args, '--output-format', 'text');
}

export interface PbsSyncJob {
  readonly id: string;
  readonly store: string;
  readonly remote?: string;
  readonly remoteStore?: string;
  readonly ns?: string;
  readonly schedule?: string;
}

export interface PbsVerifyJob {
  readonly id: string;
  readonly store: string;
  readonly ns?: string;
  readonly ignoreVerified?: boolean;
  readonly outdatedAfter?: number;
  readonly schedule?: string;
}

const optString = optional(z.string());

const syncJobs = z.array(
  z.looseObject({ id: z.string(), store: z.string(), remote: optString, 'remote-store': optString, ns: optString, schedule: optString }),
);

const verifyJobs = z.array(
  z.looseObject({
    id: z.string(),
    store: z.string(),
    ns: optString,
    'ignore-verified': optional(boolLike),
    'outdated-after': optional(numberLike),
    schedule: optString,
  }),
);

export function parseSyncJobs(stdout: string, stderr: string, exitCode: number): Result<PbsSyncJob[]> {
  if (exitCode !== 0) return pbsFailure('proxmox-backup-manager', stderr, exitCode);
  const r = parseJsonAs(syncJobs, stdout, 'proxmox-backup-manager sync-job list');
  if (!r.ok) return r;
  return ok(
    r.value.map((j) => ({
      id: j.id,
      store: j.store,
      ...(j.remote ? { remote: j.remote } : {}),
      ...(j['remote-store'] ? { remoteStore: j['remote-store'] } : {}),
      ...(j.ns ? { ns: j.ns } : {}),
      ...(j.schedule ? { schedule: j.schedule } : {}),
    })),
  );
}

export function parseVerifyJobs(stdout: string, stderr: string, exitCode: number): Result<PbsVerifyJob[]> {
  if (exitCode !== 0) return pbsFailure('proxmox-backup-manager', stderr, exitCode);
  const r = parseJsonAs(verifyJobs, stdout, 'proxmox-backup-manager verify-job list');
  if (!r.ok) return r;
  return ok(
    r.value.map((j) => ({
      id: j.id,
      store: j.store,
      ...(j.ns ? { ns: j.ns } : {}),
      ...(j['ignore-verified'] !== undefined ? { ignoreVerified: j['ignore-verified'] } : {}),
      ...(j['outdated-after'] !== undefined ? { outdatedAfter: j['outdated-after'] } : {}),
      ...(j.schedule ? { schedule: j.schedule } : {}),
    })),
  );
}

export interface PbsTaskOutcome {
  /** `ok`, `warnings` (TASK WARNINGS: N), or `error` with the task's status text. */
  readonly status: 'ok' | 'warnings' | 'error';
  readonly message: string;
  /** Snapshots a verify read (`verify STORE:PATH` lines). */
  readonly verified: number;
  /** Snapshots it skipped as recently verified. */
  readonly skipped: number;
  /** Snapshots/groups the task listed under "Failed to verify". */
  readonly failed: readonly string[];
  /** Snapshots a sync copied. */
  readonly synced: number;
}

const TASK_END = /^TASK (OK|WARNINGS: (\d+)|ERROR: (.*))$/;
const CLI_FAILED = /^Error: task failed \(status (.*)\)$/;
const KNOWN_LINE = /^(verify (datastore|group|\S+:\S+)|found \d+ groups|SKIPPED: verify|percentage done:|Syncing datastore|sync (snapshot|group|job)|Starting datastore|Finished syncing|Failed to verify)/;

/**
 * A PBS task followed in text mode. Green needs positive evidence: exit 0 and
 * either `TASK OK` or log lines this parser knows; exit 0 with neither is a
 * parse error, never a success.
 */
export function pbsTaskFold(): LineFold<PbsTaskOutcome> {
  let end: { status: PbsTaskOutcome['status']; message: string } | undefined;
  let cliStatus: string | undefined;
  let known = false;
  let verified = 0;
  let skipped = 0;
  let synced = 0;
  let inFailedList = false;
  const failed: string[] = [];
  const tail = new LastLines(5);
  return {
    line(stream, raw) {
      const l = raw.trimEnd();
      tail.push(l);
      let m: RegExpExecArray | null;
      if (stream === 'stderr' && (m = CLI_FAILED.exec(l.trim()))) {
        cliStatus = m[1]!;
        return;
      }
      if ((m = TASK_END.exec(l.trim()))) {
        end = m[1] === 'OK' ? { status: 'ok', message: 'TASK OK' } : m[2] !== undefined ? { status: 'warnings', message: `${m[2]} warnings` } : { status: 'error', message: m[3]! };
        return;
      }
      if (inFailedList && /^\t/.test(raw)) {
        failed.push(raw.trim());
        return;
      }
      inFailedList = false;
      if (KNOWN_LINE.test(l)) known = true;
      if (/^verify \S+:\S+\/\S+$/.test(l) && !/^verify (datastore|group) /.test(l)) verified++;
      else if (/^SKIPPED: verify /.test(l)) skipped++;
      else if (/^sync snapshot /.test(l)) synced++;
      else if (/^Failed to verify the following snapshots\/groups:/.test(l)) inFailedList = true;
    },
    finish(exitCode) {
      const counts = { verified, skipped, failed, synced };
      if (exitCode === 127) return exitFailure('proxmox-backup-manager', exitCode, tail.text);
      if (cliStatus !== undefined) return ok({ status: 'error', message: cliStatus, ...counts });
      if (end?.status === 'error') return ok({ ...end, ...counts });
      if (exitCode !== 0) return pbsFailure('proxmox-backup-manager', tail.text, exitCode);
      if (failed.length > 0) return ok({ status: 'error', message: `${failed.length} snapshots/groups failed to verify`, ...counts });
      if (end) return ok({ ...end, ...counts });
      if (known) return ok({ status: 'ok', message: 'task finished', ...counts });
      return err('parse', `proxmox-backup-manager: exit 0 but no task log this parser knows (${excerpt(tail.text) || 'no output'})`);
    },
  };
}
