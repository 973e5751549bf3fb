/**
 * Pure parsers of proxmox-backup-client / proxmox-backup-manager JSON
 * (reference §3). Client keys are kebab-case, manager task keys snake_case;
 * list order is not guaranteed.
 */
import { z } from 'zod';
import {
  ok,
  type JobKind,
  type JobState,
  type ProbeErrorKind,
  type Result,
  type VerificationState,
} from '../../domain/types.js';
import { exitFailure, firstLine } from '../shared/failure.js';
import { parseJsonAs } from '../shared/json.js';
import { taskState } from '../shared/task-status.js';
import { parseUpid } from '../shared/upid.js';
import { compareText, boolLike, epochLike, numberLike, optional } from '../shared/values.js';

export interface PbsSnapshot {
  /** vm, ct or host */
  readonly type: string;
  readonly id: string;
  readonly timeSec: number;
  readonly sizeBytes?: number;
  readonly protected: boolean;
  readonly comment?: string;
  readonly owner?: string;
  readonly files: readonly string[];
  readonly encrypted: boolean;
  /** No manifest (index.json.blob): the backup never finished. */
  readonly partial: boolean;
  readonly verification?: { readonly state: VerificationState; readonly upid?: string; readonly atSec?: number };
}

export interface PbsDatastoreStatus {
  readonly totalBytes: number;
  readonly usedBytes: number;
  readonly availBytes: number;
}

export interface PbsTask {
  readonly upid: string;
  readonly node: string;
  readonly workerType: string;
  readonly workerId?: string;
  readonly user: string;
  readonly startTimeSec: number;
  readonly endTimeSec?: number;
  /** OK, WARNINGS: N, unknown, or the error message. */
  readonly status: string;
  readonly state: JobState;
}

/** A failed client/manager call, classified by its message. */
export function pbsFailure<T = never>(tool: string, stderr: string, exitCode: number): Result<T> {
  let kind: ProbeErrorKind = 'command-failed';
  if (/authentication fail|permission check failed|invalid credentials|\b401\b|no password|password is empty/i.test(stderr)) {
    kind = 'auth';
  } else if (/does not exist|no such datastore|not found|\b404\b/i.test(stderr)) kind = 'not-found';
  return exitFailure(tool, exitCode, stderr, kind, firstLine(stderr));
}

const optString = optional(z.string());

const fileSchema = z.union([
  z.string().transform((filename) => ({ filename, crypt: undefined as string | undefined })),
  z.looseObject({ filename: z.string(), 'crypt-mode': optString }).transform((f) => ({
    filename: f.filename,
    crypt: f['crypt-mode'],
  })),
]);

const snapshotSchema = z.array(
  z.looseObject({
    'backup-type': z.string(),
    'backup-id': z.union([z.string(), z.number().transform(String)]),
    'backup-time': epochLike,
    files: optional(z.array(fileSchema)),
    size: optional(numberLike),
    owner: optString,
    protected: optional(boolLike),
    comment: optString,
    verification: optional(z.looseObject({ state: optString, upid: optString })),
  }),
);

const MANIFEST = 'index.json.blob';

function verificationOf(v: { state?: string | undefined; upid?: string | undefined }): PbsSnapshot['verification'] {
  const state: VerificationState = v.state === 'ok' ? 'ok' : v.state === 'failed' ? 'failed' : 'none';
  const at = v.upid ? parseUpid(v.upid)?.startTimeSec : undefined;
  return { state, ...(v.upid ? { upid: v.upid } : {}), ...(at !== undefined ? { atSec: at } : {}) };
}

/** `proxmox-backup-client snapshot list --output-format json`, oldest first. */
export function parseSnapshotList(stdout: string, stderr: string, exitCode: number): Result<PbsSnapshot[]> {
  if (exitCode !== 0) return pbsFailure('proxmox-backup-client', stderr, exitCode);
  const r = parseJsonAs(snapshotSchema, stdout, 'proxmox-backup-client snapshot list');
  if (!r.ok) return r;
  return ok(
    r.value
      .map((s) => {
        const files = s.files ?? [];
        return {
          type: s['backup-type'],
          id: s['backup-id'],
          timeSec: s['backup-time'],
          ...(s.size !== undefined ? { sizeBytes: s.size } : {}),
          protected: s.protected ?? false,
          ...(s.comment !== undefined ? { comment: s.comment } : {}),
          ...(s.owner !== undefined ? { owner: s.owner } : {}),
          files: files.map((f) => f.filename),
          encrypted: files.some((f) => f.crypt === 'encrypt'),
          partial: !files.some((f) => f.filename === MANIFEST),
          ...(s.verification ? { verification: verificationOf(s.verification) } : {}),
        };
      })
      .sort((a, b) => a.timeSec - b.timeSec || compareText(a.type, b.type) || compareText(a.id, b.id)),
  );
}

const statusSchema = z.looseObject({ total: numberLike, used: numberLike, avail: numberLike });

/** `proxmox-backup-client status --output-format json` */
export function parseDatastoreStatus(stdout: string, stderr: string, exitCode: number): Result<PbsDatastoreStatus> {
  if (exitCode !== 0) return pbsFailure('proxmox-backup-client', stderr, exitCode);
  const r = parseJsonAs(statusSchema, stdout, 'proxmox-backup-client status');
  if (!r.ok) return r;
  return ok({ totalBytes: r.value.total, usedBytes: r.value.used, availBytes: r.value.avail });
}

const taskSchema = z.array(
  z.looseObject({
    upid: z.string(),
    node: optString,
    starttime: epochLike,
    endtime: optional(epochLike),
    worker_type: z.string(),
    worker_id: optString,
    user: optString,
    status: optString,
  }),
);

/** `proxmox-backup-manager task list --all --output-format json`, newest first. */
export function parseTaskList(stdout: string, stderr: string, exitCode: number): Result<PbsTask[]> {
  if (exitCode !== 0) return pbsFailure('proxmox-backup-manager', stderr, exitCode);
  const r = parseJsonAs(taskSchema, stdout, 'proxmox-backup-manager task list');
  if (!r.ok) return r;
  return ok(
    r.value
      .map((t) => ({
        upid: t.upid,
        node: t.node ?? '',
        workerType: t.worker_type,
        ...(t.worker_id ? { workerId: t.worker_id } : {}),
        user: t.user ?? '',
        startTimeSec: t.starttime,
        ...(t.endtime !== undefined ? { endTimeSec: t.endtime } : {}),
        status: t.status ?? (t.endtime === undefined ? 'RUNNING' : 'unknown'),
        state: taskState(t.status, t.endtime),
      }))
      .sort((a, b) => b.startTimeSec - a.startTimeSec),
  );
}

const KINDS: Record<string, JobKind> = {
  backup: 'backup',
  verify: 'verify',
  verify_snapshot: 'verify',
  verify_group: 'verify',
  verificationjob: 'verify',
  sync: 'sync',
  syncjob: 'sync',
  prune: 'prune',
  prunejob: 'prune',
  garbage_collection: 'gc',
};

/** What a PBS worker type means for backup health; other types (apt, certificates, ...) are none of its business. */
export function pbsJobKind(workerType: string): JobKind | undefined {
  return KINDS[workerType];
}

/** The guest or host a worker id names: `store1:vm/100`, `store1:ns/a:ct/101/2024-...`. */
export function pbsWorkerAsset(workerId: string | undefined): string | undefined {
  if (!workerId) return undefined;
  const m = /(?:^|[:/])(vm|ct|host)\/([^/:]+)(?:[/:]|$)/.exec(workerId);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/**
 * Whether a worker id concerns a datastore: ids are `:`-separated and hold the
 * store somewhere (`store1`, `store1:vm/100`, `remote:rstore:store1:ns:job`).
 * A task without an id cannot be placed and counts for every datastore.
 */
export function pbsWorkerConcernsStore(workerId: string | undefined, store: string): boolean {
  if (!workerId) return true;
  return workerId.split(':').includes(store);
}

/** PBS backup group types: guests (vm, ct) and hosts (host). */
export function isGroupType(t: string): t is 'vm' | 'ct' | 'host' {
  return t === 'vm' || t === 'ct' || t === 'host';
}
