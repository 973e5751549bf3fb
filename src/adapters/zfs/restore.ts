/**
 * Restores from ZFS (restore-formats §8):
 * - files: a snapshot's tree is `<mountpoint>/.zfs/snapshot/<snap>/`
 *   (OpenZFS; read-only, mounted on access, reachable with the default
 *   snapdir=hidden). zfs-fuse has no `.zfs` directory at all (not even with
 *   snapdir=visible): there the tree is read from a read-only clone
 *   (`zfs clone -o readonly=on`), destroyed afterwards. Listing and copying
 *   are adapters/files (`find`, `cp -a --parents`).
 * - a dataset: a clone (nothing destroyed, the default) or a rollback, which
 *   with `-r` destroys every newer snapshot (and bookmark) of the dataset;
 *   without `-r` it refuses and names them.
 * - from a replica: `zfs send [-I @from] REPLICA@snap | zfs recv [-F] DS`.
 *   With `-F`, OpenZFS rolls the target back and destroys its snapshots newer
 *   than the stream's origin (dmu_recv.c); zfs-fuse only rolls back to its
 *   newest snapshot and keeps newer ones. POSIX sh has no pipefail: the
 *   pipe's status is recv's, and a failed send feeds recv nothing, which
 *   zfs-fuse's recv answers with exit 0 — so send's own complaint on stderr
 *   decides, not the exit code.
 */
import { err, ok, type ProbeErrorKind, type Result } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { exitFailure, firstLine } from '../shared/failure.js';
import { excerpt } from '../shared/json.js';
import { SMALL_OUTPUT_BYTES } from '../shared/output-limits.js';
import { checkDataset, SNAPSHOT_LISTING_MAX_BYTES } from './commands.js';

// A name read back from the host is taken as it is (syncoid's carry a `+`).
const SNAP_NAME = /^[^@/\0\n]+$/;

export function checkSnapshotName(name: string): string {
  if (!SNAP_NAME.test(name) || name.startsWith('-')) throw new TypeError(`not a ZFS snapshot name: ${JSON.stringify(name)}`);
  return name;
}

const full = (dataset: string, snapshot: string) => `${checkDataset(dataset)}@${checkSnapshotName(snapshot)}`;

/** `zfs get -H -o value mountpoint DS`: where the dataset's files are (and its `.zfs`). */
export const zfsMountpointCommand = (dataset: string): Command => ({
  argv: ['zfs', 'get', '-H', '-o', 'value', 'mountpoint', checkDataset(dataset)],
  maxOutputBytes: SMALL_OUTPUT_BYTES,
});

export type Mountpoint = { readonly path: string } | { readonly none: 'none' | 'legacy' | 'volume' };

function zfsFailureKind(stderr: string): ProbeErrorKind {
  return /dataset does not exist|no such pool/i.test(stderr) ? 'not-found' : /permission denied/i.test(stderr) ? 'auth' : 'command-failed';
}

/** `/tank/data`, `none`, `legacy` (mounted by fstab: no known path), `-` (a volume). */
export function parseMountpoint(stdout: string, stderr: string, exitCode: number): Result<Mountpoint> {
  if (exitCode !== 0) return exitFailure('zfs get mountpoint', exitCode, stderr, zfsFailureKind(stderr));
  const lines = stdout.split('\n').filter((l) => l !== '');
  const v = lines[0]?.trim() ?? '';
  if (lines.length !== 1) return err('parse', `zfs get mountpoint: expected one line, got ${lines.length} (${excerpt(stdout) || 'no output'})`);
  if (v === 'none' || v === 'legacy') return ok({ none: v });
  if (v === '-') return ok({ none: 'volume' });
  if (!v.startsWith('/')) return err('parse', `zfs get mountpoint: not a path: "${excerpt(v)}"`);
  return ok({ path: v });
}

/** `<mountpoint>/.zfs/snapshot/<snap>` and a path below it. */
export function snapshotDirectory(mountpoint: string, snapshot: string, inner = '/'): string {
  const base = `${mountpoint.replace(/\/+$/, '')}/.zfs/snapshot/${checkSnapshotName(snapshot)}`;
  const rest = inner.replace(/^\/+|\/+$/g, '');
  return rest === '' ? base : `${base}/${rest}`;
}

/** A snapshot's snapshots of one dataset in creation (txg) order: `name<TAB>createtxg`. */
export const zfsSnapshotOrderCommand = (dataset: string): Command => ({
  argv: ['zfs', 'list', '-H', '-t', 'snapshot', '-o', 'name,createtxg', '-s', 'createtxg', '-d', '1', checkDataset(dataset)],
  maxOutputBytes: SNAPSHOT_LISTING_MAX_BYTES,
});

/** The dataset's own snapshot names, oldest first (txg order, which creation seconds cannot break ties of). */
export function parseSnapshotOrder(dataset: string): (stdout: string, stderr: string, exitCode: number) => Result<string[]> {
  return (stdout, stderr, exitCode) => {
    if (exitCode !== 0) return exitFailure('zfs list', exitCode, stderr, zfsFailureKind(stderr));
    const out: { name: string; txg: number }[] = [];
    for (const [i, line] of stdout.split('\n').filter((l) => l.trim() !== '').entries()) {
      const [name, txg, ...rest] = line.split('\t');
      if (rest.length > 0 || !name || !/^\d+$/.test(txg ?? '') || !name.includes('@')) {
        return err('parse', `zfs list: line ${i + 1} is not "name<TAB>createtxg": "${excerpt(line)}"`);
      }
      if (name.slice(0, name.indexOf('@')) === dataset) out.push({ name: name.slice(name.indexOf('@') + 1), txg: Number(txg) });
    }
    return ok(out.sort((a, b) => a.txg - b.txg).map((s) => s.name));
  };
}

/** What `zfs rollback -r DS@snap` destroys: every snapshot of DS after `snap` (bookmarks are not listed). */
export function newerSnapshots(ordered: readonly string[], snapshot: string): string[] | undefined {
  const i = ordered.indexOf(snapshot);
  return i < 0 ? undefined : ordered.slice(i + 1);
}

/** `zfs clone [-p] [-o readonly=on] DS@snap NEW`: nothing is destroyed; `-p` creates missing parents. */
export function zfsCloneCommand(p: { dataset: string; snapshot: string; target: string; parents?: boolean; readonly?: boolean }): Command {
  return {
    argv: ['zfs', 'clone', ...(p.parents ? ['-p'] : []), ...(p.readonly ? ['-o', 'readonly=on'] : []), full(p.dataset, p.snapshot), checkDataset(p.target)],
    maxOutputBytes: SMALL_OUTPUT_BYTES,
  };
}

/** `zfs destroy DS`: a clone made for browsing, once read (never with -r: a clone has no snapshots of its own). */
export const zfsDestroyCloneCommand = (clone: string): Command => ({ argv: ['zfs', 'destroy', checkDataset(clone)], maxOutputBytes: SMALL_OUTPUT_BYTES });

/** `zfs rollback [-r] DS@snap`: with `destroyNewer`, every newer snapshot goes (the confirmation must list them). */
export const zfsRollbackCommand = (p: { dataset: string; snapshot: string; destroyNewer: boolean }): Command => ({
  argv: ['zfs', 'rollback', ...(p.destroyNewer ? ['-r'] : []), full(p.dataset, p.snapshot)],
  maxOutputBytes: SMALL_OUTPUT_BYTES,
});

export type ZfsRefusal =
  | 'newer-snapshots'
  | 'clones'
  | 'target-exists'
  | 'target-modified'
  | 'target-has-snapshots'
  | 'no-common-snapshot'
  | 'snapshot-exists'
  | 'parent-missing'
  | 'busy'
  | 'send-failed';

export interface ZfsChangeResult {
  readonly done: boolean;
  readonly refusal?: ZfsRefusal;
  /** What stands in the way, as ZFS named it: newer snapshots (`-r`), clones (`-R`). */
  readonly blocking?: readonly string[];
  readonly error?: string;
}

/** The names ZFS lists under `use '-r' ... snapshots[ and bookmarks]:` or `use '-R' ... clones and dependents:`. */
function namesAfter(lines: readonly string[], header: RegExp): string[] {
  const i = lines.findIndex((l) => header.test(l));
  if (i < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(i + 1)) {
    if (!/^[A-Za-z0-9][^\s]*$/.test(l)) break;
    out.push(l);
  }
  return out;
}

function refusalOf(text: string): ZfsRefusal | undefined {
  if (/more recent snapshots( or bookmarks)? exist/.test(text)) return 'newer-snapshots';
  if (/clones of previous snapshots exist/.test(text)) return 'clones';
  if (/destination '?[^ ']+'? exists|must specify -F to overwrite it/.test(text)) return 'target-exists';
  if (/has been modified\s+since most recent snapshot/.test(text)) return 'target-modified';
  if (/destination has snapshots/.test(text)) return 'target-has-snapshots';
  if (/most recent snapshot of \S+ does not\s+match incremental source|incremental source \(\S+\) does not exist|destination '?\S+'? does not exist/.test(text)) return 'no-common-snapshot';
  if (/dataset already exists|already exists/.test(text)) return 'snapshot-exists';
  if (/parent does not exist|parent of '\S+' does not exist/.test(text)) return 'parent-missing';
  // Something still uses it (a shell in it; zfs-fuse for a moment after a read): try again later.
  if (/dataset is busy/.test(text)) return 'busy';
  return undefined;
}

/**
 * `zfs rollback`, `zfs clone`, `zfs destroy` and the send|recv pipe: silent
 * when they work. A refusal (newer snapshots, clones, a target that exists
 * or changed) is a result naming what blocks it; a send that failed inside
 * the pipe is a failure even when the pipe exits 0.
 */
export function parseZfsChange(tool: string, p: { pipe?: boolean } = {}): (stdout: string, stderr: string, exitCode: number) => Result<ZfsChangeResult> {
  return (_stdout, stderr, exitCode) => {
    const lines = stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    const sendFailed = p.pipe ? lines.find((l) => /^(WARNING: could not send|cannot send|cannot open '[^']+@)/.test(l)) : undefined;
    if (exitCode === 127) return exitFailure(tool, exitCode, stderr);
    if (exitCode === 0 && !sendFailed) return ok({ done: true });
    const text = lines.join('\n');
    const refusal = refusalOf(text) ?? (sendFailed ? 'send-failed' : undefined);
    if (!refusal) {
      if (/dataset does not exist|no such pool/i.test(text)) return exitFailure(tool, exitCode || 1, stderr, 'not-found');
      return exitFailure(tool, exitCode || 1, stderr, zfsFailureKind(stderr));
    }
    const blocking =
      refusal === 'newer-snapshots'
        ? namesAfter(lines, /^use '-r' to force deletion of the following/)
        : refusal === 'clones'
          ? namesAfter(lines, /^use '-R' to force deletion of the following/)
          : [];
    return ok({ done: false, refusal, ...(blocking.length > 0 ? { blocking } : {}), error: excerpt(sendFailed ?? firstLine(text), 300) });
  };
}

export const RECV_SCRIPT = {
  incremental: 'zfs send -I "$1" "$2" | zfs recv "$3"',
  incrementalForce: 'zfs send -I "$1" "$2" | zfs recv -F "$3"',
  full: 'zfs send "$1" | zfs recv "$2"',
  fullForce: 'zfs send "$1" | zfs recv -F "$2"',
} as const;

/**
 * A dataset back from its replica: `zfs send [-I REPLICA@from] REPLICA@snap |
 * zfs recv [-F] TARGET` as one `sh -c` pipe, names as positional parameters
 * (the same quoting as replication in actions.ts). `force` (-F) discards what
 * changed on the target since its newest snapshot and, on OpenZFS, its
 * snapshots newer than `from`: the confirmation must say so.
 */
export function zfsReceiveFromReplicaCommand(p: { replica: string; snapshot: string; from?: string; target: string; force: boolean }): Command {
  const to = full(p.replica, p.snapshot);
  const target = checkDataset(p.target);
  if (p.from !== undefined) {
    return { argv: ['sh', '-c', p.force ? RECV_SCRIPT.incrementalForce : RECV_SCRIPT.incremental, 'sh', full(p.replica, p.from), to, target], maxOutputBytes: SMALL_OUTPUT_BYTES };
  }
  return { argv: ['sh', '-c', p.force ? RECV_SCRIPT.fullForce : RECV_SCRIPT.full, 'sh', to, target], maxOutputBytes: SMALL_OUTPUT_BYTES };
}
