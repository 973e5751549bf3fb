/**
 * docker1's past: restic backs /srv/app up to the USB SSD every six hours and
 * to S3 twice a day, and the PBS datastore directory to S3 daily; each run is
 * followed by `restic forget` with the repository's policy. A copy of the
 * datastore directory holds what pbs1's datastore `usb` held when it ran
 * (pbs-layout.ts): the snapshots its jobs had made and not yet pruned.
 */
import { PVE1_JOBS, SCHEDULES, SECRETS, TIER_RETENTION } from '../homelab/topology.js';
import { DAY, HOUR, isoUtc, rfc3339Nano } from '../state/clock.js';
import { captureFiles } from '../state/file-sets.js';
import { filesUnder, mkdirs, writeFile } from '../state/fs.js';
import { groupKey } from '../state/pbs.js';
import { datastoreLayout, snapshotDirFiles } from '../state/pbs-layout.js';
import { newRepo } from '../state/restic.js';
import { keepOptions, planPrune } from '../state/retention.js';
import type { FileSet, HostState, PbsSnapshot, ResticRepo, ResticSnapshot } from '../state/types.js';
import type { HistoryContext, PbsEvent } from './context.js';
import { generateDatastoreRcloneCopy, type DatastoreCopy } from './datastore-rclone.js';
import { everyHours, survivors, timesOfDay } from './schedule.js';

export const RESTIC_USB = '/mnt/usb/restic';
export const RESTIC_CLOUD = 's3:https://s3.example.com/strata-restic';

const GB = 1e9;

function writeSecret(host: HostState, path: string, value: string): void {
  mkdirs(host.fs, path.slice(0, path.lastIndexOf('/')));
  writeFile(host.fs, path, { size: value.length + 1, mtime: 1_700_000_000, content: `${value}\n` });
}

/** The files restic reads: the app's data (changing hourly) and the PBS datastore mount. */
function dockerFiles(h: HistoryContext, host: HostState): void {
  const fs = host.fs;
  const lastHour = Math.floor(h.now / HOUR) * HOUR;
  const files: [string, number, number, string?][] = [
    ['/srv/app/docker-compose.yml', 2_481, h.now - 41 * DAY, 'services:\n  app:\n    image: ghcr.io/example/app:2.4\n'],
    ['/srv/app/config/app.yaml', 1_204, h.now - 12 * DAY],
    ['/srv/app/data/db.sqlite', 1.8 * GB, lastHour - 1_500],
    ['/srv/app/data/db.sqlite-wal', 64 * 2 ** 20, lastHour - 1_480],
    ['/srv/app/data/uploads/2024-archive.tar', 3.1 * GB, h.now - 80 * DAY],
    ['/srv/app/data/uploads/current.tar', 0.9 * GB, h.now - 2 * DAY],
  ];
  for (const [path, size, mtime, content] of files) {
    writeFile(fs, path, { size: Math.round(size), mtime, ...(content !== undefined ? { content } : {}) });
  }
  mkdirs(fs, RESTIC_USB);
  writeSecret(host, '/root/.restic-pass', h.plan.wrongResticUsbPassword ? SECRETS.resticUsbRotated : SECRETS.resticUsb);
  writeSecret(host, '/root/.restic-cloud-pass', SECRETS.resticCloud);
  writeSecret(host, '/root/.s3-key-id', SECRETS.s3KeyId);
  writeSecret(host, '/root/.password-store/s3/strata.gpg', SECRETS.s3Secret);
}

interface Series {
  repo: ResticRepo;
  paths: string[];
  times: number[];
  keep: string;
  /** What the paths held at a run, when it is not the host's files as they are now. */
  filesAt?: (t: number) => FileSet;
}

/** The retention pbs1 prunes a group with: its PVE job's (host/pve1: tier0's). */
function groupKeep(e: Pick<PbsEvent, 'type' | 'id'>): string {
  if (e.type === 'host') return TIER_RETENTION.tier0;
  return PVE1_JOBS.find((j) => j.storage === 'pbs1' && j.vmids?.includes(Number(e.id)))?.prune ?? TIER_RETENTION.tier0;
}

const stepsMemo = new Map<string, number[][]>();

/** Which points are left after each one is added and the prune that follows it runs (indices into `times`); the same runs in labs built the same day share it. */
function pruneSteps(times: readonly number[], keep: string, timeZone: string): number[][] {
  const key = `${timeZone}|${keep}|${times.join(',')}`;
  const hit = stepsMemo.get(key);
  if (hit) return hit;
  const options = keepOptions(keep);
  let alive: { i: number; time: number }[] = [];
  const steps = times.map((time, i) => {
    alive.push({ i, time });
    alive = planPrune(alive, options, 'pbs', timeZone, time).keep;
    return alive.map((a) => a.i);
  });
  if (stepsMemo.size > 200) stepsMemo.clear();
  stepsMemo.set(key, steps);
  return steps;
}

/**
 * pbs1's datastore `usb` through the history: per group, the snapshots left
 * after each backup and the job's prune that followed it (as schedule.ts
 * `survivors` replays them, here keeping every step), so that what it held
 * at any moment is the step of the last backup finished by then. A snapshot
 * still there now is that very snapshot.
 */
function usbHistory(h: HistoryContext): (t: number) => PbsSnapshot[] {
  const pbs1 = h.state.hosts.pbs1!;
  const now = new Map(pbs1.pbs!.datastores.usb!.snapshots.map((s) => [`${groupKey(s)}/${s.time}`, s]));
  const byGroup = new Map<string, PbsEvent[]>();
  for (const e of h.pbsEvents) {
    const list = byGroup.get(groupKey(e)) ?? [];
    list.push(e);
    byGroup.set(groupKey(e), list);
  }
  const asSnapshot = (e: PbsEvent): PbsSnapshot =>
    now.get(`${groupKey(e)}/${e.time}`) ?? {
      type: e.type,
      id: e.id,
      time: e.time,
      files: e.files.map((f) => ({ ...f })),
      owner: e.owner,
      protected: false,
      ...(e.comment !== undefined ? { comment: e.comment } : {}),
      verification: { state: 'ok', upid: e.backupUpid },
      ...(e.guest ? { guest: e.guest } : {}),
      ...(e.archives ? { archives: e.archives } : {}),
    };
  const groups = [...byGroup.values()].map((events) => {
    events.sort((a, b) => a.time - b.time);
    const held = pruneSteps(events.map((e) => e.runStart), groupKeep(events[0]!), pbs1.timeZone);
    return events.map((e, i) => ({ endedAt: e.endedAt, held: held[i]!.map((k) => events[k]!) }));
  });
  const snapshots = new Map<PbsEvent, PbsSnapshot>();
  return (t) =>
    groups.flatMap((steps) => {
      const last = steps.filter((s) => s.endedAt <= t).at(-1);
      return (last?.held ?? []).map((e) => {
        let s = snapshots.get(e);
        if (!s) snapshots.set(e, (s = asSnapshot(e)));
        return s;
      });
    });
}

/** The datastore directory's files at each copy: snapshot directories built once and shared between the copies holding them. */
function usbLayoutAt(h: HistoryContext): (t: number) => FileSet {
  const usb = h.state.hosts.pbs1!.pbs!.datastores.usb!;
  const chunkBytes = Math.round((usb.total * h.plan.usbDatastoreUsedPercent) / 100);
  const dirs = new Map<string, FileSet>();
  const dirFiles = (s: PbsSnapshot) => {
    const key = `${groupKey(s)}/${isoUtc(s.time)}`;
    let files = dirs.get(key);
    if (!files) dirs.set(key, (files = snapshotDirFiles(s)));
    return files;
  };
  const heldAt = usbHistory(h);
  return (t) => datastoreLayout(usb.path, heldAt(t), { at: t, chunkBytes, dirFiles });
}

/** Runs of one backup series; the snapshots `forget` left, with parents linking every run. */
function replay(h: HistoryContext, host: HostState, s: Series): void {
  if (s.times.length === 0) return;
  const mask = survivors({ times: s.times, keep: keepOptions(s.keep), semantics: 'restic', timeZone: host.timeZone });
  const files = s.paths.flatMap((p) => filesUnder(host.fs, p));
  let totalBytes = files.reduce((n, [, f]) => n + f.size, 0);
  let fileCount = Math.max(1, files.length * 211);
  let parent: string | undefined;
  let prevStored = 0;
  s.times.forEach((t, i) => {
    const id = h.rng.hex(32);
    const held = mask[i] && s.filesAt ? s.filesAt(t) : undefined;
    if (held) {
      totalBytes = Object.values(held).reduce((n, f) => n + f.size, 0);
      fileCount = Object.keys(held).length;
    }
    const seconds = Math.max(4, Math.round(totalBytes / 2e9));
    const changed = Math.round(totalBytes * (i === 0 ? 0.6 : 0.004)) + 65_536;
    prevStored += Math.round(changed * 0.62);
    if (mask[i]) {
      const snap: ResticSnapshot = {
        id,
        time: rfc3339Nano(t + h.rng.int(100, 900_000) / 1e6, host.timeZone),
        ...(parent ? { parent } : {}),
        tree: h.rng.hex(32),
        paths: [...s.paths].sort(),
        hostname: host.hostname,
        username: 'root',
        program_version: 'restic 0.17.3',
        summary: {
          backup_start: rfc3339Nano(t, host.timeZone),
          backup_end: rfc3339Nano(t + seconds, host.timeZone),
          files_new: i === 0 ? fileCount : 3,
          files_changed: i === 0 ? 0 : 2,
          files_unmodified: i === 0 ? 0 : fileCount - 5,
          dirs_new: i === 0 ? 40 : 0,
          dirs_changed: i === 0 ? 0 : 3,
          dirs_unmodified: i === 0 ? 0 : 37,
          data_blobs: Math.max(1, Math.round(changed / 1_048_576)),
          tree_blobs: i === 0 ? 41 : 4,
          data_added: changed,
          data_added_packed: Math.round(changed * 0.62),
          total_files_processed: fileCount,
          total_bytes_processed: totalBytes,
        },
        fileCount,
        totalBytes,
        // What the files were then: the ones changed since are dated no later than the backup.
        files: held ?? captureFiles(host.fs, s.paths, t),
      };
      s.repo.snapshots.push(snap);
    }
    parent = id;
  });
  s.repo.storedBytes += prevStored;
}

/** docker1's history; `datastoreCopy` says which copy carries pbs1's datastore directory off-site (restic-cloud's snapshots by default). */
export function generateDockerHistory(h: HistoryContext, host: HostState, pbsGoneAt: number, datastoreCopy: DatastoreCopy = 'restic'): void {
  dockerFiles(h, host);
  const tz = host.timeZone;
  const usb = newRepo(h.rng, SECRETS.resticUsb);
  const cloud = newRepo(h.rng, SECRETS.resticCloud);
  cloud.s3Credentials = { accessKeyId: SECRETS.s3KeyId, secretAccessKey: SECRETS.s3Secret };
  host.resticRepos = { [RESTIC_USB]: usb };
  h.state.cloud.resticRepos[RESTIC_CLOUD] = cloud;
  const cloudUntil = h.plan.resticCloudStoppedDaysAgo !== undefined ? h.now - h.plan.resticCloudStoppedDaysAgo * DAY : h.now;
  // A run still going at the lab's start is left out (it would be a backup without a process).
  const until = h.now - 120;
  replay(h, host, {
    repo: usb,
    paths: ['/srv/app'],
    times: everyHours(tz, h.start, until, SCHEDULES.resticUsbEveryHours, SCHEDULES.resticUsbMinute),
    keep: SCHEDULES.resticUsbKeep,
  });
  replay(h, host, {
    repo: cloud,
    paths: ['/srv/app'],
    times: timesOfDay(tz, h.start, Math.min(until, cloudUntil), SCHEDULES.resticCloudAppAt),
    keep: SCHEDULES.resticCloudKeep,
  });
  const usbAt = usbLayoutAt(h);
  // docker1 mounts pbs1's USB datastore: what it sees now (or last saw, with pbs1 gone).
  for (const [path, f] of Object.entries(usbAt(Math.min(h.now, pbsGoneAt)))) writeFile(host.fs, path, { ...f });
  const pbsCopies = timesOfDay(tz, h.start, Math.min(until, cloudUntil, pbsGoneAt), SCHEDULES.resticCloudPbsAt);
  if (datastoreCopy === 'rclone-cold') generateDatastoreRcloneCopy(h, host, '/mnt/usb/pbs', pbsCopies, usbAt);
  else replay(h, host, { repo: cloud, paths: ['/mnt/usb/pbs'], times: pbsCopies, keep: SCHEDULES.resticCloudKeep, filesAt: usbAt });
  for (const r of [usb, cloud]) r.snapshots.sort((a, b) => (a.time < b.time ? -1 : 1));
}
