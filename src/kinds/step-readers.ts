/**
 * Turning one step's output into a verdict with the tool's own result. Each
 * StepOutput kind has a reader fed line by line as the output streams; at the
 * end it judges by the adapter's parser. An output that does not parse is a
 * failed step with the reason, never an ok one.
 */
import { archiveListFold } from '../adapters/config-backup/verify.js';
import { pbsTaskFold } from '../adapters/pbs/jobs.js';
import { parseSnapshotList } from '../adapters/pbs/parse.js';
import { epochToIsoSeconds } from '../adapters/shared/values.js';
import { parseArchiveTest, vzdumpFold } from '../adapters/pve/vzdump.js';
import { rcloneCheckFold, rcloneSyncFold } from '../adapters/rclone/sync.js';
import { parseBackupOutput, parseCheckOutput } from '../adapters/restic/parse.js';
import { excerpt } from '../adapters/shared/json.js';
import { LastLines, type LineFold, type OutputStream } from '../adapters/shared/line-fold.js';
import { parsePoolScan, type PoolScan } from '../adapters/zfs/actions.js';
import { parseZfsGetSnapshots, parseZfsSnapshotList, type ZfsSnapshot } from '../adapters/zfs/parse.js';
import { formatBytes, formatDurationShort } from './shared/words.js';
import type { Result } from '../domain/types.js';
import type { Command } from '../transport/command.js';
import type { RunResult } from '../transport/runner.js';
import type { StepOutput } from './action-types.js';

export type VerdictState = 'ok' | 'warning' | 'failed';

export interface StepVerdict {
  readonly state: VerdictState;
  readonly summary: string;
  /** Set by steps that verify: whether the copy was proven sound. */
  readonly verified?: 'ok' | 'failed';
  /** When the proof is from, if earlier than now (a scrub read back). */
  readonly provenAt?: number;
  /** Snapshot lists, for the replication comparison. */
  readonly snapshots?: readonly ZfsSnapshot[];
}

export interface StepReader {
  line(stream: OutputStream, text: string): void;
  finish(result: RunResult): StepVerdict;
}

/** Whether a step of this kind proves (or disproves) that copies are sound. */
export function verifies(output: StepOutput | undefined): boolean {
  if (!output) return false;
  switch (output.kind) {
    case 'archive-test':
    case 'restic-check':
    case 'rclone-check':
    case 'zpool-scrub':
    case 'tar-list':
      return true;
    case 'pbs-task':
      return output.verify;
    case 'pbs-verify-states':
      return true;
    default:
      return false;
  }
}

const unreadable = (tool: string, r: Extract<Result<unknown>, { ok: false }>): StepVerdict => ({
  state: 'failed',
  summary: `${tool}: ${r.error.kind === 'parse' ? 'could not read the result: ' : ''}${r.error.message}`,
});

/** Reads a fold's lines as they come and judges at the end. */
function folding<T>(fold: LineFold<T>, judge: (r: Result<T>) => StepVerdict): StepReader {
  return {
    line: (stream, text) => fold.line(stream, text),
    finish: (result) => judge(fold.finish(result.exitCode)),
  };
}

/** Keeps what a whole-output parser needs: the lines `keep` accepts, and the tail of each stream. */
function collecting(parse: (stdout: string, stderr: string, exitCode: number) => StepVerdict, keep: (line: string) => boolean = () => true, tail = 200): StepReader {
  const out: string[] = [];
  const errTail = new LastLines(tail);
  return {
    line(stream, text) {
      if (stream === 'stderr') errTail.push(text);
      else if (keep(text)) {
        out.push(text);
        if (out.length > tail * 10) out.splice(0, out.length - tail);
      }
    },
    finish: (result) => parse(out.join('\n'), errTail.text, result.exitCode),
  };
}

function defaultReader(cmd: Command): StepReader {
  const errTail = new LastLines(3);
  return {
    line(stream, text) {
      if (stream === 'stderr') errTail.push(text);
    },
    finish({ exitCode }) {
      const program = cmd.argv[0] ?? 'command';
      if (exitCode === 0) return { state: 'ok', summary: `${program}: done` };
      if (exitCode === 127) return { state: 'failed', summary: `${program}: not found on the host (exit 127)` };
      // Tools wrap long messages (zfs: "...does not\nmatch incremental source"): the last two lines say why.
      const why = errTail.text.split('\n').slice(-2).join(' ');
      return { state: 'failed', summary: `${program} exited with ${exitCode}${why ? `: ${excerpt(why, 200)}` : ''}` };
    },
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function readerFor(output: StepOutput | undefined, cmd: Command, now: () => number): StepReader {
  if (!output) return defaultReader(cmd);
  switch (output.kind) {
    case 'rclone-mark': {
      const plain = defaultReader(cmd);
      return {
        line: plain.line,
        finish(result) {
          const v = plain.finish(result);
          const when = new Date(output.at * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
          return v.state === 'ok'
            ? { state: 'ok', summary: `copy marked whole as of ${when}` }
            : { state: 'warning', summary: `the copy is whole, but the mark that tells the status so was not written (${v.summary})` };
        },
      };
    }
    case 'vzdump':
      return folding(vzdumpFold(), (r) => {
        if (!r.ok) return unreadable('vzdump', r);
        const v = r.value;
        const failed = v.guests.filter((g) => !g.ok);
        if (!v.success || failed.length > 0) {
          const first = failed[0];
          const why = first ? `backup of ${first.vmid} failed - ${excerpt(first.error ?? '', 160)}` : 'the job finished with errors';
          return { state: 'failed', summary: `vzdump: ${failed.length > 1 ? `${failed.length} of ${v.guests.length} guests failed; ` : ''}${why}` };
        }
        const warn = v.warnings.length > 0 ? `, ${plural(v.warnings.length, 'warning')}: ${excerpt(v.warnings[0]!, 120)}` : '';
        return { state: v.warnings.length > 0 ? 'warning' : 'ok', summary: `vzdump: ${plural(v.guests.length, 'guest')} backed up${warn}` };
      });
    case 'archive-test':
      return collecting((stdout, stderr, code) => {
        const r = parseArchiveTest(stdout, stderr, code);
        if (!r.ok) return unreadable('archive test', r);
        return r.value.intact
          ? { state: 'ok', summary: `${output.archive}: archive intact`, verified: 'ok' }
          : { state: 'failed', summary: `${output.archive}: ${r.value.message}`, verified: 'failed' };
      }, () => false);
    case 'pbs-task':
      return folding(pbsTaskFold(), (r) => {
        if (!r.ok) return unreadable('PBS task', r);
        const t = r.value;
        if (!output.verify) {
          if (t.status === 'error') return { state: 'failed', summary: `sync failed: ${excerpt(t.message, 200)}` };
          return { state: t.status === 'ok' ? 'ok' : 'warning', summary: `sync ${t.status === 'ok' ? 'ok' : `with ${t.message}`}: ${plural(t.synced, 'snapshot')} copied` };
        }
        const counts = `${plural(t.verified, 'snapshot')} verified${t.skipped > 0 ? `, ${t.skipped} skipped (verified recently)` : ''}`;
        if (t.status === 'error') {
          const proven = t.failed.length > 0 || /verification failed/i.test(t.message);
          const list = t.failed.length > 0 ? ` (${t.failed.slice(0, 3).join(', ')}${t.failed.length > 3 ? ', …' : ''})` : '';
          return { state: 'failed', summary: `verify failed: ${excerpt(t.message, 160)}${list}; ${counts}`, ...(proven ? { verified: 'failed' as const } : {}) };
        }
        if (t.status === 'warnings') return { state: 'warning', summary: `verify with ${t.message}: ${counts}` };
        return { state: 'ok', summary: `verify ok: ${counts}`, verified: 'ok' };
      });
    case 'pbs-verify-states':
      return collecting((stdout, stderr, code) => {
        const r = parseSnapshotList(stdout, stderr, code);
        if (!r.ok) return unreadable(`snapshots of ${output.store}`, r);
        const done = r.value.filter((x) => !x.partial);
        const path = (x: (typeof done)[number]) => `${x.type}/${x.id}/${epochToIsoSeconds(x.time)}`;
        const failed = done.filter((x) => x.verification?.state === 'failed');
        const never = done.filter((x) => !x.verification || x.verification.state === 'none');
        if (failed.length > 0) {
          const list = failed.slice(0, 3).map(path).join(', ') + (failed.length > 3 ? ', …' : '');
          return { state: 'failed', verified: 'failed', summary: `${plural(failed.length, 'snapshot')} of ${output.store} failed verification: ${list}` };
        }
        if (never.length > 0) return { state: 'warning', summary: `${plural(never.length, 'snapshot')} of ${output.store} not verified yet (newest ${path(never.at(-1)!)})` };
        if (done.length === 0) return { state: 'warning', summary: `${output.store} holds no finished snapshot` };
        return { state: 'ok', verified: 'ok', summary: `every snapshot of ${output.store} verified ok (${done.length})` };
      }, () => true, 1_000_000);
    case 'restic-backup':
      return collecting((stdout, stderr, code) => {
        const r = parseBackupOutput(stdout, stderr, code);
        if (!r.ok) return unreadable('restic backup', r);
        const b = r.value;
        const what = `snapshot ${b.snapshotId ?? '?'}${b.filesNew !== undefined ? `, ${plural(b.filesNew, 'new file')}` : ''}${b.dataAdded !== undefined ? `, ${formatBytes(b.dataAdded)} added` : ''}`;
        if (b.incomplete) {
          const first = b.errors[0];
          return { state: 'warning', summary: `restic backup: ${what}, but ${plural(b.errors.length, 'file')} could not be read${first ? ` (${excerpt(first.item ?? first.message, 100)})` : ''}` };
        }
        return { state: 'ok', summary: `restic backup: ${what}` };
      }, (line) => line.trim().startsWith('{') && !line.includes('"message_type":"status"'));
    case 'restic-check':
      return collecting((stdout, stderr, code) => {
        const r = parseCheckOutput(stdout, stderr, code);
        if (!r.ok) return unreadable('restic check', r);
        if (!r.value.clean) return { state: 'failed', summary: `restic check: ${r.value.message}`, verified: 'failed' };
        // Only reading the data proves the copies can be restored; the structure alone does not.
        return output.readsData
          ? { state: 'ok', summary: `restic check: no errors were found, ${output.readsData} of the data read`, verified: 'ok' }
          : { state: 'ok', summary: 'restic check: no errors were found in the structure (no data read: add --read-data-subset to prove restores)' };
      });
    case 'rclone-sync':
      return folding(rcloneSyncFold(), (r) => {
        if (!r.ok) return unreadable('rclone sync', r);
        const s = r.value;
        const what = `${plural(s.transfers, 'file')} copied (${formatBytes(s.bytes)})${s.deletes > 0 ? `, ${s.deletes} deleted` : ''}`;
        if (s.errors > 0) return { state: 'warning', summary: `rclone sync: ${what}, ${plural(s.errors, 'error')}${s.lastError ? `: ${excerpt(s.lastError, 120)}` : ''}` };
        return { state: 'ok', summary: `rclone sync: ${what}` };
      });
    case 'rclone-check':
      return folding(rcloneCheckFold(), (r) => {
        if (!r.ok) return unreadable('rclone check', r);
        const c = r.value;
        if (c.clean && c.sizeOnly) {
          // Without a hash both sides know, rclone compared sizes only: equal sizes prove nothing about contents.
          return { state: 'warning', summary: `rclone check: ${plural(c.same, 'file')} of equal size; no common hash, so contents were not compared` };
        }
        if (c.clean) return { state: 'ok', summary: `rclone check: ${plural(c.same, 'file')} match`, verified: 'ok' };
        const parts = [
          c.missingOnRemote > 0 ? `${c.missingOnRemote} missing on the remote` : '',
          c.differ > 0 ? `${c.differ} differ` : '',
          c.missingOnSource > 0 ? `${c.missingOnSource} only on the remote` : '',
          c.errors > 0 ? `${c.errors} could not be checked` : '',
        ].filter((p) => p !== '');
        return { state: 'failed', summary: `rclone check: ${parts.join(', ')}; ${c.same} match (${c.examples.slice(0, 3).join(', ')})`, verified: 'failed' };
      });
    case 'zfs-snapshots':
      return collecting((stdout, stderr, code) => {
        const parse = output.form === 'get' ? parseZfsGetSnapshots : parseZfsSnapshotList;
        const r = parse(stdout, stderr, code);
        if (!r.ok) return unreadable(`snapshots of ${output.dataset}`, r);
        const own = r.value.filter((s) => s.dataset === output.dataset);
        if (output.expect !== undefined) {
          const found = own.some((s) => s.snapshot === output.expect);
          return found
            ? { state: 'ok', summary: `${output.dataset}@${output.expect} is on the ${output.side}`, snapshots: own }
            : { state: 'failed', summary: `${output.dataset}@${output.expect} is not on the ${output.side}: the replication did not arrive`, snapshots: own };
        }
        const newest = own.at(-1);
        return { state: 'ok', summary: `${output.dataset}: ${plural(own.length, 'snapshot')}${newest ? `, newest @${newest.snapshot}` : ''}`, snapshots: own };
      }, () => true, 1_000_000);
    case 'zpool-scrub':
      return collecting((stdout, stderr, code) => {
        const r = parsePoolScan(stdout, stderr, code);
        if (!r.ok) return unreadable(`zpool status ${output.pool}`, r);
        return judgeScrub(r.value, output.maxAgeSeconds, now());
      });
    case 'tar-list':
      return folding(archiveListFold(output.paths), (r) => {
        if (!r.ok) {
          // tar itself could not read the archive: that disproves it, unless tar is missing.
          return /exit 127|not found/.test(r.error.message)
            ? unreadable('tar', r)
            : { state: 'failed', summary: `${output.archive}: unreadable: ${r.error.message}`, verified: 'failed' };
        }
        if (r.value.missing.length > 0) {
          return { state: 'failed', summary: `${output.archive} lacks ${r.value.missing.join(', ')} (${plural(r.value.entries, 'entry', 'entries')})`, verified: 'failed' };
        }
        return { state: 'ok', summary: `${output.archive} reads back: ${plural(r.value.entries, 'entry', 'entries')}, every path present`, verified: 'ok' };
      });
  }
}

function judgeScrub(s: PoolScan, maxAge: number | null, now: number): StepVerdict {
  const pool = `pool ${s.pool}`;
  const degraded = s.state !== 'ONLINE' ? ` (pool is ${s.state})` : '';
  if ((s.scrubErrors ?? 0) > 0 || (s.dataErrors ?? 0) > 0) {
    const what = (s.scrubErrors ?? 0) > 0 ? `last scrub found ${plural(s.scrubErrors!, 'error')}` : `${plural(s.dataErrors!, 'data error')} known`;
    return { state: 'failed', summary: `${pool}: ${what}${degraded}`, verified: 'failed', ...(s.at !== undefined ? { provenAt: s.at } : {}) };
  }
  switch (s.scan) {
    case 'none':
      return { state: 'warning', summary: `${pool}: never scrubbed ("none requested")${degraded}` };
    case 'scrubbing':
      return { state: 'warning', summary: `${pool}: a scrub is running (${s.text})${degraded}` };
    case 'scrub-canceled':
    case 'scrub-paused':
      return { state: 'warning', summary: `${pool}: the last scrub did not finish (${s.text})${degraded}` };
    case 'resilver':
      return { state: 'warning', summary: `${pool}: the last scan was a resilver, not a scrub (${s.text})${degraded}` };
    case 'scrubbed': {
      const age = Math.max(0, now - s.at!);
      const ago = `${formatDurationShort(age)} ago`;
      if (maxAge !== null && age > maxAge) {
        return { state: 'warning', summary: `${pool}: last scrub clean but ${ago} (older than ${formatDurationShort(maxAge)})${degraded}` };
      }
      return { state: degraded ? 'warning' : 'ok', summary: `${pool}: last scrub ${ago} found no errors${degraded}`, verified: 'ok', provenAt: s.at! };
    }
  }
}
