/**
 * A PVE node's past: its backup jobs run on schedule (guests one after
 * another, a task per run), each guest's archives or PBS snapshots pruned by
 * the job's retention after every run, and guest snapshots (daily
 * autosnapshots of the tier-0 guests, a few manual ones).
 */
import type { GuestSpec, JobSpec } from '../homelab/topology.js';
import { backupSeconds, pruneObject } from '../homelab/topology.js';
import { DAY, localParts, startOfLocalDay } from '../state/clock.js';
import { pbsUpid, pveUpid } from '../state/ids.js';
import { PROXY_PID, PROXY_PSTART } from '../state/pbs.js';
import {
  archiveFilename,
  archiveSize,
  guestTemplate,
  PBS_FILES,
  pbsBackupType,
  pbsSnapshotPath,
} from '../state/pve.js';
import { keepOptions } from '../state/retention.js';
import { defaultNet } from '../state/guest-config.js';
import type { GuestDisk, HostState, PveBackupJob, PveGuest, PveSnapshot, PveStorage, PveTask, TaskGuestResult } from '../state/types.js';
import type { HistoryContext } from './context.js';
import { survivors, timesOfDay } from './schedule.js';

/** A spec's volumes as PVE names them on its storage (containers on ZFS get subvols). */
function specDisks(s: GuestSpec): GuestDisk[] {
  const storage = s.storage ?? 'local-lvm';
  const prefix = s.template ? 'base' : s.type === 'lxc' && storage === 'local-zfs' ? 'subvol' : 'vm';
  const first = { key: s.type === 'qemu' ? 'scsi0' : 'rootfs', size: s.disk };
  return [first, ...(s.extraDisks ?? [])].map((d, i) => ({ key: d.key, volume: `${storage}:${prefix}-${s.vmid}-disk-${i}`, size: d.size }));
}

export function makeGuests(specs: readonly GuestSpec[], now: number): Record<string, PveGuest> {
  const out: Record<string, PveGuest> = {};
  for (const s of specs) {
    out[String(s.vmid)] = {
      vmid: s.vmid,
      type: s.type,
      name: s.name,
      status: s.running ? 'running' : 'stopped',
      template: s.template ?? false,
      ...(s.tags ? { tags: s.tags } : {}),
      maxcpu: s.cores,
      maxmem: s.memory,
      maxdisk: s.disk,
      usedDisk: Math.round(s.used),
      disks: specDisks(s),
      nets: { net0: defaultNet(s.type, s.vmid) },
      ...(s.agent ? { agent: true } : {}),
      ...(s.running ? { startedAt: now - 86_400 * 11 - s.vmid * 97 } : {}),
      snapshots: [],
    };
  }
  return out;
}

export interface PveHistorySpec {
  readonly jobs: readonly JobSpec[];
  /** PBS storage id -> the lab host and datastore behind it. */
  readonly pbsStorage?: { readonly id: string; readonly host: string; readonly datastore: string };
}

interface RunResult {
  start: number;
  ok: boolean;
  seconds: number;
  upid?: string;
}

/** Guests a job selects at a moment of the history (the scenario may have dropped one). */
function selection(h: HistoryContext, job: JobSpec, guests: Record<string, PveGuest>, at: number): PveGuest[] {
  const excluded = h.plan.excludedGuest;
  const dropped = excluded && at >= h.now - excluded.daysAgo * DAY ? excluded.vmid : undefined;
  const all = Object.values(guests).sort((a, b) => a.vmid - b.vmid);
  const chosen = job.all ? all.filter((g) => !(job.exclude ?? []).includes(g.vmid)) : all.filter((g) => (job.vmids ?? []).includes(g.vmid));
  return chosen.filter((g) => g.vmid !== dropped);
}

/** The job as jobs.cfg holds it now (after the scenario's changes). */
export function jobConfig(h: HistoryContext, job: JobSpec): PveBackupJob {
  const dropped = h.plan.excludedGuest?.vmid;
  const vmids = (job.vmids ?? []).filter((v) => v !== dropped);
  const exclude = job.all ? [...(job.exclude ?? []), ...(dropped !== undefined && !(job.exclude ?? []).includes(dropped) ? [dropped] : [])].sort((a, b) => a - b) : undefined;
  return {
    id: job.id,
    schedule: job.schedule,
    enabled: 1,
    storage: job.storage,
    mode: 'snapshot',
    compress: 'zstd',
    ...(job.all ? { all: 1 as const, ...(exclude && exclude.length > 0 ? { exclude: exclude.join(',') } : {}) } : { vmid: vmids.join(',') }),
    'prune-backups': pruneObject(job.prune),
    'notes-template': '{{guestname}}',
    ...(job.comment ? { comment: job.comment } : {}),
    'notification-mode': 'notification-system',
    'repeat-missed': 0,
    at: { hour: job.at[0]![0], minute: job.at[0]![1] },
  };
}

export function generatePveHistory(h: HistoryContext, host: HostState, spec: PveHistorySpec): void {
  const pve = host.pve!;
  const tz = host.timeZone;
  const until = Math.min(h.now, h.goneAt(host.name));
  const tasks: PveTask[] = [];
  const pbsHost = spec.pbsStorage ? h.state.hosts[spec.pbsStorage.host] : undefined;
  const pbsUntil = spec.pbsStorage ? h.goneAt(spec.pbsStorage.host) : Infinity;

  for (const job of spec.jobs) {
    const storage = pve.storages[job.storage]!;
    const isPbs = storage.type === 'pbs';
    const runs = timesOfDay(tz, h.start, until, job.at, 0);
    const perGuest = new Map<number, RunResult[]>();
    const runBases = new Map<number, number[]>();
    // The last run that finished before now: the one a failing guest failed in.
    const finished: { t: number; guests: PveGuest[]; ends: number[]; total: number }[] = [];
    for (const t of runs) {
      const guests = selection(h, job, pve.guests, t);
      let offset = 2;
      const ends: number[] = [];
      for (const g of guests) {
        offset += backupSeconds(g.usedDisk) + 5;
        ends.push(offset);
      }
      if (t + offset + 5 >= until || (isPbs && t + offset + 5 >= pbsUntil)) continue;
      finished.push({ t, guests, ends, total: offset + 5 });
    }
    const last = finished.at(-1)?.t;
    for (const run of finished) {
      const results: TaskGuestResult[] = [];
      let cursor = run.t + 2;
      for (const g of run.guests) {
        const seconds = backupSeconds(g.usedDisk);
        const fails = h.plan.failingGuest?.vmid === g.vmid && run.t === last;
        const r: RunResult = { start: cursor, ok: !fails, seconds };
        if (!fails && isPbs && pbsHost?.pbs) {
          const pbs = pbsHost.pbs;
          const type = pbsBackupType(g.type);
          const taskId = pbs.nextTaskId++;
          const upid = pbsUpid({ node: pbsHost.hostname, pid: PROXY_PID, pstart: PROXY_PSTART, taskId, starttime: Math.floor(cursor), workerType: 'backup', workerId: `${spec.pbsStorage!.datastore}:${type}/${g.vmid}`, user: 'root@pam' });
          pbs.tasks.push({ upid, node: pbsHost.hostname, pid: PROXY_PID, pstart: PROXY_PSTART, taskId, starttime: Math.floor(cursor), workerType: 'backup', workerId: `${spec.pbsStorage!.datastore}:${type}/${g.vmid}`, user: 'root@pam', endtime: Math.floor(cursor + seconds), status: 'OK' });
          r.upid = upid;
          const t = guestTemplate(g);
          h.pbsEvents.push({ type, id: String(g.vmid), time: Math.floor(cursor), files: PBS_FILES[g.type](t), owner: 'root@pam', comment: g.name, guest: t, backupUpid: upid, endedAt: Math.floor(cursor + seconds), runStart: run.t });
        }
        if (!perGuest.has(g.vmid)) perGuest.set(g.vmid, []);
        perGuest.get(g.vmid)!.push(r);
        if (!runBases.has(g.vmid)) runBases.set(g.vmid, []);
        if (r.ok) runBases.get(g.vmid)!.push(run.t);
        const target = isPbs ? pbsSnapshotPath({ type: pbsBackupType(g.type), id: String(g.vmid), time: Math.floor(cursor) }) : archiveFilename(g.type, g.vmid, cursor, tz);
        results.push(fails ? { vmid: g.vmid, ok: false, error: h.plan.failingGuest!.error, seconds: 3 } : { vmid: g.vmid, ok: true, target, sizeBytes: archiveSize(g, h.rng.next()), seconds });
        cursor += seconds + 5;
      }
      const pid = h.rng.int(1000, 4_000_000);
      const pstart = h.rng.int(100_000, 90_000_000);
      const single = run.guests.length === 1 ? String(run.guests[0]!.vmid) : '';
      const failed = results.some((r) => !r.ok);
      tasks.push({
        upid: pveUpid({ node: pve.node, pid, pstart, starttime: run.t, type: 'vzdump', id: single, user: 'root@pam' }),
        node: pve.node,
        pid,
        pstart,
        starttime: run.t,
        type: 'vzdump',
        id: single,
        user: 'root@pam',
        endtime: Math.floor(run.t + run.total),
        status: failed ? 'job errors' : 'OK',
        guests: results,
        storage: job.storage,
      });
    }
    // Each guest's points, pruned after every run with the job's retention.
    for (const [vmid, results] of perGuest) {
      const g = pve.guests[String(vmid)]!;
      const ok = results.filter((r) => r.ok);
      const bases = runBases.get(vmid)!;
      const mask = survivors({
        times: bases,
        keep: keepOptions(job.prune),
        semantics: isPbs ? 'pbs' : 'pve',
        timeZone: isPbs && pbsHost ? pbsHost.timeZone : tz,
      });
      ok.forEach((r, i) => {
        if (!mask[i]) return;
        materialize(h, storage, g, r, tz, pbsHost);
      });
    }
  }
  tasks.sort((a, b) => a.starttime - b.starttime);
  pve.tasks.push(...tasks);
}

function materialize(h: HistoryContext, storage: PveStorage, g: PveGuest, r: RunResult, tz: string, pbsHost: HostState | undefined): void {
  const t = guestTemplate(g);
  const start = Math.floor(r.start);
  if (storage.type === 'pbs' && storage.pbs && pbsHost?.pbs) {
    const ds = pbsHost.pbs.datastores[storage.pbs.datastore]!;
    ds.snapshots.push({
      type: pbsBackupType(g.type),
      id: String(g.vmid),
      time: start,
      files: PBS_FILES[g.type](t),
      owner: storage.pbs.username,
      protected: false,
      comment: g.name,
      verification: { state: 'ok', upid: r.upid! },
      guest: t,
    });
    return;
  }
  const size = archiveSize(t, h.rng.next());
  (storage.archives ??= []).push({
    filename: archiveFilename(g.type, g.vmid, start, tz),
    vmid: g.vmid,
    subtype: g.type,
    format: g.type === 'qemu' ? 'vma.zst' : 'tar.zst',
    size,
    ctime: start,
    notes: g.name,
    guest: t,
  });
  storage.used += size;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** cv4pve-autosnap's names: `autodaily240131000002`. */
function autosnapName(epoch: number, tz: string): string {
  const p = localParts(epoch, tz);
  return `autodaily${pad(p.year % 100)}${pad(p.month)}${pad(p.day)}${pad(p.hour)}${pad(p.minute)}${pad(p.second)}`;
}

export interface SnapshotSpec {
  /** Guests with a daily autosnapshot at midnight, the newest `keep` kept. */
  readonly daily: readonly number[];
  readonly keep: number;
  readonly manual: readonly { vmid: number; name: string; daysAgo: number; description: string; vmstate?: 0 | 1 }[];
}

/** Guest snapshots as a chain per guest (oldest is the root), `current` after the newest. */
export function generateGuestSnapshots(h: HistoryContext, host: HostState, spec: SnapshotSpec): void {
  const pve = host.pve!;
  const tz = host.timeZone;
  const until = Math.min(h.now, h.goneAt(host.name));
  const today = startOfLocalDay(until, tz);
  for (const g of Object.values(pve.guests)) {
    const snaps: PveSnapshot[] = [];
    for (const m of spec.manual.filter((x) => x.vmid === g.vmid)) {
      snaps.push({ name: m.name, snaptime: Math.floor(until - m.daysAgo * DAY - 3_600 * 5 - g.vmid), description: m.description, ...(g.type === 'qemu' ? { vmstate: m.vmstate ?? 0 } : {}) });
    }
    if (spec.daily.includes(g.vmid)) {
      for (let d = spec.keep - 1; d >= 0; d--) {
        const t = today - d * DAY + 2 + (g.vmid % 7);
        if (t >= until) continue;
        snaps.push({ name: autosnapName(t, tz), snaptime: t, description: 'cv4pve-autosnap', ...(g.type === 'qemu' ? { vmstate: 0 as const } : {}) });
      }
    }
    snaps.sort((a, b) => a.snaptime - b.snaptime);
    snaps.forEach((s, i) => {
      if (i > 0) s.parent = snaps[i - 1]!.name;
    });
    g.snapshots = snaps;
    if (snaps.length > 0) g.current = snaps.at(-1)!.name;
    for (const s of snaps.filter((x) => x.description === 'cv4pve-autosnap')) {
      const pid = h.rng.int(1000, 4_000_000);
      const pstart = h.rng.int(100_000, 90_000_000);
      const type = g.type === 'qemu' ? 'qmsnapshot' : 'vzsnapshot';
      pve.tasks.push({ upid: pveUpid({ node: pve.node, pid, pstart, starttime: s.snaptime, type, id: String(g.vmid), user: 'root@pam!cv4pve' }), node: pve.node, pid, pstart, starttime: s.snaptime, type, id: String(g.vmid), user: 'root@pam!cv4pve', endtime: s.snaptime + 2, status: 'OK' });
    }
  }
  pve.tasks.sort((a, b) => a.starttime - b.starttime);
  if (pve.tasks.length > 1000) pve.tasks.splice(0, pve.tasks.length - 1000);
}
