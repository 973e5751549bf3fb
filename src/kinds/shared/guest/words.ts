/**
 * What PVE's refusals and a failed restore's leftovers mean for the
 * operator, in words that say what to do (restore-formats §1, §2.2, §2.3).
 */
import type { Refusal } from '../../../adapters/pve/refusals.js';
import type { RestoreLeftover } from '../../../adapters/pve/restore-progress.js';

export type GuestType = 'qemu' | 'lxc';

export const noun = (type: GuestType) => (type === 'lxc' ? 'CT' : 'VM');
export const cli = (type: GuestType) => (type === 'lxc' ? 'pct' : 'qm');

/** A refusal in the tool's words, then what it means and what to do. */
export function explainRefusal(r: Refusal, type: GuestType, vmid: number): string {
  const n = `${noun(type)} ${vmid}`;
  const why = (() => {
    switch (r.reason.kind) {
      case 'vmid-exists':
        return `id ${r.reason.vmid} is taken on ${r.reason.node}: restore to a new VMID, or choose the original as target (--force, typed confirmation)`;
      case 'running':
        return `${n} is running: PVE does not overwrite a running guest; stop it first (${cli(type)} stop ${vmid}) or restore to a new VMID`;
      case 'locked':
        return `${n} is locked (${r.reason.lock}): wait for that task to end, or clear a stale lock (${cli(type)} unlock ${vmid}) once you know it is stale`;
      case 'lock-timeout':
        return `${n}'s config lock is held by another task: try again when it ends`;
      case 'protected':
        return `${n} has protection set: remove it first (${cli(type)} set ${vmid} --protection 0) if it really is to be overwritten`;
      case 'template':
        return `${n} is a template`;
      case 'storage-missing':
        return `storage ${r.reason.storage} does not exist on the node: choose another with --storage`;
      case 'content-type-unavailable':
        return `storage ${r.reason.storage} does not hold ${r.reason.content}: choose a storage that does`;
      case 'storage-unreachable':
        return 'the PBS storage cannot be reached from the node: check the PBS host and its storage entry';
      case 'no-quorum':
        return 'the cluster has no quorum: /etc/pve is read-only until it does';
      case 'snapshot-missing':
        return `snapshot ${r.reason.snapshot} does not exist (any more)`;
      case 'snapshot-not-newest':
        return `on this storage PVE rolls back only to the newest snapshot (${r.reason.volume}): clone the snapshot to a new guest instead, or delete the newer snapshots first`;
      case 'snapshot-incomplete':
        return `the snapshot is incomplete (snapstate ${r.reason.snapstate})`;
      case 'clone-unsupported':
        return `the storage of ${r.reason.volume} cannot make a ${r.reason.mode} clone from a snapshot (ZFS cannot): roll back instead, or restore a backup to a new guest`;
      case 'live-restore-pbs-only':
        return 'live restore works only from a PBS snapshot';
      case 'guest-missing':
        return `${n} does not exist`;
      case 'unknown-option':
        return `the tool does not know the option ${r.reason.option} (an older PVE?)`;
      case 'invalid-parameter':
        return `${r.reason.parameter}: ${r.reason.problem}`;
    }
  })();
  return `${r.message} — ${why}`;
}

/** What a failed restore left, and what to do; null when nothing is left. */
export function leftoverText(leftover: RestoreLeftover, o: { readonly type: GuestType; readonly vmid: number; readonly overwrites: boolean; readonly assetId: string }): string | null {
  const n = `${noun(o.type)} ${o.vmid}`;
  switch (leftover) {
    case 'none':
      return null;
    case 'stub-config':
      return o.overwrites
        ? `${n} is now a stub config (memory 128, no disks): qmrestore --force freed the disks the backup also held and deleted the snapshots before the failure; disks not in the backup stay as unusedN. Restore it again from a good point (strata restore --asset ${o.assetId} --to original), or remove the stub (qm destroy ${o.vmid}).`
        : `a stub config of ${n} is left (no disks): Strata's clean-up removes it (qm destroy ${o.vmid}); if that did not run, remove it by hand.`;
    case 'config-needs-review':
      return `the disks of ${n} were restored but its config was not finished: review it (qm config ${o.vmid}) before starting it.`;
    case 'guest-removed':
      return o.overwrites
        ? `${n} is gone: pct restore --force destroyed its old volumes before extracting and removed the container when extraction failed. Restore it again from another point.`
        : `nothing is left: pct restore removed the volumes and config it had created.`;
  }
}
