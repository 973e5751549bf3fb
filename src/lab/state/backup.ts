/**
 * What one guest's vzdump leaves behind, shared by live vzdump runs and the
 * generated history: an archive on a directory storage or a snapshot on a
 * PBS datastore, then the prune of that guest's older backups with the job's
 * retention, computed by the retention engine.
 */
import { addSnapshot, pruneGroup } from './pbs.js';
import {
  addArchive,
  archiveFilename,
  archiveSize,
  guestTemplate,
  PBS_FILES,
  pbsBackupType,
  pbsSnapshotPath,
  removeArchive,
} from './pve.js';
import { keepOptions, planPrune } from './retention.js';
import type { LabState, PveGuest, PveStorage, TaskGuestResult } from './types.js';

export interface GuestBackup {
  readonly guest: PveGuest;
  readonly storage: PveStorage;
  /** Epoch when this guest's backup started (names the archive). */
  readonly start: number;
  readonly seconds: number;
  readonly nodeTimeZone: string;
  readonly notesTemplate?: string;
  readonly prune?: Readonly<Record<string, string>>;
  /** 0..1, varies sizes a little between runs. */
  readonly jitter: number;
  readonly node: string;
}

export function renderNotes(template: string, g: PveGuest, node: string): string {
  return template
    .replace(/\{\{guestname\}\}/g, g.name)
    .replace(/\{\{vmid\}\}/g, String(g.vmid))
    .replace(/\{\{node\}\}/g, node)
    .replace(/\{\{cluster\}\}/g, '');
}

/** The archive or snapshot name a backup will write (for the log line before it exists). */
export function backupTarget(b: Pick<GuestBackup, 'guest' | 'storage' | 'start' | 'nodeTimeZone'>): string {
  if (b.storage.type === 'pbs') return pbsSnapshotPath({ type: pbsBackupType(b.guest.type), id: String(b.guest.vmid), time: Math.floor(b.start) });
  return archiveFilename(b.guest.type, b.guest.vmid, b.start, b.nodeTimeZone);
}

/** Writes the backup and prunes; returns the result for the task and how many were pruned. */
export function commitBackup(lab: LabState, b: GuestBackup): { result: TaskGuestResult; pruned: number } {
  const t = guestTemplate(b.guest);
  const size = archiveSize(t, b.jitter);
  const notes = b.notesTemplate ? renderNotes(b.notesTemplate, b.guest, b.node) : undefined;
  const start = Math.floor(b.start);
  let pruned = 0;
  if (b.storage.type === 'pbs' && b.storage.pbs) {
    const pbsHost = lab.hosts[b.storage.pbs.host];
    const ds = pbsHost?.pbs?.datastores[b.storage.pbs.datastore];
    if (!ds || !pbsHost) throw new Error(`datastore '${b.storage.pbs.datastore}' does not exist`);
    const type = pbsBackupType(b.guest.type);
    addSnapshot(ds, {
      type,
      id: String(b.guest.vmid),
      time: start,
      files: PBS_FILES[b.guest.type](t),
      owner: b.storage.pbs.username,
      protected: false,
      ...(notes !== undefined ? { comment: notes } : {}),
      guest: t,
    });
    if (b.prune) {
      const verdicts = pruneGroup(ds, `${type}/${b.guest.vmid}`, keepOptions(b.prune), pbsHost.timeZone, false);
      pruned = verdicts.filter((v) => !v.keep).length;
    }
    return { result: { vmid: b.guest.vmid, ok: true, target: backupTarget(b), sizeBytes: size, seconds: b.seconds }, pruned };
  }
  const filename = archiveFilename(b.guest.type, b.guest.vmid, start, b.nodeTimeZone);
  addArchive(b.storage, {
    filename,
    vmid: b.guest.vmid,
    subtype: b.guest.type,
    format: b.guest.type === 'qemu' ? 'vma.zst' : 'tar.zst',
    size,
    ctime: start,
    ...(notes !== undefined ? { notes } : {}),
    guest: t,
  });
  if (b.prune) {
    const mine = (b.storage.archives ?? []).filter((a) => a.vmid === b.guest.vmid).map((a) => ({ a, time: a.ctime, ...(a.protected ? { protected: true } : {}) }));
    const plan = planPrune(mine, keepOptions(b.prune), 'pve', b.nodeTimeZone);
    for (const r of plan.remove) removeArchive(b.storage, r.a.filename);
    pruned = plan.remove.length;
  }
  return { result: { vmid: b.guest.vmid, ok: true, target: filename, sizeBytes: size, seconds: b.seconds }, pruned };
}
