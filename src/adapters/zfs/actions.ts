/**
 * ZFS actions: a snapshot, a same-host send/receive, and the pool's scrub
 * state. The pipe of a replication runs as `sh -c SCRIPT sh ARGS...`, the
 * dataset and snapshot names travelling as positional parameters, never
 * pasted into the script. POSIX sh (dash) has no pipefail, so the pipe's
 * status is recv's alone: the plan confirms afterwards, with the target's own
 * snapshot list, that the new snapshot arrived.
 */
import { err, ok, type Result } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { excerpt } from '../shared/json.js';
import { exitFailure } from '../shared/failure.js';
import { checkDataset } from './commands.js';

const SNAP = /^[A-Za-z0-9_.:-]+$/;

/** `strata_2024-01-31_02:00:01` in UTC (ZFS allows `:` in names; sanoid uses the same shape). */
export function strataSnapshotName(epochSeconds: number): string {
  const iso = new Date(Math.floor(epochSeconds) * 1000).toISOString();
  return `strata_${iso.slice(0, 10)}_${iso.slice(11, 19)}`;
}

// A name Strata makes is held to ZFS's own rules; a name read back from the host
// is taken as the host wrote it (tools differ: syncoid's carry a `+` offset).
const EXISTING_SNAP = /^[^@/\0\n]+$/;

function snapshotRef(dataset: string, snapshot: string, existing = false): string {
  if (!(existing ? EXISTING_SNAP : SNAP).test(snapshot)) throw new TypeError(`not a ZFS snapshot name: ${JSON.stringify(snapshot)}`);
  return `${checkDataset(dataset)}@${snapshot}`;
}

/** `zfs snapshot DATASET@NAME` */
export const zfsSnapshotCommand = (dataset: string, snapshot: string): Command => ({
  argv: ['zfs', 'snapshot', snapshotRef(dataset, snapshot)],
});

// -I, not -i: every snapshot taken on the source since the common one goes along (as syncoid
// sends), so a snapshot made between two replications is on the target too, not only the newest.
export const INCREMENTAL_PIPE = 'zfs send -I "$1" "$2" | zfs recv -F "$3"';
export const FULL_PIPE = 'zfs send "$1" | zfs recv -F "$2"';

/**
 * Same-host replication of `source@snapshot` to `target`: incremental from
 * `source@from` when both sides share it (with every snapshot in between),
 * else a full stream.
 */
export function zfsSendRecvCommand(p: { source: string; snapshot: string; target: string; from?: string }): Command {
  const to = snapshotRef(p.source, p.snapshot);
  const target = checkDataset(p.target);
  if (p.from !== undefined) return { argv: ['sh', '-c', INCREMENTAL_PIPE, 'sh', snapshotRef(p.source, p.from, true), to, target] };
  return { argv: ['sh', '-c', FULL_PIPE, 'sh', to, target] };
}

/** `zpool status POOL` in UTC and the C locale, so the scan line's date reads back exactly. */
export function zpoolStatusPoolCommand(pool: string): Command {
  if (!/^[A-Za-z][A-Za-z0-9_.:-]*$/.test(pool)) throw new TypeError(`not a pool name: ${JSON.stringify(pool)}`);
  return { argv: ['zpool', 'status', pool], env: { LC_ALL: 'C', TZ: 'UTC' } };
}

export type ScanKind = 'none' | 'scrubbed' | 'scrubbing' | 'scrub-canceled' | 'scrub-paused' | 'resilver';

export interface PoolScan {
  readonly pool: string;
  readonly state: string;
  readonly scan: ScanKind;
  /** The scan line as printed, for the operator. */
  readonly text: string;
  /** Errors the last finished scrub found. */
  readonly scrubErrors?: number;
  /** When the last scrub ended (or the scan event's time), epoch seconds. */
  readonly atSec?: number;
  /** From `errors:`: 0 for "No known data errors". */
  readonly dataErrors: number | null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** ctime(3) in UTC: `Sun Jan  1 02:00:01 2024`. */
export function parseCtime(text: string): number | undefined {
  const m = /(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})/.exec(text);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1]!);
  if (month < 0) return undefined;
  return Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) / 1000;
}

/**
 * The `scan:` line of `zpool status POOL` (OpenZFS), or `scrub:` (zfs-fuse and
 * old Solaris-derived ZFS). Every known wording is read; anything else is a
 * parse error rather than a guess.
 */
export function parsePoolScan(stdout: string, stderr: string, exitCode: number): Result<PoolScan> {
  if (exitCode !== 0) {
    const kind = /no such pool/i.test(stderr) ? 'not-found' : 'command-failed';
    return exitFailure('zpool status', exitCode, stderr, kind);
  }
  const pool = /^\s*pool: (\S+)/m.exec(stdout)?.[1];
  const state = /^\s*state: (\S+)/m.exec(stdout)?.[1];
  const scanMatch = /^\s*(?:scan|scrub): (.+)$/m.exec(stdout);
  if (!pool || !state || !scanMatch) return err('parse', `zpool status: no pool/state/scan lines (${excerpt(stdout) || 'no output'})`);
  const text = scanMatch[1]!.trim();
  const errorsLine = /^errors: (.+)$/m.exec(stdout)?.[1];
  const dataErrors = errorsLine === undefined ? null : /^No known data errors/i.test(errorsLine) ? 0 : Number(/^(\d+) data errors?/i.exec(errorsLine)?.[1] ?? NaN);
  const base = { pool, state, text, dataErrors: dataErrors !== null && Number.isNaN(dataErrors) ? null : dataErrors };
  const at = parseCtime(text);
  const withAt = at !== undefined ? { atSec: at } : {};
  let m: RegExpExecArray | null;
  if (/^none requested/.test(text)) return ok({ ...base, scan: 'none' });
  if ((m = /^scrub repaired \S+ in .+? with (\d+) errors on /.exec(text)) || (m = /^scrub completed after .+? with (\d+) errors on /.exec(text))) {
    if (at === undefined) return err('parse', `zpool status: cannot read the date of "${excerpt(text)}"`);
    return ok({ ...base, scan: 'scrubbed', scrubErrors: Number(m[1]), atSec: at });
  }
  if (/^scrub in progress/.test(text)) return ok({ ...base, scan: 'scrubbing', ...withAt });
  if (/^scrub (canceled|stopped)/.test(text)) return ok({ ...base, scan: 'scrub-canceled', ...withAt });
  if (/^scrub paused/.test(text)) return ok({ ...base, scan: 'scrub-paused', ...withAt });
  if (/^resilver/.test(text)) return ok({ ...base, scan: 'resilver', ...withAt });
  return err('parse', `zpool status: unknown scan line "${excerpt(text)}"`);
}
