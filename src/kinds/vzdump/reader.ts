/**
 * vzdump archives of one PVE storage (a directory or a PBS storage), with the
 * node's vzdump tasks, the backup jobs writing to that storage, the guests no
 * job covers, and the storage's capacity: five probes at once; then, for the
 * newest failed tasks only, the first line of their log (which storage).
 */
import {
  getStorageStatus,
  listBackupArchives,
  listBackupJobs,
  listNotBackedUp,
  listVzdumpTasks,
  readTaskLogHead,
  vzdumpStorageOfLog,
  type GuestType,
  type PveTask,
} from '../../adapters/pve/index.js';
import { parseUpid } from '../../adapters/shared/upid.js';
import type { VzdumpLayerFile } from '../../domain/inventory-file.js';
import type { Asset, Capacity, JobDefinition, JobRun, LayerObservation, ProbeError, RecoveryPoint } from '../../domain/types.js';
import { guestAssetId, guestAssetKind, observation, probeError, probeOptions } from '../shared/observation.js';
import type { ReaderContext } from '../reader-context.js';

export async function readVzdump(ctx: ReaderContext, layer: VzdumpLayerFile): Promise<LayerObservation> {
  const opts = probeOptions(ctx);
  const where = { node: ctx.node, storage: layer.storage };
  const [content, jobs, tasks, notBackedUp, status] = await Promise.all([
    listBackupArchives(ctx.runner, where, opts),
    listBackupJobs(ctx.runner, opts),
    listVzdumpTasks(ctx.runner, { node: ctx.node }, opts),
    listNotBackedUp(ctx.runner, opts),
    getStorageStatus(ctx.runner, where, opts),
  ]);
  const errors: ProbeError[] = [];
  // A task names only the vmid; the archives and the not-backed-up list say whether it is a VM or a container.
  const guestTypes = new Map<number, GuestType>();

  const points: RecoveryPoint[] = [];
  if (content.ok) {
    for (const a of content.value) {
      if (!a.guestType) continue;
      guestTypes.set(a.vmid, a.guestType);
      const at = a.verification?.upid ? parseUpid(a.verification.upid)?.startTimeSec : undefined;
      points.push({
        layerId: layer.id,
        assetId: guestAssetId(a.guestType, a.vmid),
        timeSec: a.timeSec,
        ref: a.volid,
        ...(a.sizeBytes !== undefined ? { sizeBytes: a.sizeBytes } : {}),
        ...(a.protected ? { protected: true } : {}),
        ...(a.verification
          ? {
              verification: {
                state: a.verification.state,
                ...(at !== undefined ? { atSec: at } : {}),
                ...(a.verification.upid ? { upid: a.verification.upid } : {}),
              },
            }
          : {}),
      });
    }
  } else errors.push(probeError(`content of storage ${layer.storage}`, content.error));

  const assets: Asset[] = [];
  let notBacked: string[] | undefined;
  if (notBackedUp.ok) {
    notBacked = [];
    for (const g of notBackedUp.value) {
      guestTypes.set(g.vmid, g.type);
      const id = guestAssetId(g.type, g.vmid);
      notBacked.push(id);
      // PVE says these guests exist: they are workloads even with no point anywhere.
      assets.push({ id, kind: guestAssetKind(g.type), ...(g.name !== undefined ? { name: g.name } : {}) });
    }
  } else errors.push(probeError('guests not backed up', notBackedUp.error));

  const runs: JobRun[] = [];
  if (tasks.ok) {
    // The task list does not say which storage a task wrote to. A task that ended well but left
    // no archive on this storage during its run wrote elsewhere (another job of the node, to
    // another storage): counted here, it would hide this storage's failed job as "the last one".
    // A failed task may have failed before writing anything: its log's first line (the job's
    // command line) says where it was going; one bound for another storage is that storage's.
    const archiveTimes = content.ok ? content.value.map((a) => a.timeSec) : null;
    const wroteHere = (start: number, end: number | undefined) =>
      archiveTimes === null || archiveTimes.some((t) => t >= start - 60 && t <= (end ?? Number.POSITIVE_INFINITY) + 60);
    const elsewhere = await failedTasksOfOtherStorages(ctx, layer.storage, tasks.value.filter((t) => t.state === 'failed'));
    for (const t of tasks.value) {
      if ((t.state === 'ok' || t.state === 'warn') && !wroteHere(t.startTimeSec, t.endTimeSec)) continue;
      if (elsewhere.has(t.upid)) continue;
      const vmid = /^\d+$/.test(t.id) ? Number(t.id) : undefined;
      const type = vmid !== undefined ? guestTypes.get(vmid) : undefined;
      runs.push({
        kind: 'backup',
        type: t.type || 'vzdump',
        startedAtSec: t.startTimeSec,
        ...(t.endTimeSec !== undefined ? { endedAtSec: t.endTimeSec } : {}),
        state: t.state,
        status: t.status,
        ...(type && vmid !== undefined ? { assetId: guestAssetId(type, vmid) } : {}),
        ...(t.id ? { id: t.id } : {}),
        upid: t.upid,
      });
    }
  } else errors.push(probeError('vzdump tasks', tasks.error));

  let jobDefinitions: JobDefinition[] | undefined;
  if (jobs.ok) {
    jobDefinitions = jobs.value
      .filter((j) => j.storage === layer.storage && (j.node === undefined || j.node === ctx.node))
      .map((j) => ({
        id: j.id,
        type: j.type,
        enabled: j.enabled,
        ...(j.schedule !== undefined ? { schedule: j.schedule } : {}),
        ...(j.nextRun !== undefined ? { nextRun: j.nextRun } : {}),
        ...(j.vmids !== undefined ? { vmids: j.vmids } : {}),
        all: j.all,
        ...(j.exclude !== undefined ? { exclude: j.exclude } : {}),
        ...(j.storage !== undefined ? { storage: j.storage } : {}),
        ...(j.retention !== undefined ? { retention: j.retention } : {}),
        ...(j.comment !== undefined ? { comment: j.comment } : {}),
      }));
  } else errors.push(probeError('backup jobs', jobs.error));

  let capacity: Capacity | undefined;
  if (status.ok) {
    const s = status.value;
    if (!s.enabled) errors.push({ kind: 'command-failed', message: `storage ${layer.storage} is disabled on ${ctx.node}` });
    else if (!s.active) errors.push({ kind: 'not-found', message: `storage ${layer.storage} is not active on ${ctx.node} (not mounted or unreachable)` });
    else if (s.totalBytes !== undefined && s.usedBytes !== undefined && s.availBytes !== undefined) {
      capacity = { totalBytes: s.totalBytes, usedBytes: s.usedBytes, availBytes: s.availBytes, name: layer.storage };
    }
  } else errors.push(probeError(`status of storage ${layer.storage}`, status.error));

  return observation(ctx, layer, {
    points,
    jobs: runs,
    assets,
    errors,
    ...(jobDefinitions ? { jobDefinitions } : {}),
    ...(notBacked ? { notBackedUp: notBacked } : {}),
    ...(capacity ? { capacity } : {}),
  });
}

/** pvesh starts slowly (~0.3 s a call on a node): logs are read for the newest failures only. */
const MAX_LOGS_READ = 6;

/**
 * The UPIDs of failed tasks whose log says they wrote to another storage. The
 * newest failure of each task id is read first; a log that cannot be read, or
 * that names no storage, keeps its task here (a failure is never hidden on a guess).
 */
async function failedTasksOfOtherStorages(ctx: ReaderContext, storage: string, failed: readonly PveTask[]): Promise<Set<string>> {
  const newestPerId = new Map<string, PveTask>();
  for (const t of failed) {
    const prev = newestPerId.get(t.id);
    if (prev === undefined || t.startTimeSec > prev.startTimeSec) newestPerId.set(t.id, t);
  }
  const toRead = [...newestPerId.values()].sort((a, b) => b.startTimeSec - a.startTimeSec).slice(0, MAX_LOGS_READ);
  const opts = probeOptions(ctx);
  const heads = await Promise.all(toRead.map((t) => readTaskLogHead(ctx.runner, { node: ctx.node, upid: t.upid }, opts)));
  const out = new Set<string>();
  toRead.forEach((t, i) => {
    const head = heads[i]!;
    const target = head.ok ? vzdumpStorageOfLog(head.value[0]) : undefined;
    if (target !== undefined && target !== storage) out.add(t.upid);
  });
  return out;
}
