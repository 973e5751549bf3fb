/**
 * The output of `qmrestore` and `pct restore` read as it streams
 * (restore-formats §0, §2.3-§2.5). The task's log arrives on stdout; the
 * error of a failed task, a refusal before the task and the warning count on
 * stderr.
 * - VMA archives: one progress stream over all disks, a line per percent.
 * - PBS snapshots: `restore proxmox backup image:` starts each disk and its
 *   progress restarts at 1 %.
 * - Containers: no percentage at all; bytes (tar's `--totals`) and time only.
 * A failure after the task began may leave what PVE calls "state NOT cleaned
 * up": a stub config (VMs) or nothing at all (containers).
 */
import { err, ok } from '../../domain/types.js';
import { exitFailure } from '../shared/failure.js';
import { excerpt } from '../shared/json.js';
import { LastLines, type LineFold } from '../shared/line-fold.js';
import { classifyRefusal, type Refusal } from './refusals.js';

export type RestoreFormat = 'vma' | 'pbs' | 'ct';

export interface RestoreProgress {
  readonly format?: RestoreFormat;
  /** VMA: the whole archive; PBS: the current disk; never set for containers. */
  readonly percent?: number;
  /** PBS: the disk being written, 1-based, of `count` (known once the volumes are allocated). */
  readonly disk?: { readonly index: number; readonly name: string; readonly count?: number };
  readonly disksDone: number;
  /** Bytes read so far over every disk (containers: tar's total, at the end). */
  readonly bytesRead: number;
  /** PBS: zero bytes skipped so far. */
  readonly zeroBytes?: number;
  /** VMA: size of every device of the archive (its `DEV:` lines). */
  readonly totalBytes?: number;
  /** Seconds as the tool counts them (VMA: since the start; PBS: of the current disk). */
  readonly durationSec?: number;
}

export interface RestoredDisk {
  /** `drive-scsi0` */
  readonly name: string;
  readonly sizeBytes?: number;
  readonly bytesRead: number;
  readonly zeroBytes?: number;
  readonly durationSec?: number;
  readonly complete: boolean;
}

/**
 * What a failed restore left behind:
 * - `stub-config`: the VM's config is a stub (`memory: 128` or empty), its new volumes freed;
 *   with --force the old disks the backup also held are gone too;
 * - `config-needs-review`: the data was restored, the config was not finished;
 * - `guest-removed`: a container's new volumes and its config were removed (with --force the
 *   old container too);
 * - `none`: nothing was changed (a refusal).
 */
export type RestoreLeftover = 'none' | 'stub-config' | 'config-needs-review' | 'guest-removed';

export interface RestoreResult {
  readonly outcome: 'restored' | 'refused' | 'failed';
  readonly format?: RestoreFormat;
  /** `new volume ID is '...'`: the volumes the restore created. */
  readonly volumes: readonly string[];
  /** Volumes the clean-up of a failed restore freed again. */
  readonly removedVolumes: readonly string[];
  readonly disks: readonly RestoredDisk[];
  readonly bytesRead: number;
  readonly warnings: readonly string[];
  /** `Task finished with N warning(s)!` */
  readonly warningCount: number;
  /** `Execute autostart` (VMs with --start). */
  readonly startRequested: boolean;
  /** The task's error (or the refusal) in the tool's words. */
  readonly error?: string;
  /** The worker's own last error line (`restore failed: ...`, `Error: ...`), often clearer than `error`. */
  readonly detail?: string;
  readonly refusal?: Refusal;
  readonly leftover: RestoreLeftover;
  /** The restore was ended by a signal. */
  readonly interrupted: boolean;
  /** Signals the clean-up ignored (`got interrupt - ignored`). */
  readonly ignoredInterrupts: number;
}

export interface RestoreFold extends LineFold<RestoreResult> {
  /** The progress so far; a new object after each line that changed it. */
  readonly progress: RestoreProgress;
}

const VMA_PROGRESS = /^progress (\d+)% \(read (\d+) bytes, duration (\d+) sec\)$/;
const PBS_PROGRESS = /^progress (\d+)% \(read (\d+) bytes, zeroes = (\d+)% \((\d+) bytes\), duration (\d+) sec\)$/;
const PBS_IMAGE = /^restore proxmox backup image: .*?\s(drive-[^\s.]+)\.img\.fidx\s/;
const PBS_IMAGE_DONE = /^restore image complete \(bytes=(\d+), duration=([\d.]+)s, speed=[\d.]+MB\/s\)$/;
const LIVE_PROGRESS = /^restore-(drive-\S+): transferred .* \(([\d.]+)%\) in \S+$/;
const DEV = /^DEV: dev_id=\d+ size: (\d+) devname: (\S+)$/;
const NEW_VOLUME = /^new volume ID is '([^']+)'$/;
const REMOVED = /^temporary volume '([^']+)' successfully removed$/;
const VMA_TOTAL = /^total bytes read (\d+), sparse bytes (\d+)/;
const TAR_TOTAL = /^Total bytes read: (\d+) /;
const NOT_CLEANED = /^error (before or during data restore|after data was restored)\b.*state is NOT cleaned up\.$/;
const TASK_WARNINGS = /^Task finished with (\d+) warning\(s\)!$/;

/** Refusals PVE checks inside the task before it changes anything: its "NOT cleaned up" is then moot. */
const CHECKED_FIRST = new Set(['running', 'protected', 'locked', 'vmid-exists']);

interface DiskState {
  name: string;
  sizeBytes?: number;
  bytesRead: number;
  zeroBytes?: number;
  durationSec?: number;
  complete: boolean;
}

/** A fold over one qmrestore or pct restore run. */
export function restoreFold(): RestoreFold {
  let format: RestoreFormat | undefined;
  let progress: RestoreProgress = { disksDone: 0, bytesRead: 0 };
  const volumes: string[] = [];
  const removed: string[] = [];
  const warnings: string[] = [];
  const devices = new Map<string, number>();
  const disks: DiskState[] = [];
  const errLines: string[] = [];
  const tail = new LastLines(5);
  let vmaBytes = 0;
  let ctBytes = 0;
  let warningCount = 0;
  let startRequested = false;
  let dataStarted = false;
  let finishedMarker = false;
  let notCleaned: 'before or during data restore' | 'after data was restored' | undefined;
  let ignored = 0;
  let detail: string | undefined;

  const current = (): DiskState | undefined => disks.at(-1);
  const doneBytes = () => disks.reduce((n, d) => n + d.bytesRead, 0);
  const update = (p: Partial<RestoreProgress>) => {
    progress = { ...progress, ...(format ? { format } : {}), ...p };
  };

  function onLine(l: string): void {
    let m: RegExpExecArray | null;
    if (l.startsWith('restore vma archive: ')) {
      format = 'vma';
      dataStarted = true;
      update({});
    } else if ((m = DEV.exec(l))) {
      devices.set(m[2]!, Number(m[1]));
      update({ totalBytes: [...devices.values()].reduce((a, b) => a + b, 0) });
    } else if ((m = NEW_VOLUME.exec(l))) {
      volumes.push(m[1]!);
    } else if ((m = PBS_IMAGE.exec(l))) {
      format = 'pbs';
      dataStarted = true;
      disks.push({ name: m[1]!, bytesRead: 0, complete: false });
      // A new disk: its progress starts again, so the last disk's percent must not linger.
      progress = {
        format,
        disk: { index: disks.length, name: m[1]!, ...(volumes.length > 0 ? { count: Math.max(volumes.length, disks.length) } : {}) },
        disksDone: disks.filter((d) => d.complete).length,
        bytesRead: doneBytes(),
        ...(progress.zeroBytes !== undefined ? { zeroBytes: progress.zeroBytes } : {}),
      };
    } else if ((m = PBS_PROGRESS.exec(l))) {
      format = 'pbs';
      const d = current() ?? (disks.push({ name: 'drive-unknown', bytesRead: 0, complete: false }), current()!);
      d.bytesRead = Number(m[2]);
      d.zeroBytes = Number(m[4]);
      d.durationSec = Number(m[5]);
      update({ percent: Number(m[1]), bytesRead: doneBytes(), zeroBytes: disks.reduce((n, x) => n + (x.zeroBytes ?? 0), 0), durationSec: Number(m[5]) });
    } else if ((m = VMA_PROGRESS.exec(l))) {
      format ??= 'vma';
      vmaBytes = Number(m[2]);
      update({ percent: Number(m[1]), bytesRead: vmaBytes, durationSec: Number(m[3]) });
    } else if ((m = PBS_IMAGE_DONE.exec(l))) {
      const d = current();
      if (d) {
        d.complete = true;
        d.bytesRead = Number(m[1]);
        d.durationSec = Number(m[2]);
      }
      update({ disksDone: disks.filter((x) => x.complete).length, bytesRead: doneBytes() });
    } else if ((m = LIVE_PROGRESS.exec(l))) {
      dataStarted = true;
      update({ percent: Number(m[2]), disk: { index: 1, name: m[1]! } });
    } else if ((m = VMA_TOTAL.exec(l))) {
      vmaBytes = Number(m[1]);
      update({ bytesRead: vmaBytes });
    } else if (l.startsWith('recovering backed-up configuration from ')) {
      format = 'ct';
      update({});
    } else if (/^restoring '.+' now\.\.$/.test(l) || l.startsWith('extracting archive ')) {
      format = 'ct';
      dataStarted = true;
      update({});
    } else if ((m = TAR_TOTAL.exec(l))) {
      ctBytes = Number(m[1]);
      update({ bytesRead: ctBytes });
    } else if (l === 'rescan volumes...' || l === 'merging backed-up and given configuration..') {
      finishedMarker = true;
    } else if (l === 'Execute autostart') {
      startRequested = true;
    } else if ((m = REMOVED.exec(l))) {
      removed.push(m[1]!);
    } else if ((m = NOT_CLEANED.exec(l))) {
      notCleaned = m[1] as typeof notCleaned;
    } else if (/^(restore failed( \(connection error\))?: |Error: )/.test(l)) {
      detail = l;
    } else if (l === 'got interrupt - ignored') {
      ignored++;
    } else if (/^(WARN|WARNING)\b:?/.test(l) || /^warning: /i.test(l)) {
      warnings.push(l.replace(/^(WARN|WARNING):? ?/i, ''));
    }
  }

  return {
    get progress() {
      return progress;
    },
    line(stream, raw) {
      const l = raw.trimEnd();
      if (l.trim() === '') return;
      tail.push(l);
      if (stream === 'stderr') {
        const w = TASK_WARNINGS.exec(l);
        if (w) {
          warningCount = Number(w[1]);
          return;
        }
        // The parent prints the task's error on stderr; a worker's own stderr lines arrive on stdout.
        if (l !== 'got interrupt - ignored' && !NOT_CLEANED.test(l) && !NEW_VOLUME.test(l) && !REMOVED.test(l)) errLines.push(l.trim());
      }
      onLine(l.trim());
    },
    finish(exitCode) {
      const base = {
        ...(format ? { format } : {}),
        volumes,
        removedVolumes: removed,
        disks: disks.map((d) => ({ ...d, ...(devices.has(d.name) ? { sizeBytes: devices.get(d.name) } : {}) })),
        bytesRead: format === 'vma' ? vmaBytes : format === 'ct' ? ctBytes : doneBytes(),
        warnings,
        warningCount,
        startRequested,
        ignoredInterrupts: ignored,
      };
      if (exitCode === 127) return exitFailure('restore', exitCode, errLines.join('\n') || tail.text);
      if (exitCode === 0) {
        if (!finishedMarker && volumes.length === 0) {
          return err('parse', `restore: exit 0 without a restored volume or "rescan volumes..." (${excerpt(tail.text) || 'no output'})`);
        }
        return ok({ ...base, outcome: 'restored', leftover: 'none', interrupted: false });
      }
      const error = errLines.join(' ') || tail.text.split('\n').at(-1) || `exit ${exitCode}`;
      const refusal = classifyRefusal(errLines.join('\n')) ?? (detail !== undefined ? classifyRefusal(detail) : undefined);
      const interrupted = /\binterrupted by signal\b|\breceived interrupt\b/.test(error);
      let leftover: RestoreLeftover = 'none';
      if (notCleaned === 'after data was restored') leftover = 'config-needs-review';
      else if (notCleaned) leftover = refusal && CHECKED_FIRST.has(refusal.reason.kind) ? 'none' : 'stub-config';
      else if (format === 'ct' && dataStarted) leftover = 'guest-removed';
      const outcome = refusal && leftover === 'none' && volumes.length === 0 ? 'refused' : 'failed';
      return ok({ ...base, outcome, error: excerpt(error, 400), ...(detail !== undefined ? { detail: excerpt(detail, 400) } : {}), ...(refusal ? { refusal } : {}), leftover, interrupted });
    },
  };
}
