/**
 * Running vzdump and checking what it wrote (reference §1.3, §2). A job is
 * run with its own selection and options as `/cluster/backup` reports them,
 * as PVE itself does when a job fires (PVE::Jobs::VZDump passes the job's
 * vzdump properties on); only the job's bookkeeping keys are dropped. The
 * job's output is read line by line for `Backup of VM N failed` and the final
 * `Backup job finished ...` line.
 */
import { z } from 'zod';
import { err, ok, type Result } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { exitFailure } from '../shared/failure.js';
import { excerpt, parseJsonAs } from '../shared/json.js';
import { LastLines, type LineFold } from '../shared/line-fold.js';
import { pveshFailure } from './parse.js';

const STORAGE = /^[a-z][a-z0-9_.-]*[a-z0-9]$/i;
const VMID = /^[1-9]\d{2,8}$/;

/** Keys of a jobs.cfg entry that are the job's, not vzdump's (pve-manager PVE/Jobs, jobs.cfg). */
const JOB_ONLY_KEYS = new Set(['id', 'type', 'enabled', 'schedule', 'comment', 'next-run', 'repeat-missed', 'starttime', 'dow', 'digest']);

export interface VzdumpJob {
  readonly id: string;
  readonly enabled: boolean;
  /** `node` of the job: it runs only there. */
  readonly node?: string;
  readonly storage?: string;
  readonly all: boolean;
  readonly vmids: readonly number[];
  readonly exclude: readonly number[];
  readonly pool?: string;
  readonly mode?: string;
  readonly compress?: string;
  /** Every vzdump option of the job except the selection, as CLI values (`prune-backups` as `keep-daily=7,...`). */
  readonly options: Readonly<Record<string, string>>;
}

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const jobSchema = z.array(z.record(z.string(), z.union([scalar, z.record(z.string(), scalar), z.null()])));

function text(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'object') {
    // Property strings (prune-backups, performance, fleecing) come back as objects.
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}=${text(x) ?? ''}`)
      .join(',');
  }
  return String(v);
}

function vmidList(v: unknown): number[] | undefined {
  const s = text(v);
  if (s === undefined) return undefined;
  const parts = s.split(/[,;\s]+/).filter((p) => p !== '');
  if (!parts.every((p) => VMID.test(p))) return undefined;
  return parts.map(Number);
}

/** `pvesh get /cluster/backup --output-format json` with every option a run needs. */
export function parseVzdumpJobs(stdout: string, stderr: string, exitCode: number): Result<VzdumpJob[]> {
  if (exitCode !== 0) return pveshFailure(stderr, exitCode);
  const r = parseJsonAs(jobSchema, stdout, 'pvesh /cluster/backup');
  if (!r.ok) return r;
  const jobs: VzdumpJob[] = [];
  for (const raw of r.value) {
    const id = text(raw.id);
    if (!id) return err('parse', 'pvesh /cluster/backup: a job without an id');
    if ((text(raw.type) ?? 'vzdump') !== 'vzdump') continue;
    const vmids = raw.vmid === undefined ? [] : vmidList(raw.vmid);
    const exclude = raw.exclude === undefined ? [] : vmidList(raw.exclude);
    if (vmids === undefined || exclude === undefined) return err('parse', `pvesh /cluster/backup: job ${id} has a malformed vmid/exclude list`);
    const options: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (JOB_ONLY_KEYS.has(k) || ['vmid', 'all', 'exclude', 'pool', 'node'].includes(k)) continue;
      const t = text(v);
      if (t !== undefined) options[k] = t;
    }
    const all = text(raw.all) === '1';
    const storage = text(raw.storage);
    const node = text(raw.node);
    const pool = text(raw.pool);
    jobs.push({
      id,
      enabled: text(raw.enabled) !== '0',
      ...(node ? { node } : {}),
      ...(storage ? { storage } : {}),
      all,
      vmids,
      exclude,
      ...(pool ? { pool } : {}),
      ...(options.mode ? { mode: options.mode } : {}),
      ...(options.compress ? { compress: options.compress } : {}),
      options,
    });
  }
  return ok(jobs);
}

function checkStorage(storage: string): string {
  if (!STORAGE.test(storage)) throw new TypeError(`not a PVE storage id: ${JSON.stringify(storage)}`);
  return storage;
}

function checkOption(name: string, value: string): void {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new TypeError(`not a vzdump option: ${JSON.stringify(name)}`);
  if (value.includes('\n')) throw new TypeError(`vzdump option ${name} holds a line break`);
}

/**
 * `vzdump VMID --storage S --mode M --compress C --remove 0`: one guest, now.
 * Without `--remove 0`, vzdump prunes the guest's archives by the storage's
 * retention, which may differ from the job's: a backup asked for now must not
 * delete older ones the plan does not show.
 */
export function vzdumpGuestCommand(p: { vmid: number; storage: string; mode?: string; compress?: string }): Command {
  if (!VMID.test(String(p.vmid))) throw new TypeError(`not a VMID: ${p.vmid}`);
  return {
    argv: [
      'vzdump',
      String(p.vmid),
      '--storage',
      checkStorage(p.storage),
      '--mode',
      p.mode ?? 'snapshot',
      '--compress',
      p.compress ?? 'zstd',
      '--remove',
      '0',
    ],
  };
}

/**
 * A job's own run: its guests (`vzdump 100 101`, or `--all 1 --exclude ...`,
 * or `--pool P`) and every option of the job, storage first.
 */
export function vzdumpJobCommand(job: VzdumpJob): Command {
  const selection: string[] = [];
  if (job.all) {
    selection.push('--all', '1');
    if (job.exclude.length > 0) selection.push('--exclude', job.exclude.join(','));
  } else if (job.vmids.length > 0) selection.push(...job.vmids.map(String));
  else if (job.pool) selection.push('--pool', job.pool);
  else throw new TypeError(`backup job ${job.id} selects no guests`);
  const options = Object.entries(job.options).sort(([a], [b]) => (a === 'storage' ? -1 : b === 'storage' ? 1 : a.localeCompare(b)));
  const flags: string[] = [];
  for (const [k, v] of options) {
    checkOption(k, v);
    flags.push(`--${k}`, k === 'storage' ? checkStorage(v) : v);
  }
  return { argv: ['vzdump', ...selection, ...flags] };
}

export interface VzdumpGuestResult {
  readonly vmid: number;
  readonly ok: boolean;
  readonly error?: string;
}

export interface VzdumpResult {
  /** The job said `Backup job finished successfully`. */
  readonly success: boolean;
  readonly guests: readonly VzdumpGuestResult[];
  readonly warnings: readonly string[];
  /** Archives or PBS snapshots written (`creating ... archive '...'`). */
  readonly archives: readonly string[];
}

const STARTED = /^INFO: Starting Backup of VM (\d+) /;
const FINISHED = /^INFO: Finished Backup of VM (\d+) /;
const FAILED = /^ERROR: Backup of VM (\d+) failed - (.*)$/;
const ARCHIVE = /^INFO: creating (?:vzdump|Proxmox Backup Server) archive '([^']+)'/;
const JOB_END = /^INFO: Backup job finished (successfully|with errors)/;

/**
 * vzdump's log (`INFO:`/`WARN:`/`ERROR:` lines, on either stream): which
 * guests finished, which failed and why, and how the job ended. Success needs
 * exit 0 and the job's own "finished successfully"; anything less is not ok.
 */
export function vzdumpFold(): LineFold<VzdumpResult> {
  const guests = new Map<number, VzdumpGuestResult>();
  const warnings: string[] = [];
  const archives: string[] = [];
  const errors: string[] = [];
  const tail = new LastLines(5);
  let end: 'successfully' | 'with errors' | undefined;
  return {
    line(_stream, raw) {
      const l = raw.replace(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} /, '').trimEnd();
      tail.push(l);
      let m: RegExpExecArray | null;
      if ((m = STARTED.exec(l))) guests.set(Number(m[1]), { vmid: Number(m[1]), ok: false, error: 'did not finish' });
      else if ((m = FINISHED.exec(l))) guests.set(Number(m[1]), { vmid: Number(m[1]), ok: true });
      else if ((m = FAILED.exec(l))) guests.set(Number(m[1]), { vmid: Number(m[1]), ok: false, error: m[2]! });
      else if ((m = ARCHIVE.exec(l))) archives.push(m[1]!);
      else if ((m = JOB_END.exec(l))) end = m[1] as typeof end;
      else if (l.startsWith('WARN: ')) warnings.push(l.slice(6));
      else if (l.startsWith('ERROR: ')) errors.push(l.slice(7));
    },
    finish(exitCode) {
      const list = [...guests.values()];
      if (exitCode === 0 && end === 'successfully') return ok({ success: true, guests: list, warnings, archives });
      if (exitCode === 127) return exitFailure('vzdump', exitCode, tail.text);
      if (end === undefined && list.length === 0) {
        if (exitCode === 0) return err('parse', `vzdump: exit 0 without "Backup job finished" (${excerpt(tail.text) || 'no output'})`);
        return exitFailure('vzdump', exitCode, errors.join('\n') || tail.text);
      }
      // A job that ran but did not succeed is a result, not a parse failure: the guests say what went wrong.
      return ok({ success: false, guests: list, warnings: [...warnings, ...errors.filter((e) => !/^Backup of VM \d+ failed/.test(e))], archives });
    },
  };
}

/** `pvesm path VOLID`: where an archive lives on the node. */
export const pvesmPathCommand = (volid: string): Command => {
  if (volid === '' || volid.startsWith('-') || /[\s\0]/.test(volid)) throw new TypeError(`not a volume id: ${JSON.stringify(volid)}`);
  return { argv: ['pvesm', 'path', volid] };
};

export function parsePvesmPath(stdout: string, stderr: string, exitCode: number): Result<string> {
  if (exitCode !== 0) return exitFailure('pvesm path', exitCode, stderr);
  const path = stdout.trim();
  if (!path.startsWith('/') || path.includes('\n')) return err('parse', `pvesm path: not a path: "${excerpt(path)}"`);
  return ok(path);
}

/** The host's own integrity test for an archive, by its extension; null when there is none. */
export function archiveTestCommand(path: string): Command | null {
  if (!path.startsWith('/')) throw new TypeError(`not an absolute path: ${JSON.stringify(path)}`);
  if (/\.(zst)$/.test(path)) return { argv: ['zstd', '-t', '-q', '--', path] };
  if (/\.(gz|tgz)$/.test(path)) return { argv: ['gzip', '-t', '--', path] };
  if (/\.lzo$/.test(path)) return { argv: ['lzop', '-t', '--', path] };
  if (/\.bz2$/.test(path)) return { argv: ['bzip2', '-t', '--', path] };
  if (/\.vma$/.test(path)) return { argv: ['vma', 'verify', path] };
  if (/\.tar$/.test(path)) return { argv: ['tar', '-tf', path] };
  return null;
}

export interface ArchiveTestResult {
  readonly intact: boolean;
  readonly message: string;
}

/** A compression test proves the archive reads back intact, not that it restores. */
export function parseArchiveTest(_stdout: string, stderr: string, exitCode: number): Result<ArchiveTestResult> {
  if (exitCode === 127) return exitFailure('archive test', exitCode, stderr);
  if (exitCode === 0) return ok({ intact: true, message: 'archive intact' });
  const line = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '').at(-1) ?? `exit ${exitCode}`;
  return ok({ intact: false, message: `archive test failed: ${excerpt(line, 160)}` });
}
