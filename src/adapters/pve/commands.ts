/**
 * pvesh probes of a PVE node (DESIGN.md "Layer kinds", reference §1). Every
 * path segment is checked: an argv cannot inject shell, but a node named
 * `pve1/../..` could still point pvesh at another API path.
 */
import type { Command } from '../../transport/command.js';
import { MiB, SMALL_OUTPUT_BYTES } from '../shared/output-limits.js';

export type GuestType = 'qemu' | 'lxc';

const NODE = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
// pve-storage: [a-z][a-z0-9\-\_\.]*[a-z0-9]
const STORAGE = /^[a-z][a-z0-9_.-]*[a-z0-9]$/i;

export function checkNode(node: string): string {
  if (!NODE.test(node)) throw new TypeError(`not a PVE node name: ${JSON.stringify(node)}`);
  return node;
}

export function checkStorage(storage: string): string {
  if (!STORAGE.test(storage)) throw new TypeError(`not a PVE storage id: ${JSON.stringify(storage)}`);
  return storage;
}

function checkVmid(vmid: number): number {
  if (!Number.isInteger(vmid) || vmid < 1 || vmid > 999_999_999) throw new TypeError(`not a VMID: ${vmid}`);
  return vmid;
}

/** `pvesh get PATH [ARGS] --output-format json`, ended when it prints more than `maxOutputBytes`. */
export function pveshGet(path: string, args: readonly string[] = [], maxOutputBytes = SMALL_OUTPUT_BYTES): Command {
  return { argv: ['pvesh', 'get', path, ...args, '--output-format', 'json'], maxOutputBytes };
}

/** About 450 bytes a guest: 10,000 guests are 4.5 MB. */
const CLUSTER_RESOURCES_MAX_BYTES = 16 * MiB;
/** About 150 bytes a snapshot; a guest keeps tens, rarely hundreds. */
const GUEST_SNAPSHOTS_MAX_BYTES = 4 * MiB;
/** About 350 bytes an archive (volid, notes, verification): 20,000 archives are 7 MB. */
const STORAGE_CONTENT_MAX_BYTES = 32 * MiB;
/** A job definition with its guest list: under 1 KB each. */
const BACKUP_JOBS_MAX_BYTES = 4 * MiB;
/** About 100 bytes a guest. */
const NOT_BACKED_UP_MAX_BYTES = 4 * MiB;

export const clusterResourcesCommand = (): Command => pveshGet('/cluster/resources', ['--type', 'vm'], CLUSTER_RESOURCES_MAX_BYTES);

export const guestSnapshotsCommand = (node: string, type: GuestType, vmid: number): Command =>
  pveshGet(`/nodes/${checkNode(node)}/${type === 'lxc' ? 'lxc' : 'qemu'}/${checkVmid(vmid)}/snapshot`, [], GUEST_SNAPSHOTS_MAX_BYTES);

/** The snapshot probe with `{vmid}` left open, for `strata commands`. */
export const guestSnapshotsTemplate = (node: string, type: GuestType): Command =>
  pveshGet(`/nodes/${checkNode(node)}/${type}/{vmid}/snapshot`, [], GUEST_SNAPSHOTS_MAX_BYTES);

export const storageContentCommand = (node: string, storage: string): Command =>
  pveshGet(`/nodes/${checkNode(node)}/storage/${checkStorage(storage)}/content`, ['--content', 'backup'], STORAGE_CONTENT_MAX_BYTES);

export const backupJobsCommand = (): Command => pveshGet('/cluster/backup', [], BACKUP_JOBS_MAX_BYTES);

/** `--limit` tasks of about 300 bytes each: 15 KB for 50. */
export function vzdumpTasksCommand(node: string, limit = 50): Command {
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`not a task limit: ${limit}`);
  return pveshGet(`/nodes/${checkNode(node)}/tasks`, ['--typefilter', 'vzdump', '--limit', String(limit)]);
}

/** A UPID as PVE writes it: `UPID:node:pid:pstart:starttime:type:id:user:` (hex numbers; the id may be empty). */
const UPID = /^UPID:[A-Za-z0-9.-]+:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:[a-z0-9_]+:[^:/\s]*:[^:/\s]+:$/;

/** The first line of a task's log: for vzdump, the job's own command line (which names its storage). */
export function taskLogHeadCommand(node: string, upid: string): Command {
  if (!UPID.test(upid)) throw new TypeError(`not a UPID: ${JSON.stringify(upid)}`);
  return pveshGet(`/nodes/${checkNode(node)}/tasks/${upid}/log`, ['--limit', '1']);
}

/** The task log probe with `{upid}` left open, for `strata commands`. */
export const taskLogHeadTemplate = (node: string): Command => pveshGet(`/nodes/${checkNode(node)}/tasks/{upid}/log`, ['--limit', '1']);

export const notBackedUpCommand = (): Command => pveshGet('/cluster/backup-info/not-backed-up', [], NOT_BACKED_UP_MAX_BYTES);

export const storageStatusCommand = (node: string, storage: string): Command =>
  pveshGet(`/nodes/${checkNode(node)}/storage/${checkStorage(storage)}/status`);
