/**
 * nas1's past: sanoid snapshots of tank/data and tank/media (hourly, daily,
 * monthly, the newest N of each kept), syncoid replicating tank/data to
 * backup/data every hour (the replica keeps dailies and monthlies longer),
 * and rclone copying the replica to a Glacier bucket every six hours. The
 * files change as a family NAS's do: a database every hour, a ledger every
 * evening, photos now and then.
 */
import { SANOID, SCHEDULES } from '../homelab/topology.js';
import { syncoidSnapName } from '../tools/syncoid.js';
import { DAY, HOUR, localParts, localToEpoch, startOfLocalDay } from '../state/clock.js';
import { md5Object } from '../state/cloud.js';
import { mkdirs, writeFile } from '../state/fs.js';
import type { CloudObject, FileSet, HostState, SimFile, ZfsDataset, ZfsPool, ZfsSnapshot, ZfsState } from '../state/types.js';
import { relativeFiles } from '../state/file-sets.js';
import type { HistoryContext } from './context.js';
import { everyHours } from './schedule.js';

const TB = 1e12;
const GB = 1e9;
const pad = (n: number) => String(n).padStart(2, '0');

/** `autosnap_2024-01-31_02:00:01_hourly` in the host's local time. */
function autosnapName(epoch: number, tz: string, kind: string): string {
  const p = localParts(epoch, tz);
  return `autosnap_${p.year}-${pad(p.month)}-${pad(p.day)}_${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}_${kind}`;
}

/** A file of tank/data and when it was last written at a given time. */
interface DataFile {
  path: string;
  size: number;
  born: number;
  mtimeAt(t: number): number;
}

function dataFiles(h: HistoryContext, tz: string): DataFile[] {
  const hourly = (t: number) => Math.floor((t - 300) / HOUR) * HOUR + 300;
  const evening = (t: number) => {
    const day = startOfLocalDay(t, tz);
    const p = localParts(day + 43_200, tz);
    const at = localToEpoch(tz, p.year, p.month, p.day, 17, 30);
    return at <= t ? at : at - DAY;
  };
  const files: DataFile[] = [
    { path: 'db/nextcloud.sqlite', size: 2.4 * GB, born: h.start - 400 * DAY, mtimeAt: hourly },
    { path: 'documents/ledger-2024.ods', size: 1_843_200, born: h.start - 200 * DAY, mtimeAt: evening },
    { path: 'notes/todo.md', size: 4_812, born: h.start - 300 * DAY, mtimeAt: (t) => Math.floor((t - 9 * HOUR) / (3 * DAY)) * 3 * DAY + 9 * HOUR },
  ];
  for (let i = 0; i < 8; i++) {
    const t = h.start - (60 + i * 45) * DAY + i * 3_137;
    files.push({ path: `documents/contracts/contract-${2016 + i}.pdf`, size: 180_000 + i * 41_000, born: t, mtimeAt: () => t });
  }
  for (let w = 0; w < 13; w++) {
    for (let k = 0; k < 2; k++) {
      const t = h.start + w * 7 * DAY + k * 2 * DAY + 15 * HOUR + k * 1_234;
      const p = localParts(t, tz);
      files.push({ path: `photos/${p.year}-${pad(p.month)}/IMG_${String(4100 + w * 2 + k).padStart(4, '0')}.jpg`, size: 3_200_000 + (w * 977 + k * 313) * 100, born: t, mtimeAt: () => t });
    }
  }
  return files.filter((f) => f.born < h.now);
}

/** The newest n items (none for n = 0, unlike slice(-0)). */
const lastN = <T>(items: readonly T[], n: number): T[] => (n > 0 ? items.slice(-n) : []);

function snapshotOf(zfs: ZfsState, name: string, creation: number, used: number, referenced: number): ZfsSnapshot {
  const txg = zfs.nextTxg++;
  return { name, creation, used, referenced, guid: String(10_000_000_000_000_000_000n + BigInt(txg) * 7_919_000_003n + BigInt(Math.floor(creation) % 100_000)), createtxg: txg };
}

function pool(name: string, size: number, alloc: number, disks: string[], media: 'nvme' | 'hdd', scrubEnd: number): ZfsPool {
  return {
    name,
    size,
    alloc,
    frag: media === 'nvme' ? 7 : 3,
    health: 'ONLINE',
    vdevs: [{ name: 'mirror-0', state: 'ONLINE', read: 0, write: 0, cksum: 0, children: disks.map((d) => ({ name: d, state: 'ONLINE', read: 0, write: 0, cksum: 0 })) }],
    dataErrors: 0,
    scan: { state: 'finished', start: scrubEnd - (media === 'nvme' ? 751 : 11_565), end: scrubEnd, repairedBytes: 0, errors: 0 },
  };
}

export function generateNasHistory(h: HistoryContext, host: HostState): void {
  const tz = host.timeZone;
  const zfs: ZfsState = { pools: {}, datasets: {}, nextTxg: 1_000_000 };
  host.zfs = zfs;
  // Scrubs on the second Sunday of the month, as Debian's zfsutils cron does.
  let lastSunday = startOfLocalDay(h.now - localParts(h.now, tz).weekday * DAY, tz);
  if (lastSunday + 4 * HOUR > h.now) lastSunday -= 7 * DAY;
  zfs.pools.tank = pool('tank', 1.86 * TB, 0.79 * TB, ['nvme-Samsung_SSD_980_PRO_2TB_S6B0NL0T712345', 'nvme-Samsung_SSD_980_PRO_2TB_S6B0NL0T767890'], 'nvme', lastSunday + 24 * 60 + 751);
  zfs.pools.backup = pool('backup', 3.62 * TB, 1.13 * TB, ['ata-WDC_WD40EFRX-68N32N0_WD-WCC7K1CZ1234', 'ata-WDC_WD40EFRX-68N32N0_WD-WCC7K4XY5678'], 'hdd', lastSunday + 24 * 60 + 11_565);
  if (h.plan.degradedPool) {
    const p = zfs.pools[h.plan.degradedPool]!;
    p.health = 'DEGRADED';
    p.status = 'One or more devices could not be used because the label is missing or\ninvalid.  Sufficient replicas exist for the pool to continue\nfunctioning in a degraded state.';
    p.action = "Replace the device using 'zpool replace'.";
    p.see = 'https://openzfs.github.io/openzfs-docs/msg/ZFS-8000-4J';
    const mirror = p.vdevs[0]!;
    mirror.state = 'DEGRADED';
    const gone = mirror.children![1]!;
    mirror.children![1] = { name: '11482918231298123409', state: 'UNAVAIL', read: 0, write: 0, cksum: 0, note: `was /dev/disk/by-id/${gone.name}-part1` };
  }
  const created = h.start - 700 * DAY;
  const ds = (name: string, referenced: number, mountpoint: string): ZfsDataset => {
    const d: ZfsDataset = { name, type: 'filesystem', used: referenced, referenced, mountpoint, creation: created, guid: String(12_000_000_000_000_000_000n + BigInt(name.length * 104_729)), snapshots: [] };
    zfs.datasets[name] = d;
    mkdirs(host.fs, mountpoint);
    return d;
  };
  ds('tank', 196_608, '/tank');
  const data = ds('tank/data', 212 * GB, '/tank/data');
  const media = ds('tank/media', 560 * GB, '/tank/media');
  ds('backup', 196_608, '/backup');
  const replica = ds('backup/data', 212 * GB, '/backup/data');
  const mediaReplica = ds('backup/media', 560 * GB, '/backup/media');

  // sanoid: the newest N of each kind, named in local time.
  const hourlyTimes = everyHours(tz, h.start, h.now, 1, 0, 0, 1);
  for (const [d, policy] of [[data, SANOID['tank/data']], [media, SANOID['tank/media']]] as const) {
    const dailies = hourlyTimes.filter((t) => localParts(t, tz).hour === 0);
    const monthlies = dailies.filter((t) => localParts(t, tz).day === 1);
    const chosen: [number, string][] = [
      ...lastN(monthlies, policy.monthly).map((t) => [t, 'monthly'] as [number, string]),
      ...lastN(dailies, policy.daily).map((t) => [t, 'daily'] as [number, string]),
      ...lastN(hourlyTimes, policy.hourly).map((t) => [t, 'hourly'] as [number, string]),
    ];
    const rank = { monthly: 0, daily: 1, hourly: 2 } as Record<string, number>;
    chosen.sort((a, b) => a[0] - b[0] || rank[a[1]]! - rank[b[1]]!);
    for (const [t, kind] of chosen) {
      const used = kind === 'hourly' ? 2_000_000 + (t % 97) * 400_000 : 40_000_000 + (t % 89) * 3_000_000;
      d.snapshots.push(snapshotOf(zfs, autosnapName(t, tz, kind), t, used, d.referenced - (h.now - t) * 30));
      d.used += used;
    }
  }

  // syncoid every hour: a replica holds the dailies and monthlies it was sent, and the newest sync snapshot.
  const replicate = (source: ZfsDataset, target: ZfsDataset, minute: number): number => {
    const syncs = everyHours(tz, h.start, h.now - 60, 1, minute);
    const lastSync = syncs.at(-1)!;
    const syncSnap = snapshotOf(zfs, syncoidSnapName(host.hostname, lastSync, tz), lastSync, 0, source.referenced);
    source.snapshots.push(syncSnap);
    const sourceByName = new Map(source.snapshots.map((s) => [s.name, s]));
    const dailies = hourlyTimes.filter((t) => localParts(t, tz).hour === 0 && t < lastSync);
    const policy = SANOID['backup/data'];
    const monthlies = lastN(dailies.filter((t) => localParts(t, tz).day === 1), policy.monthly);
    const replicaSnaps: [number, string][] = [...monthlies.map((t) => [t, 'monthly'] as [number, string]), ...lastN(dailies, policy.daily).map((t) => [t, 'daily'] as [number, string])];
    replicaSnaps.sort((a, b) => a[0] - b[0] || (a[1] === 'monthly' ? -1 : 1));
    for (const [t, kind] of replicaSnaps) {
      const name = autosnapName(t, tz, kind);
      const src = sourceByName.get(name);
      const snap = snapshotOf(zfs, name, t, src?.used ?? 40_000_000, src?.referenced ?? target.referenced);
      if (src) snap.guid = src.guid;
      target.snapshots.push(snap);
      target.used += snap.used;
    }
    target.snapshots.push({ ...syncSnap, createtxg: zfs.nextTxg++ });
    return lastSync;
  };
  const syncs = everyHours(tz, h.start, h.now - 60, 1, SCHEDULES.syncoidMinute);
  const lastSync = replicate(data, replica, SCHEDULES.syncoidMinute);
  replicate(media, mediaReplica, SCHEDULES.syncoidMediaMinute);

  // Files: the live data, the replica as of the last sync, the bucket as of the last upload.
  const files = dataFiles(h, tz);
  const version = (f: DataFile, at: number): SimFile | undefined => (f.born > at ? undefined : { size: f.size, mtime: f.mtimeAt(at) });
  for (const f of files) {
    const live = version(f, h.now);
    if (live) writeFile(host.fs, `/tank/data/${f.path}`, live);
    const rep = version(f, lastSync);
    if (rep) writeFile(host.fs, `/backup/data/${f.path}`, rep);
  }
  for (const root of ['/tank/media', '/backup/media']) {
    writeFile(host.fs, `${root}/movies/holiday-2023.mkv`, { size: 14.2 * GB, mtime: h.start - 190 * DAY });
    writeFile(host.fs, `${root}/movies/wedding.mkv`, { size: 21.7 * GB, mtime: h.start - 510 * DAY });
  }

  // Each snapshot keeps the files as they were when it was taken (what `.zfs/snapshot/<name>` shows).
  const dataAt = (t: number): FileSet => {
    const out: FileSet = {};
    for (const f of files) {
      const v = version(f, t);
      if (v) out[`/${f.path}`] = v;
    }
    return out;
  };
  for (const d of [data, replica]) for (const snap of d.snapshots) snap.files = dataAt(snap.creation);
  for (const d of [media, mediaReplica]) {
    const movies = relativeFiles(host.fs, d.mountpoint!);
    for (const snap of d.snapshots) snap.files = movies;
  }

  const uploads = everyHours(tz, h.start, h.now - 60, SCHEDULES.rcloneEveryHours, SCHEDULES.rcloneMinute, SCHEDULES.rcloneFirstHour);
  const lastUpload = uploads.at(-1)!;
  const replicatedAt = syncs.filter((t) => t < lastUpload).at(-1)!;
  const bucket: Record<string, CloudObject> = {};
  for (const f of files) {
    const v = version(f, replicatedAt);
    if (!v) continue;
    bucket[`data/${f.path}`] = { size: v.size, modTime: v.mtime, tier: 'GLACIER', md5: md5Object(f.path, v) };
  }
  h.state.cloud.buckets['strata-nas'] = bucket;
  // Snapshots were created in time order: their txgs say so.
  let txg = 1_000_000;
  for (const d of Object.values(zfs.datasets)) {
    d.snapshots.sort((a, b) => a.creation - b.creation || a.createtxg - b.createtxg);
    for (const snap of d.snapshots) snap.createtxg = txg++;
  }
  zfs.nextTxg = txg;
  host.rcloneRemotes = { glacier: { type: 's3', provider: 'AWS', storageClass: 'GLACIER' } };
  writeFile(host.fs, '/root/.config/rclone/rclone.conf', {
    size: 180,
    mtime: h.start - 300 * DAY,
    content: '[glacier]\ntype = s3\nprovider = AWS\nenv_auth = true\nregion = eu-central-1\nstorage_class = GLACIER\n',
  });
}
