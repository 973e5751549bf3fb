/**
 * Pure parsers of pvesh JSON (reference §1). pvesh prints numbers as numbers
 * or strings and booleans as 0/1; API errors arrive on stderr with exit 255.
 */
import { z } from 'zod';
import { err, ok, type JobState, type ProbeErrorKind, type Result, type VerificationState } from '../../domain/types.js';
import { exitFailure, firstLine } from '../shared/failure.js';
import { parseJsonAs } from '../shared/json.js';
import { taskState } from '../shared/task-status.js';
import { compareText, boolLike, epochLike, intLike, numberLike, optional } from '../shared/values.js';
import type { GuestType } from './commands.js';

export interface PveGuest {
  readonly vmid: number;
  readonly type: GuestType;
  readonly node: string;
  readonly name?: string;
  /** running, stopped, unknown */
  readonly status: string;
  readonly template: boolean;
  /** backup, snapshot, rollback, ... */
  readonly lock?: string;
  readonly tags: readonly string[];
}

export interface PveSnapshot {
  readonly name: string;
  readonly timeSec: number;
  readonly description?: string;
  readonly parent?: string;
  /** Set while the snapshot is being created or deleted: not a usable point. */
  readonly snapstate?: string;
  readonly partial: boolean;
  readonly vmstate: boolean;
}

export interface PveArchive {
  readonly volid: string;
  readonly vmid: number;
  readonly guestType?: GuestType;
  readonly timeSec: number;
  /** Absent when unknown (PBS storages report 1 then). */
  readonly sizeBytes?: number;
  readonly format: string;
  readonly notes?: string;
  readonly protected: boolean;
  readonly encrypted: boolean;
  readonly verification?: { readonly state: VerificationState; readonly upid?: string };
}

export interface PveBackupJob {
  readonly id: string;
  readonly type: string;
  readonly enabled: boolean;
  readonly schedule?: string;
  readonly nextRun?: number;
  readonly all: boolean;
  readonly vmids?: readonly number[];
  readonly exclude?: readonly number[];
  readonly pool?: string;
  readonly node?: string;
  readonly storage?: string;
  readonly mode?: string;
  /** `keep-daily=7,keep-weekly=4`, whatever form pvesh used. */
  readonly retention?: string;
  readonly comment?: string;
}

export interface PveTask {
  readonly upid: string;
  readonly node: string;
  readonly type: string;
  /** The vmid when one guest was backed up, else empty. */
  readonly id: string;
  readonly user: string;
  readonly startTimeSec: number;
  readonly endTimeSec?: number;
  /** As reported: OK, WARNINGS: 2, RUNNING, or the error message. */
  readonly status: string;
  readonly state: JobState;
}

export interface NotBackedUpGuest {
  readonly vmid: number;
  readonly type: GuestType;
  readonly name?: string;
}

export interface PveStorageStatus {
  readonly active: boolean;
  readonly enabled: boolean;
  readonly type?: string;
  readonly totalBytes?: number;
  readonly usedBytes?: number;
  readonly availBytes?: number;
}

/** A failed pvesh call, classified by its message. */
export function pveshFailure<T = never>(stderr: string, exitCode: number): Result<T> {
  const line = firstLine(stderr);
  let kind: ProbeErrorKind = 'command-failed';
  if (/permission check failed|permission denied|authentication fail|\b401\b/i.test(stderr)) kind = 'auth';
  else if (/does not exist|no such|not found|hostname lookup '.*' failed|unknown node|no 'get' handler/i.test(stderr)) {
    kind = 'not-found';
  }
  return exitFailure('pvesh', exitCode, stderr, kind, line);
}

const guestType = z.enum(['qemu', 'lxc']);
const optString = optional(z.string());
const optNumber = optional(numberLike);

const resourceSchema = z.array(
  z.looseObject({
    type: z.string(),
    vmid: optional(intLike),
    node: optString,
    name: optString,
    status: optString,
    template: optional(boolLike),
    lock: optString,
    tags: optString,
  }),
);

/** `/cluster/resources --type vm`: every guest of the cluster. */
export function parseGuests(stdout: string, stderr: string, exitCode: number): Result<PveGuest[]> {
  if (exitCode !== 0) return pveshFailure(stderr, exitCode);
  const r = parseJsonAs(resourceSchema, stdout, 'pvesh /cluster/resources');
  if (!r.ok) return r;
  const guests: PveGuest[] = [];
  for (const [i, g] of r.value.entries()) {
    // Without --type the list also holds nodes and storages; those are not guests.
    if (g.type !== 'qemu' && g.type !== 'lxc') continue;
    if (g.vmid === undefined || g.node === undefined) {
      return err('parse', `pvesh /cluster/resources: guest entry ${i} has no vmid or node`);
    }
    guests.push({
      vmid: g.vmid,
      type: g.type,
      node: g.node,
      ...(g.name !== undefined ? { name: g.name } : {}),
      status: g.status ?? 'unknown',
      template: g.template ?? false,
      ...(g.lock !== undefined ? { lock: g.lock } : {}),
      tags: (g.tags ?? '').split(/[;,\s]+/).filter((t) => t !== ''),
    });
  }
  return ok(guests.sort((a, b) => a.vmid - b.vmid));
}

const snapshotSchema = z.array(
  z.looseObject({
    name: z.string(),
    snaptime: optional(epochLike),
    description: optString,
    parent: optString,
    snapstate: optString,
    vmstate: optional(boolLike),
  }),
);

/**
 * `/nodes/{node}/{qemu|lxc}/{vmid}/snapshot`. The `current` entry is "You are
 * here", not a point; the list is unsorted, so it comes back oldest first.
 */
export function parseGuestSnapshots(stdout: string, stderr: string, exitCode: number): Result<PveSnapshot[]> {
  if (exitCode !== 0) return pveshFailure(stderr, exitCode);
  const r = parseJsonAs(snapshotSchema, stdout, 'pvesh guest snapshots');
  if (!r.ok) return r;
  const snaps: PveSnapshot[] = [];
  for (const s of r.value) {
    if (s.name === 'current') continue;
    if (s.snaptime === undefined) return err('parse', `pvesh guest snapshots: snapshot "${s.name}" has no snaptime`);
    snaps.push({
      name: s.name,
      timeSec: s.snaptime,
      ...(s.description ? { description: s.description } : {}),
      ...(s.parent !== undefined ? { parent: s.parent } : {}),
      ...(s.snapstate !== undefined ? { snapstate: s.snapstate } : {}),
      partial: s.snapstate !== undefined && s.snapstate !== '',
      vmstate: s.vmstate ?? false,
    });
  }
  return ok(snaps.sort((a, b) => a.timeSec - b.timeSec || compareText(a.name, b.name)));
}

const verificationSchema = optional(z.looseObject({ state: optString, upid: optString }));

const contentSchema = z.array(
  z.looseObject({
    volid: z.string(),
    content: optString,
    format: optString,
    size: optNumber,
    ctime: optional(epochLike),
    vmid: optional(intLike),
    subtype: optString,
    notes: optString,
    protected: optional(boolLike),
    encrypted: optional(z.union([z.string(), boolLike])),
    verification: verificationSchema,
  }),
);

const DIR_ARCHIVE = /vzdump-(qemu|lxc|openvz)-(\d+)-\d{4}_\d{2}_\d{2}-\d{2}_\d{2}_\d{2}\./;
const PBS_ARCHIVE = /:backup\/(vm|ct)\/(\d+)\//;

function archiveGuest(volid: string, subtype?: string, format?: string): { type?: GuestType; vmid?: number } {
  const dir = DIR_ARCHIVE.exec(volid);
  const pbs = PBS_ARCHIVE.exec(volid);
  const vmid = dir ? Number(dir[2]) : pbs ? Number(pbs[2]) : undefined;
  let type: GuestType | undefined;
  if (subtype === 'qemu' || subtype === 'lxc') type = subtype;
  else if (format?.startsWith('pbs-vm') || format?.startsWith('vma')) type = 'qemu';
  else if (format?.startsWith('pbs-ct') || format?.startsWith('tar') || format === 'tgz') type = 'lxc';
  else if (dir) type = dir[1] === 'qemu' ? 'qemu' : 'lxc';
  else if (pbs) type = pbs[1] === 'vm' ? 'qemu' : 'lxc';
  return { ...(type ? { type } : {}), ...(vmid !== undefined ? { vmid } : {}) };
}

export function verificationState(state: string | undefined): VerificationState {
  return state === 'ok' ? 'ok' : state === 'failed' ? 'failed' : 'none';
}

/**
 * `/nodes/{node}/storage/{storage}/content --content backup`: vzdump archives
 * of a directory storage and snapshots of a PBS storage. An entry that names
 * no guest cannot be a point of any workload and is left out.
 */
export function parseStorageContent(stdout: string, stderr: string, exitCode: number): Result<PveArchive[]> {
  if (exitCode !== 0) return pveshFailure(stderr, exitCode);
  const r = parseJsonAs(contentSchema, stdout, 'pvesh storage content');
  if (!r.ok) return r;
  const out: PveArchive[] = [];
  for (const a of r.value) {
    if (a.content !== undefined && a.content !== 'backup') continue;
    if (a.ctime === undefined) return err('parse', `pvesh storage content: ${a.volid} has no ctime`);
    const guess = archiveGuest(a.volid, a.subtype, a.format);
    const vmid = a.vmid ?? guess.vmid;
    if (vmid === undefined) continue;
    const pbsFormat = a.format?.startsWith('pbs-') ?? false;
    const sizeKnown = a.size !== undefined && !(pbsFormat && a.size <= 1);
    const encrypted = a.encrypted !== undefined && a.encrypted !== false && a.encrypted !== '' && a.encrypted !== '0';
    out.push({
      volid: a.volid,
      vmid,
      ...(guess.type ? { guestType: guess.type } : {}),
      timeSec: a.ctime,
      ...(sizeKnown ? { sizeBytes: a.size } : {}),
      format: a.format ?? '',
      ...(a.notes !== undefined ? { notes: a.notes } : {}),
      protected: a.protected ?? false,
      encrypted,
      ...(a.verification
        ? {
            verification: {
              state: verificationState(a.verification.state),
              ...(a.verification.upid ? { upid: a.verification.upid } : {}),
            },
          }
        : {}),
    });
  }
  return ok(out.sort((x, y) => x.timeSec - y.timeSec || compareText(x.volid, y.volid)));
}

const KEEP_ORDER = ['keep-all', 'keep-last', 'keep-hourly', 'keep-daily', 'keep-weekly', 'keep-monthly', 'keep-yearly'];

/** prune-backups as an object (values possibly strings) or as the config-file string. */
function retentionText(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.replace(/\s+/g, '');
  if (v === null || typeof v !== 'object') return undefined;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => typeof x === 'number' || typeof x === 'string')
    .sort(([a], [b]) => {
      const ia = KEEP_ORDER.indexOf(a);
      const ib = KEEP_ORDER.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || compareText(a, b);
    });
  return entries.length === 0 ? undefined : entries.map(([k, x]) => `${k}=${String(x)}`).join(',');
}

const vmidList = z
  .union([z.number(), z.string()])
  .transform((v, ctx) => {
    const parts = String(v)
      .split(/[,;\s]+/)
      .filter((p) => p !== '');
    const ids = parts.map(Number);
    if (ids.some((n) => !Number.isInteger(n) || n < 1)) {
      ctx.addIssue({ code: 'custom', message: `not a list of VMIDs: ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return ids;
  });

const jobSchema = z.array(
  z.looseObject({
    id: z.string(),
    type: optString,
    enabled: optional(boolLike),
    schedule: optString,
    'next-run': optional(epochLike),
    all: optional(boolLike),
    vmid: optional(vmidList),
    exclude: optional(vmidList),
    pool: optString,
    node: optString,
    storage: optString,
    mode: optString,
    'prune-backups': z.unknown().optional(),
    comment: optString,
  }),
);

/** `/cluster/backup`: the scheduled vzdump jobs (jobs.cfg). */
export function parseBackupJobs(stdout: string, stderr: string, exitCode: number): Result<PveBackupJob[]> {
  if (exitCode !== 0) return pveshFailure(stderr, exitCode);
  const r = parseJsonAs(jobSchema, stdout, 'pvesh /cluster/backup');
  if (!r.ok) return r;
  return ok(
    r.value.map((j) => {
      const retention = retentionText(j['prune-backups']);
      return {
        id: j.id,
        type: j.type ?? 'vzdump',
        enabled: j.enabled ?? true,
        ...(j.schedule !== undefined ? { schedule: j.schedule } : {}),
        ...(j['next-run'] !== undefined ? { nextRun: j['next-run'] } : {}),
        all: j.all ?? false,
        ...(j.vmid !== undefined ? { vmids: j.vmid } : {}),
        ...(j.exclude !== undefined ? { exclude: j.exclude } : {}),
        ...(j.pool !== undefined ? { pool: j.pool } : {}),
        ...(j.node !== undefined ? { node: j.node } : {}),
        ...(j.storage !== undefined ? { storage: j.storage } : {}),
        ...(j.mode !== undefined ? { mode: j.mode } : {}),
        ...(retention !== undefined ? { retention } : {}),
        ...(j.comment !== undefined ? { comment: j.comment } : {}),
      };
    }),
  );
}

const taskSchema = z.array(
  z.looseObject({
    upid: z.string(),
    node: optString,
    type: optString,
    id: optional(z.union([z.string(), z.number().transform(String)])),
    user: optString,
    starttime: epochLike,
    endtime: optional(epochLike),
    status: optString,
  }),
);

/** `/nodes/{node}/tasks --typefilter vzdump`: newest first. */
export function parseTasks(stdout: string, stderr: string, exitCode: number): Result<PveTask[]> {
  if (exitCode !== 0) return pveshFailure(stderr, exitCode);
  const r = parseJsonAs(taskSchema, stdout, 'pvesh tasks');
  if (!r.ok) return r;
  return ok(
    r.value
      .map((t) => ({
        upid: t.upid,
        node: t.node ?? '',
        type: t.type ?? '',
        id: t.id ?? '',
        user: t.user ?? '',
        startTimeSec: t.starttime,
        ...(t.endtime !== undefined ? { endTimeSec: t.endtime } : {}),
        status: t.status ?? (t.endtime === undefined ? 'RUNNING' : 'unknown'),
        state: taskState(t.status, t.endtime),
      }))
      .sort((a, b) => b.startTimeSec - a.startTimeSec),
  );
}

const taskLogSchema = z.array(z.looseObject({ n: intLike, t: z.string() }));

/** `/nodes/{node}/tasks/{upid}/log`: the lines, in order. */
export function parseTaskLog(stdout: string, stderr: string, exitCode: number): Result<string[]> {
  if (exitCode !== 0) return pveshFailure(stderr, exitCode);
  const r = parseJsonAs(taskLogSchema, stdout, 'pvesh task log');
  if (!r.ok) return r;
  return ok([...r.value].sort((a, b) => a.n - b.n).map((l) => l.t));
}

/**
 * The storage a vzdump task wrote to, from its log's first line (`INFO:
 * starting new backup job: vzdump ... --storage ID ...`); undefined when the
 * line does not name one (vzdump then used its default).
 */
export function vzdumpStorageOfLog(firstLine: string | undefined): string | undefined {
  const m = /^INFO: starting new backup job: vzdump\b.*?\s--storage[ =]'?([A-Za-z][A-Za-z0-9._-]*)'?(?:\s|$)/.exec(firstLine ?? '');
  return m?.[1];
}

const notBackedUpSchema = z.array(z.looseObject({ vmid: intLike, type: guestType, name: optString }));

/** `/cluster/backup-info/not-backed-up`: guests no job selects. */
export function parseNotBackedUp(stdout: string, stderr: string, exitCode: number): Result<NotBackedUpGuest[]> {
  if (exitCode !== 0) return pveshFailure(stderr, exitCode);
  const r = parseJsonAs(notBackedUpSchema, stdout, 'pvesh not-backed-up');
  if (!r.ok) return r;
  return ok(r.value.map((g) => ({ vmid: g.vmid, type: g.type, ...(g.name !== undefined ? { name: g.name } : {}) })));
}

const statusSchema = z.looseObject({
  active: boolLike,
  enabled: optional(boolLike),
  type: optString,
  total: optNumber,
  used: optNumber,
  avail: optNumber,
});

/** `/nodes/{node}/storage/{storage}/status` */
export function parseStorageStatus(stdout: string, stderr: string, exitCode: number): Result<PveStorageStatus> {
  if (exitCode !== 0) return pveshFailure(stderr, exitCode);
  const r = parseJsonAs(statusSchema, stdout, 'pvesh storage status');
  if (!r.ok) return r;
  const s = r.value;
  if (s.active && (s.total === undefined || s.used === undefined || s.avail === undefined)) {
    return err('parse', 'pvesh storage status: an active storage without total, used and avail');
  }
  return ok({
    active: s.active,
    enabled: s.enabled ?? true,
    ...(s.type !== undefined ? { type: s.type } : {}),
    ...(s.total !== undefined ? { totalBytes: s.total } : {}),
    ...(s.used !== undefined ? { usedBytes: s.used } : {}),
    ...(s.avail !== undefined ? { availBytes: s.avail } : {}),
  });
}
