/**
 * A PVE node's configuration files (/etc/pve, /etc/network), Strata's own
 * daily archives of them, and the daily PBS host backup of /etc (host/pve1).
 */
import { configFileText } from '../state/guest-config.js';
import { posix } from 'node:path';
import { SCHEDULES, TIER_RETENTION } from '../homelab/topology.js';
import { isoUtc } from '../state/clock.js';
import { walk, writeFile } from '../state/fs.js';
import { pbsUpid } from '../state/ids.js';
import { PROXY_PID, PROXY_PSTART } from '../state/pbs.js';
import { keepOptions } from '../state/retention.js';
import type { CloudObject, HostState, PbsSnapshot } from '../state/types.js';
import { md5Object } from '../state/cloud.js';
import { keyFileJson } from '../tools/pbs-keys.js';
import { mkdirs } from '../state/fs.js';
import type { HistoryContext } from './context.js';
import { survivors, timesOfDay } from './schedule.js';

function text(host: HostState, path: string, content: string, mtime: number): void {
  writeFile(host.fs, path, { size: Buffer.byteLength(content), mtime, content });
}

/** The files `tar -czf ... etc/pve etc/network` finds. */
export function writeEtc(h: HistoryContext, host: HostState): void {
  const pve = host.pve!;
  const old = h.start - 200 * 86_400;
  const storages = Object.values(pve.storages)
    .map((s) => {
      if (s.type === 'pbs') {
        return `pbs: ${s.id}\n\tdatastore ${s.pbs!.datastore}\n\tserver ${s.pbs!.host}\n\tcontent backup\n\tfingerprint 7a:3f:c4:19:88:02:5e:b1:6d:0c:aa:41:93:e7:58:2f:b6:11:d0:4e:9a:63:ce:27:f5:80:1b:3d:72:e9:c6:04\n\tprune-backups keep-all=1\n\tusername ${s.pbs!.username}\n`;
      }
      if (s.type === 'lvmthin') return `lvmthin: ${s.id}\n\tthinpool data\n\tvgname pve\n\tcontent ${s.content.join(',')}\n`;
      if (s.type === 'zfspool') return `zfspool: ${s.id}\n\tpool ${s.pool ?? 'rpool/data'}\n\tcontent ${s.content.join(',')}\n\tsparse 1\n`;
      return `dir: ${s.id}\n\tpath ${s.path}\n\tcontent ${s.content.join(',')}\n\tprune-backups keep-all=1\n\tshared 0\n`;
    })
    .join('\n');
  text(host, '/etc/pve/storage.cfg', storages, old);
  text(
    host,
    '/etc/pve/jobs.cfg',
    pve.backupJobs
      .map((j) => `vzdump: ${j.id}\n\tschedule ${j.schedule}\n\t${j.all ? `all 1${j.exclude ? `\n\texclude ${j.exclude}` : ''}` : `vmid ${j.vmid}`}\n\tcompress ${j.compress}\n\tenabled ${j.enabled}\n\tmode ${j.mode}\n\tnotes-template ${j['notes-template'] ?? ''}\n\tprune-backups ${Object.entries(j['prune-backups'] ?? {}).map(([k, v]) => `${k}=${v}`).join(',')}\n\tstorage ${j.storage}\n`)
      .join('\n'),
    h.now - 30 * 86_400,
  );
  text(host, '/etc/pve/datacenter.cfg', 'keyboard: en-us\nnotify: package-updates=always\n', old);
  text(host, '/etc/pve/user.cfg', 'user:root@pam:1:0:::root@example.com:::\ntoken:root@pam!cv4pve::0:autosnap:\n', old);
  for (const g of Object.values(pve.guests)) {
    const dir = g.type === 'qemu' ? 'qemu-server' : 'lxc';
    const body = configFileText(g);
    text(host, `/etc/pve/${dir}/${g.vmid}.conf`, body, h.now - 3 * 86_400 - g.vmid);
  }
  text(host, '/etc/network/interfaces', `auto lo\niface lo inet loopback\n\nauto vmbr0\niface vmbr0 inet static\n\taddress 192.0.2.10/24\n\tgateway 192.0.2.1\n\tbridge-ports eno1\n\tbridge-stp off\n\tbridge-fd 0\n`, old);
  text(host, '/etc/hostname', `${host.hostname}\n`, old);
}

/** Strata's archives of the node's configuration, as `strata-config-<host>-<UTC>.tar.gz`. */
export function generateConfigArchives(h: HistoryContext, host: HostState, directory: string): void {
  const until = Math.min(h.now, h.goneAt(host.name));
  const times = timesOfDay('UTC', h.start, until - 10, SCHEDULES.configArchive).slice(-SCHEDULES.configArchiveKeep);
  const members = [...walk(host.fs, '/etc/pve'), ...walk(host.fs, '/etc/network'), ...walk(host.fs, '/var/lib/pve-cluster').filter((e) => e.type === 'f')].map(
    (e) => e.path.slice(1) + (e.type === 'd' ? '/' : ''),
  );
  for (const t of times) {
    const name = `strata-config-${host.name}-${isoUtc(t).replace(/[-:]/g, '')}.tar.gz`;
    writeFile(host.fs, posix.join(directory, name), { size: 38_000 + h.rng.int(0, 6_000), mtime: t + 1 + h.rng.int(0, 999) / 1000, members });
  }
}

/** The daily `proxmox-backup-client backup` of the node's /etc to pbs1 (group host/<node>), pruned like tier 0. */
export function generateHostBackups(h: HistoryContext, host: HostState, pbsHost: HostState, datastore: string): void {
  const pbs = pbsHost.pbs!;
  const ds = pbs.datastores[datastore]!;
  const until = Math.min(h.now, h.goneAt(host.name), h.goneAt(pbsHost.name)) - 60;
  const times = timesOfDay(host.timeZone, h.start, until, SCHEDULES.hostBackup, 3);
  const files: PbsSnapshot['files'] = [
    { filename: 'catalog.pcat1.didx', size: 2_890, cryptMode: 'none' },
    { filename: 'etc.pxar.didx', size: 1_248_112, cryptMode: 'none' },
    { filename: 'index.json.blob', size: 402, cryptMode: 'none' },
  ];
  const upids = times.map((t) => {
    const taskId = pbs.nextTaskId++;
    const base = { node: pbsHost.hostname, pid: PROXY_PID, pstart: PROXY_PSTART, taskId, starttime: t, workerType: 'backup', workerId: `${datastore}:host/${host.hostname}`, user: 'root@pam' };
    const upid = pbsUpid(base);
    pbs.tasks.push({ upid, ...base, endtime: t + 4, status: 'OK' });
    h.pbsEvents.push({ type: 'host', id: host.hostname, time: t, files, owner: 'root@pam', backupUpid: upid, endedAt: t + 4, runStart: t });
    return upid;
  });
  const mask = survivors({ times, keep: keepOptions(TIER_RETENTION.tier0), semantics: 'pbs', timeZone: pbsHost.timeZone });
  times.forEach((t, i) => {
    if (mask[i]) ds.snapshots.push({ type: 'host', id: host.hostname, time: t, files: files.map((f) => ({ ...f })), owner: 'root@pam', protected: false, verification: { state: 'ok', upid: upids[i]! } });
  });
}

/** What PVE keeps for a PBS storage in /etc/pve/priv/storage: its password and its encryption key (mode 0600). */
export function writeStorageSecrets(h: HistoryContext, host: HostState, s: { storage: string; password: string; key: { fingerprint: string; data: string } }): void {
  const at = h.start - 150 * 86_400;
  const dir = '/etc/pve/priv/storage';
  mkdirs(host.fs, dir);
  const pw = `${s.password}\n`;
  writeFile(host.fs, `${dir}/${s.storage}.pw`, { size: pw.length, mtime: at, content: pw, mode: 0o600 });
  const key = keyFileJson({ createdSec: at, fingerprint: s.key.fingerprint, data: s.key.data });
  writeFile(host.fs, `${dir}/${s.storage}.enc`, { size: key.length, mtime: at, content: key, mode: 0o600 });
}

/**
 * The off-site copy of the config archives: after each archive the node
 * syncs its directory to S3 (`rclone sync` then the `.strata-synced` mark),
 * so the bucket mirrors the directory as of the last archive.
 */
export function generateConfigCopies(h: HistoryContext, host: HostState, directory: string, to: { bucket: string; prefix: string }): void {
  const archives = walk(host.fs, directory).filter((e) => e.type === 'f');
  const objects: Record<string, CloudObject> = {};
  let newest = 0;
  for (const e of archives) {
    const f = e.file!;
    const rel = e.path.slice(directory.length + 1);
    objects[`${to.prefix}/${rel}`] = { size: f.size, modTime: f.mtime, tier: 'STANDARD', md5: md5Object(rel, f) };
    newest = Math.max(newest, f.mtime);
  }
  if (newest > 0) objects[`${to.prefix}/.strata-synced`] = { size: 0, modTime: Math.floor(newest) + 5, tier: 'STANDARD', md5: 'd41d8cd98f00b204e9800998ecf8427e' };
  h.state.cloud.buckets[to.bucket] = objects;
  host.rcloneRemotes = { ...(host.rcloneRemotes ?? {}), offsite: { type: 's3', provider: 'AWS', storageClass: 'STANDARD' } };
  writeFile(host.fs, '/root/.config/rclone/rclone.conf', {
    size: 90,
    mtime: h.start - 300 * 86_400,
    content: '[offsite]\ntype = s3\nprovider = AWS\nenv_auth = true\nregion = eu-central-1\n',
  });
}
