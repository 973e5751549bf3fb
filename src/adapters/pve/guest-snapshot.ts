/** `qm snapshot` / `pct snapshot` (reference §2): a guest snapshot now, named for Strata. */
import type { Command } from '../../transport/command.js';
import type { GuestType } from './commands.js';

// PVE: ^[a-z][a-z0-9_-]+$ (case-insensitive), at most 40 characters; `current`/`pending` reserved.
const NAME = /^[a-z][a-z0-9_-]{1,39}$/i;

/** `strata_20240131_020001` (UTC). */
export function guestSnapshotName(epochSeconds: number): string {
  const iso = new Date(Math.floor(epochSeconds) * 1000).toISOString();
  return `strata_${iso.slice(0, 10).replace(/-/g, '')}_${iso.slice(11, 19).replace(/:/g, '')}`;
}

export function guestSnapshotCommand(type: GuestType, vmid: number, name: string, description = 'taken by Strata'): Command {
  if (!Number.isInteger(vmid) || vmid < 100 || vmid > 999_999_999) throw new TypeError(`not a VMID: ${vmid}`);
  if (!NAME.test(name) || name === 'current' || name === 'pending') throw new TypeError(`not a snapshot name: ${JSON.stringify(name)}`);
  return { argv: [type === 'lxc' ? 'pct' : 'qm', 'snapshot', String(vmid), name, '--description', description] };
}
