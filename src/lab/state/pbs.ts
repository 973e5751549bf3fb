/**
 * Proxmox Backup Server state operations: repositories, tasks, verification,
 * pull sync between servers, prune and garbage collection. Shared by the
 * simulated proxmox-backup-client/-manager, vzdump to a PBS storage, and the
 * history.
 */
import type { LabServices } from '../shell/types.js';
import { isoUtc } from './clock.js';
import { getFile } from './fs.js';
import { canSeeDatastore } from './pbs-acl.js';
import { pbsUpid } from './ids.js';
import { pbsSnapshotPath, pbsSnapshotSize } from './pve.js';
import { planPrune, type KeepOptions } from './retention.js';
import { binaryUnits } from '../tools/format.js';
import type { HostState, LabState, PbsDatastore, PbsSnapshot, PbsState, PbsTask, PveStorage } from './types.js';

/** The proxy daemon runs every task: one PID and start time per server. */
export const PROXY_PID = 0x2d9;
export const PROXY_PSTART = 0x1c3a;

export interface Repository {
  readonly authId?: string;
  readonly server?: string;
  readonly port?: number;
  readonly datastore: string;
}

/** `[[user@realm[!token]@]server[:port]:]datastore` */
export function parseRepository(repo: string): Repository | null {
  const i = repo.lastIndexOf(':');
  if (i < 0) return /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(repo) ? { datastore: repo } : null;
  const datastore = repo.slice(i + 1);
  let rest = repo.slice(0, i);
  let authId: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    authId = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (!/^[^@!\s]+@[A-Za-z0-9._-]+(![A-Za-z0-9._-]+)?$/.test(authId)) return null;
  }
  let server = rest;
  let port: number | undefined;
  const pm = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(rest);
  if (pm) {
    server = pm[1]!;
    port = Number(pm[2]);
  }
  if (!datastore || !server) return null;
  return { ...(authId ? { authId } : {}), server, ...(port ? { port } : {}), datastore };
}

/** The lab host a PBS server address means, seen from `from`. */
export function resolveServer(state: LabState, from: HostState, server: string | undefined): HostState | undefined {
  if (!server || ['localhost', '127.0.0.1', '::1', '[::1]', from.hostname, from.name].includes(server)) return from;
  return Object.values(state.hosts).find((h) => h.name === server || h.hostname === server);
}

export function datastoreStatus(ds: PbsDatastore): { total: number; used: number; avail: number } {
  return { total: ds.total, used: ds.used, avail: Math.max(0, ds.total - ds.used) };
}

/** What PVE reports for one of its storages (a PBS storage reads its datastore over the network). */
/**
 * A storage of a PVE node as its activation finds it. A disabled storage is
 * never activated. A PBS storage activates as PBSPlugin's activate_storage
 * does: the fingerprint in storage.cfg (if any) is the server's certificate's,
 * the password is the first line of the node's
 * /etc/pve/priv/storage/<id>.pw, and the server must list the datastore to
 * that user; `error` is what PVE prints (after `<id>: `) when it does not.
 */
export function pveStorageStatus(lab: LabServices, node: HostState, s: PveStorage): { active: boolean; total: number; used: number; avail: number; error?: string } {
  const none = { active: false, total: 0, used: 0, avail: 0 };
  if (s.disabled) return none;
  if (s.type === 'pbs' && s.pbs) {
    const server = lab.state.hosts[s.pbs.host];
    if (!server?.pbs || !lab.isReachable(s.pbs.host)) return { ...none, error: 'error fetching datastores - client error (Connect)' };
    // A pinned fingerprint must be the server's certificate (PVE's API client refuses any other).
    if (s.pbs.fingerprint !== undefined && s.pbs.fingerprint.toLowerCase() !== server.pbs.certFingerprint.toLowerCase()) return { ...none, error: `error fetching datastores - fingerprint '${server.pbs.certFingerprint.toUpperCase()}' not verified, abort!` };
    const password = getFile(node.fs, `/etc/pve/priv/storage/${s.id}.pw`)?.content?.split('\n')[0];
    const secret = server.pbs.credentials[s.pbs.username];
    if (password === undefined || secret === undefined || password !== secret) return { ...none, error: 'error fetching datastores - 401 Unauthorized' };
    const ds = canSeeDatastore(server.pbs, s.pbs.username, s.pbs.datastore) ? server.pbs.datastores[s.pbs.datastore] : undefined;
    if (!ds) return { ...none, error: `Cannot find datastore '${s.pbs.datastore}', check permissions and existence!` };
    return { active: true, ...datastoreStatus(ds) };
  }
  return { active: true, total: s.total, used: s.used, avail: Math.max(0, s.total - s.used) };
}

export function newPbsTask(
  pbs: PbsState,
  node: string,
  t: { starttime: number; workerType: string; workerId?: string; user?: string },
): PbsTask {
  const taskId = pbs.nextTaskId++;
  const base = {
    node,
    pid: PROXY_PID,
    pstart: PROXY_PSTART,
    taskId,
    starttime: Math.floor(t.starttime),
    workerType: t.workerType,
    ...(t.workerId !== undefined ? { workerId: t.workerId } : {}),
    user: t.user ?? 'root@pam',
  };
  const task: PbsTask = { upid: pbsUpid(base), ...base };
  pbs.tasks.push(task);
  if (pbs.tasks.length > 2500) pbs.tasks.splice(0, pbs.tasks.length - 2000);
  return task;
}

/** Ends a task: its status, end time, and the last log line the real server writes. */
export function finishTask(task: PbsTask, end: number, status: string, log?: string[]): void {
  task.endtime = Math.floor(end);
  task.status = status;
  delete task.running;
  const last = status === 'OK' ? 'TASK OK' : status.startsWith('WARNINGS') ? `TASK ${status}` : `TASK ERROR: ${status}`;
  task.log = [...(log ?? task.log ?? []), last];
}

/** `proxmox-backup-manager task list` row: snake_case, unlike everything else PBS prints. */
export function pbsTaskRow(t: PbsTask): Record<string, unknown> {
  return {
    endtime: t.endtime,
    node: t.node,
    pid: t.pid,
    pstart: t.pstart,
    starttime: t.starttime,
    status: t.running ? undefined : t.status,
    upid: t.upid,
    user: t.user,
    worker_id: t.workerId,
    worker_type: t.workerType,
  };
}

export function groupKey(s: Pick<PbsSnapshot, 'type' | 'id'>): string {
  return `${s.type}/${s.id}`;
}

export function groups(ds: PbsDatastore): Map<string, PbsSnapshot[]> {
  const m = new Map<string, PbsSnapshot[]>();
  for (const s of ds.snapshots) {
    const k = groupKey(s);
    let list = m.get(k);
    if (!list) m.set(k, (list = []));
    list.push(s);
  }
  return m;
}

export function addSnapshot(ds: PbsDatastore, s: PbsSnapshot): void {
  ds.snapshots.push(s);
  // Deduplication: a new snapshot adds only what changed.
  ds.used = Math.min(ds.total, ds.used + Math.round(pbsSnapshotSize(s) * 0.012));
}

export function removeSnapshot(ds: PbsDatastore, s: PbsSnapshot): void {
  const i = ds.snapshots.indexOf(s);
  if (i >= 0) ds.snapshots.splice(i, 1);
}

/** Which snapshots of which groups are unverified or outdated. */
export function toVerify(ds: PbsDatastore, opts: { ignoreVerified: boolean; outdatedAfterDays?: number; now: number; taskTimes: Map<string, number> }): PbsSnapshot[] {
  return ds.snapshots.filter((s) => {
    if (s.partial) return false;
    if (!s.verification) return true;
    if (!opts.ignoreVerified) return true;
    if (s.verification.state === 'failed') return false;
    if (opts.outdatedAfterDays === undefined) return false;
    const at = opts.taskTimes.get(s.verification.upid) ?? 0;
    return opts.now - at > opts.outdatedAfterDays * 86_400;
  });
}

/** Verifies one snapshot as verify_backup_dir does (a corrupt one fails): its log lines and whether it passed. */
export function verifySnapshot(ds: PbsDatastore, s: PbsSnapshot, upid: string): { log: string[]; ok: boolean } {
  const log = [`verify ${ds.name}:${pbsSnapshotPath(s)}`];
  for (const f of s.files) log.push(`  check ${f.filename}`);
  const mib = pbsSnapshotSize(s) / 2 ** 20;
  const errors = s.corrupt ? 1 : 0;
  log.push(`  verified ${(mib * 0.6).toFixed(2)}/${mib.toFixed(2)} MiB in 4.12 seconds, speed ${((mib / 4.12) * 0.6).toFixed(2)}/${(mib / 4.12).toFixed(2)} MiB/s (${errors} errors)`);
  if (s.corrupt) log.push(`verify ${ds.name}:${pbsSnapshotPath(s)}/${s.files[1]?.filename ?? 'index.json.blob'} failed: chunks could not be verified`);
  s.verification = { state: s.corrupt ? 'failed' : 'ok', upid };
  return { log, ok: !s.corrupt };
}

/** Groups in the order PBS sorts BackupGroup: type (vm, ct, host), then numeric ids by number. */
export function sortedGroups(ds: PbsDatastore): [string, PbsSnapshot[]][] {
  const typeRank = (t: string) => ['vm', 'ct', 'host'].indexOf(t);
  return [...groups(ds)].sort(([, [a]], [, [b]]) => {
    if (a!.type !== b!.type) return typeRank(a!.type) - typeRank(b!.type);
    const na = /^\d+$/.test(a!.id) ? Number(a!.id) : NaN;
    const nb = /^\d+$/.test(b!.id) ? Number(b!.id) : NaN;
    if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
    if (!Number.isNaN(na)) return -1;
    if (!Number.isNaN(nb)) return 1;
    return a!.id < b!.id ? -1 : a!.id > b!.id ? 1 : 0;
  });
}

/** PBS's StoreProgress as it prints itself (pbs-datastore store_progress.rs). */
export function storeProgress(p: { doneGroups: number; totalGroups: number; doneSnapshots: number; groupSnapshots: number }): string {
  const perGroups = p.doneGroups / p.totalGroups;
  const pct = (p.groupSnapshots === 0 ? perGroups : perGroups + (1 / p.totalGroups) * (p.doneSnapshots / p.groupSnapshots)) * 100;
  const current = p.doneGroups < p.totalGroups ? p.doneGroups + 1 : p.doneGroups;
  if (p.groupSnapshots === 0) return `${pct.toFixed(2)}% (${p.doneGroups}/${p.totalGroups} groups)`;
  if (p.totalGroups === 1) return `${pct.toFixed(2)}% (${p.doneSnapshots}/${p.groupSnapshots} snapshots)`;
  if (p.doneSnapshots === p.groupSnapshots) return `${pct.toFixed(2)}% (${current}/${p.totalGroups} groups)`;
  return `${pct.toFixed(2)}% (${p.doneGroups}/${p.totalGroups} groups, ${p.doneSnapshots}/${p.groupSnapshots} snapshots in group #${current})`;
}

/** Verifies snapshots (corrupt ones fail); returns the task log lines and how many failed. */
export function verifySnapshots(ds: PbsDatastore, snaps: readonly PbsSnapshot[], upid: string): { log: string[]; failed: PbsSnapshot[] } {
  const log = [`verify datastore ${ds.name}`];
  const byGroup = new Map<string, PbsSnapshot[]>();
  for (const s of snaps) {
    const k = groupKey(s);
    byGroup.set(k, [...(byGroup.get(k) ?? []), s]);
  }
  log.push(`found ${byGroup.size} groups`);
  const failed: PbsSnapshot[] = [];
  let doneGroups = 0;
  for (const [g, list] of byGroup) {
    log.push(`verify group ${ds.name}:${g} (${list.length} snapshots)`);
    let doneSnapshots = 0;
    for (const s of list.sort((a, b) => b.time - a.time)) {
      const r = verifySnapshot(ds, s, upid);
      log.push(...r.log);
      if (!r.ok) failed.push(s);
      doneSnapshots++;
      log.push(`percentage done: ${storeProgress({ doneGroups, totalGroups: byGroup.size, doneSnapshots, groupSnapshots: list.length })}`);
    }
    doneGroups++;
  }
  if (failed.length > 0) {
    log.push('Failed to verify the following snapshots/groups:');
    for (const s of failed) log.push(`\t${pbsSnapshotPath(s)}`);
  }
  return { log, failed };
}

/**
 * Whether a sync job's group filters let a group through (pbs-api-types
 * GroupFilter, PBS 3.3): with include filters the group must match one, and
 * it must match no `exclude:` filter.
 */
export function groupFilterAllows(filters: readonly string[] | undefined, g: Pick<PbsSnapshot, 'type' | 'id'>): boolean {
  if (!filters || filters.length === 0) return true;
  const matches = (f: string): boolean => {
    const m = /^(type|group|regex):(.*)$/.exec(f);
    if (!m) return false;
    if (m[1] === 'type') return g.type === m[2];
    if (m[1] === 'group') return groupKey(g) === m[2];
    try {
      return new RegExp(m[2]!).test(groupKey(g));
    } catch {
      return false;
    }
  };
  const includes = filters.filter((f) => !f.startsWith('exclude:')).map((f) => f.replace(/^include:/, ''));
  const excludes = filters.filter((f) => f.startsWith('exclude:')).map((f) => f.slice('exclude:'.length));
  return (includes.length === 0 || includes.some(matches)) && !excludes.some(matches);
}

/** Pulls new snapshots of every group the filters let through from a remote datastore (newer than the newest local one). */
export function pullSync(src: PbsDatastore, dst: PbsDatastore, owner: string, jobWorkerId: string, groupFilter?: readonly string[]): { log: string[]; copied: number } {
  const log = [`Starting datastore sync job '${jobWorkerId}'`, `sync datastore '${dst.name}' from '${jobWorkerId.split(':')[0]}/${src.name}'`, '----'];
  log.push(`Syncing datastore '${src.name}', root namespace into datastore '${dst.name}', root namespace`);
  const all = groups(src);
  const srcGroups = new Map([...all].filter(([, [first]]) => groupFilterAllows(groupFilter, first!)));
  const dstGroups = groups(dst);
  log.push(groupFilter && groupFilter.length > 0 ? `found ${srcGroups.size} groups to sync (out of ${all.size} total)` : `found ${srcGroups.size} groups to sync`);
  let copied = 0;
  for (const [g, list] of srcGroups) {
    const newest = Math.max(-Infinity, ...(dstGroups.get(g) ?? []).map((s) => s.time));
    for (const s of list.filter((x) => !x.partial && x.time > newest).sort((a, b) => a.time - b.time)) {
      const { verification: _v, corrupt: _c, ...rest } = s;
      addSnapshot(dst, { ...rest, files: s.files.map((f) => ({ ...f })), owner, protected: false });
      log.push(`sync snapshot ${pbsSnapshotPath(s)}`);
      for (const f of s.files) log.push(`sync archive ${f.filename}`);
      log.push(`downloaded ${binaryUnits(pbsSnapshotSize(s) * 0.04, 2)} (${(30 + (s.time % 40)).toFixed(1)} MiB/s)`);
      copied++;
    }
    log.push(`sync group ${g} done`);
  }
  log.push(`Finished syncing namespace , current progress: ${srcGroups.size} groups, 0 snapshots`, `sync job '${jobWorkerId}' end`);
  return { log, copied };
}

/** Prunes one group; returns every snapshot with its verdict, newest first. */
export function pruneGroup(
  ds: PbsDatastore,
  group: string,
  keep: KeepOptions,
  timeZone: string,
  dryRun: boolean,
): { snapshot: PbsSnapshot; keep: boolean }[] {
  const list = ds.snapshots.filter((s) => groupKey(s) === group);
  const plan = planPrune(list, keep, 'pbs', timeZone);
  if (!dryRun) for (const s of plan.remove) removeSnapshot(ds, s);
  return [...plan.keep.map((s) => ({ snapshot: s, keep: true })), ...plan.remove.map((s) => ({ snapshot: s, keep: false }))].sort(
    (a, b) => b.snapshot.time - a.snapshot.time,
  );
}

/** Garbage collection: frees what pruned snapshots left behind; returns the log. */
export function garbageCollect(ds: PbsDatastore, upid: string): string[] {
  const index = ds.snapshots.reduce((n, s) => n + pbsSnapshotSize(s), 0);
  const onDisk = Math.min(ds.used, Math.max(1, Math.round(index / 6.5)));
  const removed = Math.max(0, ds.used - onDisk) > 0 ? Math.round(ds.used * 0.004) : 0;
  ds.used = Math.max(0, ds.used - removed);
  const chunks = Math.round(ds.used / (1.68 * 2 ** 20));
  ds.lastGc = {
    upid,
    'index-file-count': ds.snapshots.reduce((n, s) => n + s.files.filter((f) => /\.(f|d)idx$/.test(f.filename)).length, 0),
    'index-data-bytes': index,
    'disk-bytes': ds.used,
    'disk-chunks': chunks,
    'removed-bytes': removed,
    'removed-chunks': Math.round(removed / (1.68 * 2 ** 20)),
    'pending-bytes': 0,
    'pending-chunks': 0,
    'removed-bad': 0,
    'still-bad': 0,
  };
  return [
    `starting garbage collection on store ${ds.name}`,
    'Start GC phase1 (mark used chunks)',
    'Start GC phase2 (sweep unused chunks)',
    `Removed garbage: ${binaryUnits(removed, 2)}`,
    `Removed chunks: ${ds.lastGc['removed-chunks']}`,
    'Pending removals: 0 B (in 0 chunks)',
    `Original data usage: ${binaryUnits(index, 2)}`,
    `On-Disk usage: ${binaryUnits(ds.used, 2)} (${index ? ((100 * ds.used) / index).toFixed(2) : '0.00'}%)`,
    `On-Disk chunks: ${chunks}`,
    `Deduplication factor: ${ds.used ? (index / ds.used).toFixed(2) : '1.00'}`,
    'Average chunk size: 1.68 MiB',
  ];
}

export function snapshotByPath(ds: PbsDatastore, path: string): PbsSnapshot | undefined {
  const m = /^(vm|ct|host)\/([^/]+)\/(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)$/.exec(path);
  if (!m) return undefined;
  return ds.snapshots.find((s) => s.type === m[1] && s.id === m[2] && isoUtc(s.time) === m[3]);
}
