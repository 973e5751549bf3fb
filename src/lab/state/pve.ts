/**
 * Proxmox VE state operations shared by pvesh, qm/pct, vzdump and the history:
 * archive names, backup content of a storage (directory or PBS), job
 * selection, tasks and their logs.
 */
import { isoUtc, localParts, strftime } from './clock.js';
import { pveUpid } from './ids.js';
import type {
  GuestTemplate,
  LabState,
  PbsSnapshot,
  PveBackupJob,
  PveGuest,
  PveState,
  PveStorage,
  PveTask,
  TaskGuestResult,
  VzdumpArchive,
} from './types.js';
import { binaryUnits, hms } from '../tools/format.js';
import { templateOf } from './guest-config.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** `vzdump-qemu-100-2024_01_31-02_00_01.vma.zst`, node local time. */
export function archiveFilename(type: 'qemu' | 'lxc', vmid: number, epoch: number, timeZone: string): string {
  const p = localParts(epoch, timeZone);
  const stamp = `${p.year}_${pad(p.month)}_${pad(p.day)}-${pad(p.hour)}_${pad(p.minute)}_${pad(p.second)}`;
  return `vzdump-${type}-${vmid}-${stamp}.${type === 'qemu' ? 'vma' : 'tar'}.zst`;
}

export const guestTemplate = (g: PveGuest): GuestTemplate => templateOf(g);

/** Compressed size of a full backup of the guest (zstd on typical data). */
export function archiveSize(g: Pick<GuestTemplate, 'usedDisk'>, jitter: number): number {
  return Math.round(g.usedDisk * (0.42 + 0.04 * jitter));
}

export const PBS_FILES = {
  qemu: (g: GuestTemplate) => [
    { filename: 'qemu-server.conf.blob', size: 452, cryptMode: 'none' as const },
    ...g.disks.filter((d) => !d.key.startsWith('unused')).map((d) => ({ filename: `drive-${d.key}.img.fidx`, size: d.size, cryptMode: 'none' as const })),
    { filename: 'index.json.blob', size: 520, cryptMode: 'none' as const },
    { filename: 'client.log.blob', size: 1024 + (g.maxdisk % 997), cryptMode: 'none' as const },
  ],
  lxc: (g: GuestTemplate) => [
    { filename: 'pct.conf.blob', size: 310, cryptMode: 'none' as const },
    { filename: 'root.pxar.didx', size: g.usedDisk, cryptMode: 'none' as const },
    { filename: 'catalog.pcat1.didx', size: Math.round(g.usedDisk / 2000), cryptMode: 'none' as const },
    { filename: 'index.json.blob', size: 470, cryptMode: 'none' as const },
    { filename: 'client.log.blob', size: 900, cryptMode: 'none' as const },
  ],
};

export function pbsBackupType(t: 'qemu' | 'lxc'): 'vm' | 'ct' {
  return t === 'qemu' ? 'vm' : 'ct';
}

/** PBS snapshot path `vm/100/2024-01-31T02:00:01Z`. */
export function pbsSnapshotPath(s: Pick<PbsSnapshot, 'type' | 'id' | 'time'>): string {
  return `${s.type}/${s.id}/${isoUtc(s.time)}`;
}

export function pbsSnapshotSize(s: PbsSnapshot): number {
  return s.files.reduce((n, f) => n + f.size, 0);
}

export interface ContentEntry {
  volid: string;
  content: 'backup';
  ctime: number;
  format: string;
  size: number;
  subtype: 'qemu' | 'lxc';
  vmid: number;
  notes?: string;
  protected?: 1;
  verification?: { state: string; upid: string };
}

/** The backup content of a storage as `pvesh .../content --content backup` lists it. */
export function backupContent(lab: LabState, storage: PveStorage): ContentEntry[] | { error: string } {
  if (storage.type === 'dir') {
    return (storage.archives ?? []).map((a) => ({
      volid: `${storage.id}:backup/${a.filename}`,
      content: 'backup',
      ctime: a.ctime,
      format: a.format,
      size: a.size,
      subtype: a.subtype,
      vmid: a.vmid,
      ...(a.notes !== undefined ? { notes: a.notes } : {}),
      ...(a.protected ? { protected: 1 as const } : {}),
    }));
  }
  if (storage.type === 'pbs' && storage.pbs) {
    const ds = lab.hosts[storage.pbs.host]?.pbs?.datastores[storage.pbs.datastore];
    if (!ds) return { error: `datastore '${storage.pbs.datastore}' does not exist` };
    return ds.snapshots
      .filter((s) => (s.type === 'vm' || s.type === 'ct') && !s.partial)
      .map((s) => ({
        volid: `${storage.id}:backup/${pbsSnapshotPath(s)}`,
        content: 'backup' as const,
        ctime: s.time,
        format: s.type === 'vm' ? 'pbs-vm' : 'pbs-ct',
        size: pbsSnapshotSize(s),
        subtype: s.type === 'vm' ? ('qemu' as const) : ('lxc' as const),
        vmid: Number(s.id),
        ...(s.comment !== undefined ? { notes: s.comment } : {}),
        ...(s.protected ? { protected: 1 as const } : {}),
        ...(s.verification ? { verification: { state: s.verification.state, upid: s.verification.upid } } : {}),
      }));
  }
  return [];
}

function idList(text: string | undefined): number[] {
  return (text ?? '')
    .split(/[,;\s]+/)
    .filter((s) => s !== '')
    .map(Number);
}

/** Guests a backup job selects on this node. */
export function jobGuests(job: PveBackupJob, pve: PveState): PveGuest[] {
  const all = Object.values(pve.guests).sort((a, b) => a.vmid - b.vmid);
  if (job.all) {
    const excluded = new Set(idList(job.exclude));
    return all.filter((g) => !excluded.has(g.vmid));
  }
  const wanted = new Set(idList(job.vmid));
  return all.filter((g) => wanted.has(g.vmid));
}

/** Guests no job covers (`/cluster/backup-info/not-backed-up`). */
export function notBackedUp(pve: PveState): PveGuest[] {
  const covered = new Set<number>();
  for (const job of pve.backupJobs) for (const g of jobGuests(job, pve)) covered.add(g.vmid);
  return Object.values(pve.guests)
    .filter((g) => !covered.has(g.vmid))
    .sort((a, b) => a.vmid - b.vmid);
}

export function newTask(
  pve: PveState,
  t: { pid: number; starttime: number; type: string; id: string; user?: string },
): PveTask {
  const pstart = 1_000_000 + ((t.pid * 7919) % 8_000_000);
  const task: PveTask = {
    upid: pveUpid({ node: pve.node, pid: t.pid, pstart, starttime: Math.floor(t.starttime), type: t.type, id: t.id, user: t.user ?? 'root@pam' }),
    node: pve.node,
    pid: t.pid,
    pstart,
    starttime: Math.floor(t.starttime),
    type: t.type,
    id: t.id,
    user: t.user ?? 'root@pam',
  };
  pve.tasks.push(task);
  // The task index is rotated like /var/log/pve/tasks/index (about a thousand entries).
  if (pve.tasks.length > 1200) pve.tasks.splice(0, pve.tasks.length - 1000);
  return task;
}

/** The command line a vzdump run logs first. */
export function vzdumpCommandLine(
  sel: { vmids?: number[]; all?: boolean; exclude?: string },
  job: Pick<PveBackupJob, 'storage' | 'mode' | 'compress' | 'prune-backups' | 'notes-template'>,
): string {
  const parts = ['vzdump'];
  if (sel.all) parts.push('--all', '1');
  else if (sel.vmids) parts.push(...sel.vmids.map(String));
  parts.push('--storage', job.storage, '--mode', job.mode, '--compress', job.compress);
  if (sel.all && sel.exclude) parts.push('--exclude', sel.exclude);
  if (job['notes-template']) parts.push('--notes-template', `'${job['notes-template']}'`);
  const prune = job['prune-backups'];
  if (prune) parts.push('--prune-backups', `'${Object.entries(prune).map(([k, v]) => `${k}=${v}`).join(',')}'`);
  return parts.join(' ');
}

export interface GuestLogInput {
  guest: Pick<PveGuest, 'vmid' | 'type' | 'name' | 'maxdisk' | 'disks'> & { status?: string };
  storage: PveStorage;
  start: number;
  timeZone: string;
  result: TaskGuestResult;
  prune?: Record<string, string>;
  /** How many older backups the prune removed. */
  pruned?: number;
  /** Progress lines wanted (live runs show more). */
  progressSteps: number;
}

/** The log lines of one guest in a vzdump run (as the CLI prints them and the task log keeps them). */
export function vzdumpGuestLines(x: GuestLogInput): { head: string[]; progress: string[]; tail: string[] } {
  const { guest, storage, start, result } = x;
  const when = (t: number) => strftime('%Y-%m-%d %H:%M:%S', t, x.timeZone);
  const kind = guest.type === 'qemu' ? 'qemu' : 'lxc';
  const head = [
    `INFO: Starting Backup of VM ${guest.vmid} (${kind})`,
    `INFO: Backup started at ${when(start)}`,
    `INFO: status = ${guest.status ?? 'running'}`,
  ];
  if (guest.type === 'qemu') {
    head.push(`INFO: VM Name: ${guest.name}`, ...guest.disks.filter((d) => !d.key.startsWith('unused')).map((d) => `INFO: include disk '${d.key}' '${d.volume}' ${Math.round(d.size / 2 ** 30)}G`));
  } else {
    head.push(`INFO: CT Name: ${guest.name}`, `INFO: including mount point rootfs ('/') in backup`);
  }
  head.push(`INFO: backup mode: snapshot`, `INFO: ionice priority: 7`);
  const pbs = storage.type === 'pbs';
  const target = result.target ?? '';
  if (pbs) head.push(`INFO: creating Proxmox Backup Server archive '${target}'`);
  else head.push(`INFO: creating vzdump archive '${storage.path ?? '/var/lib/vz'}/dump/${target}'`);
  if (!result.ok) {
    return { head, progress: [], tail: [`ERROR: Backup of VM ${guest.vmid} failed - ${result.error ?? 'unknown error'}`, `INFO: Failed at ${when(start + result.seconds)}`] };
  }
  const total = guest.type === 'qemu' ? guest.disks.filter((d) => !d.key.startsWith('unused')).reduce((n, d) => n + d.size, 0) : (result.sizeBytes ?? 0) * 2;
  const progress: string[] = [];
  const steps = Math.max(1, x.progressSteps);
  for (let i = 1; i <= steps; i++) {
    const pct = Math.round((100 * i) / steps);
    const done = (total * i) / steps;
    const secs = Math.max(1, Math.round((result.seconds * i) / steps));
    progress.push(
      guest.type === 'qemu'
        ? `INFO: ${String(pct).padStart(3)}% (${binaryUnits(done)} of ${binaryUnits(total)}) in ${secs}s, read: ${binaryUnits(done / secs)}/s, write: ${binaryUnits((done / secs) * 0.9)}/s`
        : `INFO: processed ${pct}% (${binaryUnits(done)})`,
    );
  }
  const tail: string[] = [];
  if (guest.type === 'qemu') {
    if (pbs) tail.push(`INFO: backup was done incrementally, reused ${binaryUnits(total * 0.93, 2)} (93%)`);
    tail.push(`INFO: transferred ${binaryUnits(total, 2)} in ${result.seconds} seconds (${binaryUnits(total / Math.max(1, result.seconds))}/s)`);
  } else {
    tail.push(`INFO: Total bytes written: ${result.sizeBytes ?? 0} (${binaryUnits(result.sizeBytes ?? 0)}, ${binaryUnits((result.sizeBytes ?? 0) / Math.max(1, result.seconds))}/s)`);
  }
  if (!pbs) tail.push(`INFO: archive file size: ${((result.sizeBytes ?? 0) / 1e9).toFixed(2)}GB`);
  else tail.push('INFO: adding notes to backup');
  if (x.prune) {
    tail.push(`INFO: prune older backups with retention: ${Object.entries(x.prune).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    if (pbs) tail.push(`INFO: running 'proxmox-backup-client prune' for '${pbsBackupType(guest.type)}/${guest.vmid}'`);
    tail.push(`INFO: pruned ${x.pruned ?? 0} backup(s) not covered by keep-retention policy`);
  }
  tail.push(`INFO: Finished Backup of VM ${guest.vmid} (${hms(result.seconds + 4)})`);
  return { head, progress, tail };
}

/** The whole log of a finished history vzdump task, rebuilt from its per-guest results. */
export function historyVzdumpLog(pve: PveState, task: PveTask, timeZone: string): string[] {
  const storage = pve.storages[task.storage ?? ''];
  const guests = task.guests ?? [];
  const lines = [`INFO: starting new backup job: ${vzdumpCommandLine({ vmids: guests.map((g) => g.vmid) }, { storage: task.storage ?? 'local', mode: 'snapshot', compress: 'zstd' })}`];
  let t = task.starttime;
  for (const r of guests) {
    const g = pve.guests[String(r.vmid)];
    if (!g || !storage) continue;
    const parts = vzdumpGuestLines({ guest: g, storage, start: t, timeZone, result: r, progressSteps: 4 });
    lines.push(...parts.head, ...parts.progress, ...parts.tail);
    t += r.seconds + 4;
  }
  const failed = guests.some((g) => !g.ok);
  lines.push(`INFO: Backup finished at ${strftime('%Y-%m-%d %H:%M:%S', task.endtime ?? t, timeZone)}`);
  lines.push(failed ? 'INFO: Backup job finished with errors' : 'INFO: Backup job finished successfully');
  lines.push(failed ? `TASK ERROR: ${task.status ?? 'job errors'}` : 'TASK OK');
  return lines;
}

export function taskLog(pve: PveState, task: PveTask, timeZone: string): string[] {
  if (task.log) return task.log;
  if (task.type === 'vzdump' && task.guests) return historyVzdumpLog(pve, task, timeZone);
  return [task.status === undefined ? '' : task.status === 'OK' ? 'TASK OK' : `TASK ERROR: ${task.status}`].filter(Boolean);
}

/** The archive a vzdump run writes to a directory storage. */
export function addArchive(storage: PveStorage, a: VzdumpArchive): void {
  (storage.archives ??= []).push(a);
  storage.used = Math.min(storage.total, storage.used + a.size);
}

export function removeArchive(storage: PveStorage, filename: string): void {
  const list = storage.archives ?? [];
  const i = list.findIndex((a) => a.filename === filename);
  if (i >= 0) {
    storage.used = Math.max(0, storage.used - list[i]!.size);
    list.splice(i, 1);
  }
}
