/**
 * Restoring a guest from a vzdump archive or a PBS snapshot (restore-formats
 * §2.1), and the id a new guest gets. Both restore commands run their task in
 * the foreground and stream its log on stdout (read it with restoreFold).
 */
import type { Command } from '../../transport/command.js';
import { pveshGet } from './commands.js';
import { checkArchive, checkGuestId, checkStorage, onFlag } from './names.js';

export interface QmrestoreOptions {
  readonly archive: string;
  readonly vmid: number;
  /** Without it each disk goes back to the storage named in the backup (`local` if none). */
  readonly storage?: string;
  /** Overwrites an existing VM: its disks that the backup also holds are freed first. */
  readonly force?: boolean;
  /** New MAC addresses (for a copy next to a still running original). */
  readonly unique?: boolean;
  readonly start?: boolean;
  /** PBS archives only: start at once and restore in the background. */
  readonly liveRestore?: boolean;
}

/** `qmrestore ARCHIVE VMID [--storage S] [--force 1] [--unique 1] [--live-restore 1] [--start 1]` */
export function qmrestoreCommand(o: QmrestoreOptions): Command {
  return {
    argv: [
      'qmrestore',
      checkArchive(o.archive),
      String(checkGuestId(o.vmid)),
      ...(o.storage !== undefined ? ['--storage', checkStorage(o.storage)] : []),
      ...onFlag('force', o.force),
      ...onFlag('unique', o.unique),
      ...onFlag('live-restore', o.liveRestore),
      ...onFlag('start', o.start),
    ],
  };
}

export interface PctRestoreOptions {
  readonly vmid: number;
  readonly archive: string;
  /** pct restore puts every volume on `local` when this is left out, whatever the backup said. */
  readonly storage?: string;
  /** Destroys the existing container's volumes before extracting. */
  readonly force?: boolean;
  readonly unique?: boolean;
  readonly start?: boolean;
  /** Defaults to the backup's own value. */
  readonly unprivileged?: boolean;
}

/** `pct restore CTID ARCHIVE [--storage S] [--force 1] [--unique 1] [--unprivileged 0|1] [--start 1]` */
export function pctRestoreCommand(o: PctRestoreOptions): Command {
  return {
    argv: [
      'pct',
      'restore',
      String(checkGuestId(o.vmid)),
      checkArchive(o.archive),
      ...(o.storage !== undefined ? ['--storage', checkStorage(o.storage)] : []),
      ...onFlag('force', o.force),
      ...onFlag('unique', o.unique),
      ...(o.unprivileged !== undefined ? ['--unprivileged', o.unprivileged ? '1' : '0'] : []),
      ...onFlag('start', o.start),
    ],
  };
}

/**
 * `pvesh get /cluster/nextid [--vmid N]`: the first free id of the
 * datacenter's range, or whether N is free (a taken N is refused).
 */
export function nextIdCommand(vmid?: number): Command {
  return pveshGet('/cluster/nextid', vmid === undefined ? [] : ['--vmid', String(checkGuestId(vmid))]);
}
