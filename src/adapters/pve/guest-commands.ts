/**
 * What a restore does to a guest besides restoring it (restore-formats §1,
 * §2; cli-formats §1): roll back to a snapshot, clone one, cut a copy off the
 * network, start, check, destroy, and read its config and its tasks.
 */
import type { Command } from '../../transport/command.js';
import { pveshGet, type GuestType } from './commands.js';
import { checkDnsName, checkGuestId, checkNetIndex, checkNode, checkSnapshotName, checkStorage, guestCli, onFlag } from './names.js';

/**
 * `qm|pct rollback ID SNAP [--start 1]`. On ZFS (and other storages whose
 * rollback loses newer snapshots) PVE refuses anything but the newest
 * snapshot; newer snapshots are never removed from the config.
 */
export function rollbackCommand(type: GuestType, vmid: number, snapshot: string, o: { start?: boolean } = {}): Command {
  return { argv: [guestCli(type), 'rollback', String(checkGuestId(vmid)), checkSnapshotName(snapshot), ...onFlag('start', o.start)] };
}

export interface CloneOptions {
  /** Clone the state of this snapshot instead of the current one. */
  readonly snapshot?: string;
  /** `--name` (qm) or `--hostname` (pct) of the new guest. */
  readonly name?: string;
  /**
   * Full copy (1) or linked clone (0). Both tools default to full for a normal
   * guest and linked for a template. ZFS pools offer neither from a snapshot
   * (pve-storage ZFSPoolPlugin: `copy` and `clone` lack `snap`); LVM-thin both.
   */
  readonly full?: boolean;
  /** Target storage of a full clone (refused for linked clones). */
  readonly storage?: string;
}

/**
 * `qm clone ID NEWID [--snapname S] [--name N] [--full 0|1] [--storage S]`,
 * `pct clone ID NEWID [--snapname S] [--hostname N] [--full 0|1] [--storage S]`
 * (pve-container clone_vm also takes --description, --pool, --target and
 * --bwlimit, but no --format; a full clone of a running CT needs a snapshot).
 */
export function cloneCommand(type: GuestType, vmid: number, newId: number, o: CloneOptions = {}): Command {
  const source = checkGuestId(vmid);
  if (checkGuestId(newId) === source) throw new TypeError(`a clone needs a new id, got ${newId} twice`);
  return {
    argv: [
      guestCli(type),
      'clone',
      String(source),
      String(newId),
      ...(o.snapshot !== undefined ? ['--snapname', checkSnapshotName(o.snapshot)] : []),
      ...(o.name !== undefined ? [type === 'lxc' ? '--hostname' : '--name', checkDnsName(o.name)] : []),
      ...(o.full !== undefined ? ['--full', o.full ? '1' : '0'] : []),
      ...(o.storage !== undefined ? ['--storage', checkStorage(o.storage)] : []),
    ],
  };
}

/**
 * A netN value with `link_down=1` set and every other property kept as it
 * was (a MAC, a bridge or a VLAN tag dropped here would change the guest).
 */
export function withLinkDown(value: string): string {
  const parts = value.split(',').filter((p) => p !== '');
  if (parts.length === 0 || /[\s\0]/.test(value)) throw new TypeError(`not a netN value: ${JSON.stringify(value)}`);
  const kept = parts.filter((p) => !/^link_down=/.test(p));
  return [...kept, 'link_down=1'].join(',');
}

/**
 * `qm set ID --netN VALUE,link_down=1` (pct set takes the same property):
 * the interface stays, its link is cut. The whole current value must be read
 * first (guestConfigCommand) because `--netN` replaces it.
 */
export function setLinkDownCommand(type: GuestType, vmid: number, index: number, currentValue: string): Command {
  return { argv: [guestCli(type), 'set', String(checkGuestId(vmid)), `--net${checkNetIndex(index)}`, withLinkDown(currentValue)] };
}

export const startCommand = (type: GuestType, vmid: number): Command => ({ argv: [guestCli(type), 'start', String(checkGuestId(vmid))] });

/** `qm status ID` / `pct status ID`: `status: running|stopped`. */
export const statusCommand = (type: GuestType, vmid: number): Command => ({ argv: [guestCli(type), 'status', String(checkGuestId(vmid))] });

/** `qm guest cmd ID ping`: exit 0 and no output when the QEMU guest agent answers. */
export const agentPingCommand = (vmid: number): Command => ({ argv: ['qm', 'guest', 'cmd', String(checkGuestId(vmid)), 'ping'] });

/**
 * `qm|pct destroy ID [--purge 1]`: removes the guest and its disks; `--purge`
 * also drops it from backup and replication jobs. PVE refuses a running or a
 * protected guest.
 */
export function destroyCommand(type: GuestType, vmid: number, o: { purge?: boolean } = {}): Command {
  return { argv: [guestCli(type), 'destroy', String(checkGuestId(vmid)), ...onFlag('purge', o.purge)] };
}

/** `pvesh get /nodes/{node}/{qemu|lxc}/{vmid}/config --output-format json`: the current config (not pending). */
export const guestConfigCommand = (node: string, type: GuestType, vmid: number): Command =>
  pveshGet(`/nodes/${checkNode(node)}/${type === 'lxc' ? 'lxc' : 'qemu'}/${checkGuestId(vmid)}/config`);

/** A UPID as PVE writes it (cli-formats §1.8). */
const UPID = /^UPID:[A-Za-z0-9.-]+:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:[a-z0-9_]+:[^:/\s]*:[^:/\s]+:$/;

function checkUpid(upid: string): string {
  if (!UPID.test(upid)) throw new TypeError(`not a UPID: ${JSON.stringify(upid)}`);
  return upid;
}

/** `pvesh get /nodes/{node}/tasks/{upid}/status`: running or stopped, and the exit status once stopped. */
export const taskStatusCommand = (node: string, upid: string): Command => pveshGet(`/nodes/${checkNode(node)}/tasks/${checkUpid(upid)}/status`);

/**
 * `pvesh get /nodes/{node}/tasks/{upid}/log --start N --limit M`. The API
 * returns 50 lines unless told otherwise, so the limit is always given.
 */
export function taskLogCommand(node: string, upid: string, o: { start?: number; limit?: number } = {}): Command {
  const start = o.start ?? 0;
  const limit = o.limit ?? 5000;
  if (!Number.isInteger(start) || start < 0 || !Number.isInteger(limit) || limit < 1) throw new TypeError(`not a log window: start ${start}, limit ${limit}`);
  return pveshGet(`/nodes/${checkNode(node)}/tasks/${checkUpid(upid)}/log`, ['--start', String(start), '--limit', String(limit)]);
}
