/**
 * Values a guest command carries, checked before they reach an argv: a value
 * no PVE command could take is a programming error (TypeError), caught by
 * buildCommand like every other builder's refusal.
 */
import type { GuestType } from './commands.js';

export { checkNode, checkStorage } from './commands.js';

/** pve-vmid: 100 to 999999999. */
export function checkGuestId(vmid: number): number {
  if (!Number.isInteger(vmid) || vmid < 100 || vmid > 999_999_999) throw new TypeError(`not a guest id: ${vmid}`);
  return vmid;
}

// pve-snapshot-name: ^[a-z][a-z0-9_-]+$ (case-insensitive), at most 40 characters.
const SNAPSHOT = /^[a-z][a-z0-9_-]{1,39}$/i;

export function checkSnapshotName(name: string): string {
  if (!SNAPSHOT.test(name) || name === 'current' || name === 'pending') throw new TypeError(`not a snapshot name: ${JSON.stringify(name)}`);
  return name;
}

// pve dns-name: labels of letters, digits and inner dashes.
const DNS_NAME = /^(?=.{1,255}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i;

export function checkDnsName(name: string): string {
  if (!DNS_NAME.test(name)) throw new TypeError(`not a guest name (dns-name): ${JSON.stringify(name)}`);
  return name;
}

/** netN: qemu-server and pve-container both allow 32 interfaces. */
export function checkNetIndex(index: number): number {
  if (!Number.isInteger(index) || index < 0 || index > 31) throw new TypeError(`not a network interface index: ${index}`);
  return index;
}

// A volid `storage:backup/...` or an absolute path; qmrestore takes at most 255 characters.
const VOLID = /^[a-z][a-z0-9_.-]*[a-z0-9]:[^\s]+$/i;

/** A backup archive as qmrestore/pct restore take it (never `-`: Strata does not pipe archives in). */
export function checkArchive(archive: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = archive.length > 0 && archive.length <= 255 && !/[\s\x00-\x1f\x7f]/.test(archive);
  if (!clean || !(archive.startsWith('/') || VOLID.test(archive))) throw new TypeError(`not a backup archive (volid or absolute path): ${JSON.stringify(archive)}`);
  return archive;
}

/** qm for VMs, pct for containers. */
export const guestCli = (type: GuestType): 'qm' | 'pct' => (type === 'lxc' ? 'pct' : 'qm');

/** A PVE boolean option that is off unless given: `--name 1` when on, nothing otherwise. */
export function onFlag(name: string, on: boolean | undefined): string[] {
  return on === true ? [`--${name}`, '1'] : [];
}
