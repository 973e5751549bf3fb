/**
 * The PBS servers' past: pbs2 pulls every snapshot of pbs1 every six hours
 * (failing once pbs1 is gone), verifies what arrived, prunes daily with its
 * own longer retention; both collect garbage daily; pbs1 re-verifies
 * snapshots older than thirty days every Sunday.
 */
import { SCHEDULES } from '../homelab/topology.js';
import { DAY } from '../state/clock.js';
import { pbsUpid } from '../state/ids.js';
import { garbageCollect, groupFilterAllows, groupKey, PROXY_PID, PROXY_PSTART } from '../state/pbs.js';
import { keepOptions } from '../state/retention.js';
import type { HostState, PbsSnapshot, PbsState, PbsTask } from '../state/types.js';
import type { HistoryContext, PbsEvent } from './context.js';
import { everyHours, survivors, timesOfDay, weekday } from './schedule.js';

export const JOB_IDS = {
  sync: 's-3c4d5e6f-1a2b',
  remoteVerify: 'v-8e2f4a61-07c9',
  localVerify: 'v-5b1c9d30-e4a8',
  remotePrune: 'p-2d7e0b94-6f13',
} as const;

function task(pbs: PbsState, node: string, t: Omit<PbsTask, 'upid' | 'node' | 'pid' | 'pstart' | 'taskId'>): PbsTask {
  const taskId = pbs.nextTaskId++;
  const base = { node, pid: PROXY_PID, pstart: PROXY_PSTART, taskId, ...t };
  const full: PbsTask = { upid: pbsUpid(base), ...base };
  pbs.tasks.push(full);
  return full;
}

export function generatePbsHistory(h: HistoryContext, pbs1: HostState, pbs2: HostState): void {
  const p1 = pbs1.pbs!;
  const p2 = pbs2.pbs!;
  const usb = p1.datastores.usb!;
  const offsite = p2.datastores.offsite!;
  const gone1 = h.goneAt(pbs1.name);
  const until1 = Math.min(h.now, gone1);

  // pbs1: weekly re-verification of what was verified more than 30 days ago.
  const weekly = timesOfDay(pbs1.timeZone, h.start, until1, SCHEDULES.localVerifyAt).filter((t) => weekday(t, pbs1.timeZone) === 0);
  const verifyRuns = weekly.map((t) => task(p1, pbs1.hostname, { starttime: t, workerType: 'verificationjob', workerId: `usb:${JOB_IDS.localVerify}`, user: 'root@pam', endtime: t + 1800, status: 'OK' }));
  const verifiedAt = new Map<string, number>(p1.tasks.map((t) => [t.upid, t.starttime]));
  for (const s of usb.snapshots) {
    let last = verifiedAt.get(s.verification?.upid ?? '') ?? s.time;
    for (const run of verifyRuns) {
      if (run.starttime > s.time && run.starttime - last > 30 * DAY) {
        s.verification = { state: 'ok', upid: run.upid };
        last = run.starttime;
      }
    }
  }
  for (const t of timesOfDay(pbs1.timeZone, h.start, until1, SCHEDULES.gcAt.pbs1)) {
    task(p1, pbs1.hostname, { starttime: t, workerType: 'garbage_collection', workerId: 'usb', user: 'root@pam', endtime: t + 540, status: 'OK' });
  }

  // pbs2: sync every six hours, verify after each sync, prune daily.
  const syncs = everyHours(pbs2.timeZone, h.start, h.now, SCHEDULES.syncEveryHours, SCHEDULES.syncMinute, SCHEDULES.syncFirstHour);
  const workerId = `pbs1:usb:offsite::${JOB_IDS.sync}`;
  const okSyncs: { t: number; verifyUpid?: string }[] = [];
  for (const t of syncs) {
    // A run still going at the lab's start would be a task without a process: leave it to the next run.
    if (t + 300 >= h.now) continue;
    if (t >= gone1) {
      task(p2, pbs2.hostname, { starttime: t, workerType: 'syncjob', workerId, user: 'root@pam', endtime: t + 3, status: 'error trying to connect: tcp connect error: Connection refused (os error 111)' });
      continue;
    }
    task(p2, pbs2.hostname, { starttime: t, workerType: 'syncjob', workerId, user: 'root@pam', endtime: t + 240, status: 'OK' });
    // The verify job follows the sync, so a pulled snapshot is never left unverified.
    const vt = t + 240;
    const verify = task(p2, pbs2.hostname, { starttime: vt, workerType: 'verificationjob', workerId: `offsite:${JOB_IDS.remoteVerify}`, user: 'root@pam', endtime: vt + 30, status: 'OK' });
    okSyncs.push({ t, verifyUpid: verify.upid });
  }
  const prunes = timesOfDay(pbs2.timeZone, h.start, h.now, SCHEDULES.remotePruneAt);
  for (const t of prunes) task(p2, pbs2.hostname, { starttime: t, workerType: 'prunejob', workerId: `offsite:${JOB_IDS.remotePrune}`, user: 'root@pam', endtime: t + 30, status: 'OK' });
  for (const t of timesOfDay(pbs2.timeZone, h.start, h.now, SCHEDULES.gcAt.pbs2)) {
    task(p2, pbs2.hostname, { starttime: t, workerType: 'garbage_collection', workerId: 'offsite', user: 'root@pam', endtime: t + 1260, status: 'OK' });
  }

  const byGroup = new Map<string, PbsEvent[]>();
  const filter = p2.syncJobs.find((j) => j.id === JOB_IDS.sync)?.['group-filter'];
  for (const e of h.pbsEvents) {
    if (!groupFilterAllows(filter, e)) continue;
    const k = groupKey(e);
    if (!byGroup.has(k)) byGroup.set(k, []);
    byGroup.get(k)!.push(e);
  }
  const keep = keepOptions(SCHEDULES.remotePrune);
  for (const events of byGroup.values()) {
    events.sort((a, b) => a.time - b.time);
    const arrivals: { e: PbsEvent; sync: { t: number; verifyUpid?: string } }[] = [];
    let k = 0;
    for (const e of events) {
      while (k < okSyncs.length && okSyncs[k]!.t <= e.endedAt) k++;
      if (k < okSyncs.length) arrivals.push({ e, sync: okSyncs[k]! });
    }
    const mask = survivors({
      times: arrivals.map((a) => a.e.runStart),
      arrivedAt: arrivals.map((a) => a.sync.t),
      pruneAt: prunes,
      keep,
      semantics: 'pbs',
      timeZone: pbs2.timeZone,
    });
    arrivals.forEach((a, i) => {
      if (!mask[i]) return;
      const snap: PbsSnapshot = {
        type: a.e.type,
        id: a.e.id,
        time: a.e.time,
        files: a.e.files.map((f) => ({ ...f })),
        owner: 'root@pam',
        protected: false,
        ...(a.e.comment !== undefined ? { comment: a.e.comment } : {}),
        ...(a.e.guest ? { guest: a.e.guest } : {}),
        ...(a.e.archives ? { archives: a.e.archives } : {}),
        ...(a.sync.verifyUpid ? { verification: { state: 'ok' as const, upid: a.sync.verifyUpid } } : {}),
      };
      offsite.snapshots.push(snap);
    });
  }

  for (const [host, ds] of [[pbs1, usb], [pbs2, offsite]] as const) {
    host.pbs!.tasks.sort((a, b) => a.starttime - b.starttime || a.taskId - b.taskId);
    if (host.pbs!.tasks.length > 2500) host.pbs!.tasks.splice(0, host.pbs!.tasks.length - 2000);
    const lastGc = [...host.pbs!.tasks].reverse().find((t) => t.workerType === 'garbage_collection');
    const used = ds.used;
    if (lastGc) garbageCollect(ds, lastGc.upid);
    ds.used = used;
  }
}
