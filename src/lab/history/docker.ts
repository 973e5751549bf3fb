/**
 * docker1's past: restic backs /srv/app up to the USB SSD every six hours and
 * to S3 twice a day, and the PBS datastore directory to S3 daily; each run is
 * followed by `restic forget` with the repository's policy.
 */
import { SCHEDULES, SECRETS } from '../homelab/topology.js';
import { DAY, HOUR, rfc3339Nano } from '../state/clock.js';
import { captureFiles } from '../state/file-sets.js';
import { filesUnder, mkdirs, writeFile } from '../state/fs.js';
import { newRepo } from '../state/restic.js';
import { keepOptions } from '../state/retention.js';
import type { HostState, ResticRepo, ResticSnapshot } from '../state/types.js';
import type { HistoryContext } from './context.js';
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
    ['/mnt/usb/pbs/.chunks/0000-3fff.pack', 280 * GB, h.now - 3 * HOUR],
    ['/mnt/usb/pbs/.chunks/4000-7fff.pack', 276 * GB, h.now - 3 * HOUR],
    ['/mnt/usb/pbs/.chunks/8000-bfff.pack', 291 * GB, h.now - 3 * HOUR],
    ['/mnt/usb/pbs/.chunks/c000-ffff.pack', 284 * GB, h.now - 3 * HOUR],
    ['/mnt/usb/pbs/vm/100/owner', 9, h.now - 88 * DAY, 'root@pam\n'],
    ['/mnt/usb/pbs/.gc-status', 412, h.now - 17 * HOUR],
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
}

/** Runs of one backup series; the snapshots `forget` left, with parents linking every run. */
function replay(h: HistoryContext, host: HostState, s: Series): void {
  if (s.times.length === 0) return;
  const mask = survivors({ times: s.times, keep: keepOptions(s.keep), semantics: 'restic', timeZone: host.timeZone });
  const files = s.paths.flatMap((p) => filesUnder(host.fs, p));
  const totalBytes = files.reduce((n, [, f]) => n + f.size, 0);
  const fileCount = Math.max(1, files.length * 211);
  let parent: string | undefined;
  let prevStored = 0;
  s.times.forEach((t, i) => {
    const id = h.rng.hex(32);
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
        files: captureFiles(host.fs, s.paths, t),
      };
      s.repo.snapshots.push(snap);
    }
    parent = id;
  });
  s.repo.storedBytes += prevStored;
}

export function generateDockerHistory(h: HistoryContext, host: HostState, pbsGoneAt: number): void {
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
  replay(h, host, {
    repo: cloud,
    paths: ['/mnt/usb/pbs'],
    times: timesOfDay(tz, h.start, Math.min(until, cloudUntil, pbsGoneAt), SCHEDULES.resticCloudPbsAt),
    keep: SCHEDULES.resticCloudKeep,
  });
  for (const r of [usb, cloud]) r.snapshots.sort((a, b) => (a.time < b.time ? -1 : 1));
}
