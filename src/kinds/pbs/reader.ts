/**
 * A Proxmox Backup Server datastore: its snapshots with verification, its
 * capacity, and the server's tasks that concern it (backups, verifications,
 * syncs, prunes, garbage collection).
 */
import {
  datastoreOfRepository,
  getDatastoreStatus,
  isGroupType,
  listSnapshots,
  listTasks,
  pbsJobKind,
  pbsWorkerAsset,
  pbsWorkerConcernsStore,
  type PbsAccess,
} from '../../adapters/pbs/index.js';
import { resolveSecret } from '../../adapters/secrets.js';
import { epochToIsoSeconds } from '../../adapters/shared/values.js';
import type { PbsLayerFile } from '../../domain/inventory-file.js';
import type { Capacity, JobRun, LayerObservation, ProbeError, RecoveryPoint } from '../../domain/types.js';
import { observation, probeError, probeOptions } from '../shared/observation.js';
import { backupCompletions } from './completion.js';
import type { ReaderContext } from '../reader-context.js';

export async function readPbs(ctx: ReaderContext, layer: PbsLayerFile): Promise<LayerObservation> {
  const opts = probeOptions(ctx);
  const store = layer.datastore ?? datastoreOfRepository(layer.repository);
  const errors: ProbeError[] = [];

  const secret = layer.secret ? resolveSecret(layer.secret, (n) => ctx.lookupEnv(n)) : undefined;
  const access: PbsAccess | undefined =
    secret && !secret.ok
      ? undefined
      : {
          repository: layer.repository,
          ...(layer.namespace ? { namespace: layer.namespace } : {}),
          ...(layer.fingerprint ? { fingerprint: layer.fingerprint } : {}),
          ...(secret?.ok ? { password: secret.value } : {}),
        };
  if (secret && !secret.ok) errors.push(probeError('PBS password', secret.error));

  const [snapshots, status, tasks] = await Promise.all([
    access ? listSnapshots(ctx.runner, access, opts) : undefined,
    access ? getDatastoreStatus(ctx.runner, access, opts) : undefined,
    listTasks(ctx.runner, {}, opts),
  ]);

  const points: RecoveryPoint[] = [];
  if (snapshots?.ok) {
    const completedAt = backupCompletions(tasks.ok ? tasks.value : [], store);
    for (const s of snapshots.value) {
      if (!isGroupType(s.type)) continue;
      const assetId = `${s.type}/${s.id}`;
      const end = completedAt(assetId, s.timeSec);
      points.push({
        layerId: layer.id,
        assetId,
        timeSec: s.timeSec,
        ...(end !== undefined ? { completedAtSec: end } : {}),
        ref: `${s.type}/${s.id}/${epochToIsoSeconds(s.timeSec)}`,
        ...(s.sizeBytes !== undefined ? { sizeBytes: s.sizeBytes } : {}),
        ...(s.verification ? { verification: s.verification } : {}),
        ...(s.protected ? { protected: true } : {}),
        ...(s.partial ? { partial: true } : {}),
      });
    }
  } else if (snapshots) errors.push(probeError(`snapshots of ${store}`, snapshots.error));

  let capacity: Capacity | undefined;
  if (status?.ok) capacity = { ...status.value, name: store };
  else if (status) errors.push(probeError(`status of ${store}`, status.error));

  const jobs: JobRun[] = [];
  if (tasks.ok) {
    for (const t of tasks.value) {
      const kind = pbsJobKind(t.workerType);
      if (!kind || !pbsWorkerConcernsStore(t.workerId, store)) continue;
      const assetId = pbsWorkerAsset(t.workerId);
      jobs.push({
        kind,
        type: t.workerType,
        startedAtSec: t.startTimeSec,
        ...(t.endTimeSec !== undefined ? { endedAtSec: t.endTimeSec } : {}),
        state: t.state,
        status: t.status,
        ...(assetId ? { assetId } : {}),
        ...(t.workerId ? { id: t.workerId } : {}),
        upid: t.upid,
      });
    }
  } else errors.push(probeError('PBS task list', tasks.error));

  return observation(ctx, layer, { points, jobs, errors, ...(capacity ? { capacity } : {}) });
}
