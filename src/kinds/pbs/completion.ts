/**
 * When a PBS backup snapshot was finished: the end of the server's `backup`
 * task for its group that began with it. The snapshot's own time is when the
 * client started; a copy of the datastore taken before the task ended holds
 * an unfinished snapshot (no manifest), so copy chains need the end.
 */
import { pbsWorkerAsset, pbsWorkerConcernsStore, type PbsTask } from '../../adapters/pbs/index.js';

/** The client picks the snapshot time, then connects: the task starts a little later, never much. */
const TASK_START_BEFORE_S = 60;
const TASK_START_AFTER_S = 900;

export type CompletionLookup = (assetId: string, snapshotTime: number) => number | undefined;

export function backupCompletions(tasks: readonly PbsTask[], store: string): CompletionLookup {
  const byAsset = new Map<string, PbsTask[]>();
  for (const t of tasks) {
    if (t.workerType !== 'backup' || t.endTimeSec === undefined || !t.workerId || !pbsWorkerConcernsStore(t.workerId, store)) continue;
    const asset = pbsWorkerAsset(t.workerId);
    if (asset === undefined) continue;
    const list = byAsset.get(asset) ?? [];
    list.push(t);
    byAsset.set(asset, list);
  }
  return (assetId, snapshotTime) => {
    let best: PbsTask | undefined;
    for (const t of byAsset.get(assetId) ?? []) {
      const d = t.startTimeSec - snapshotTime;
      if (d < -TASK_START_BEFORE_S || d > TASK_START_AFTER_S) continue;
      if (best === undefined || Math.abs(d) < Math.abs(best.startTimeSec - snapshotTime)) best = t;
    }
    return best?.endTimeSec;
  };
}
