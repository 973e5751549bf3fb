/**
 * Pure parsers of zfs/zpool text output (reference §4): tab-separated, no
 * header (`-H`); `zpool status -x` is prose whose exit code is 0 even for a
 * degraded pool, so only its text says whether pools are healthy.
 */
import { err, ok, type ProbeErrorKind, type Result } from '../../domain/types.js';
import { exitFailure, firstLine } from '../shared/failure.js';
import { excerpt } from '../shared/json.js';
import { compareText } from '../shared/values.js';

export interface ZfsSnapshot {
  /** `pool/data@autosnap_...` */
  readonly name: string;
  readonly dataset: string;
  readonly snapshot: string;
  readonly timeSec: number;
  readonly usedBytes?: number;
}

export interface ZpoolInfo {
  readonly name: string;
  readonly sizeBytes?: number;
  readonly allocBytes?: number;
  readonly freeBytes?: number;
  readonly capPercent?: number;
  /** ONLINE, DEGRADED, FAULTED, ... */
  readonly health: string;
  /** False when sizes were read with units (zfs-fuse) and are rounded. */
  readonly exact: boolean;
}

export interface ZpoolProblem {
  readonly name: string;
  readonly state: string;
  readonly status?: string;
  readonly action?: string;
  readonly errors?: string;
  /** From `errors: N data errors`; 0 for "No known data errors"; null when not stated. */
  readonly dataErrors: number | null;
}

export interface ZpoolStatus {
  /** True only when the tool said so in words: "all pools are healthy" or "pool 'X' is healthy". */
  readonly allHealthy: boolean;
  readonly noPools: boolean;
  /** Every pool `zpool status -x` printed: each one is unhealthy. */
  readonly problems: readonly ZpoolProblem[];
}

/** zfs-fuse's answer to `-p`. The caller then falls back to the unit-less forms. */
export function lacksParsableFlag(stderr: string, exitCode: number): boolean {
  return exitCode !== 0 && /invalid option 'p'/.test(stderr);
}

function zfsFailure<T = never>(tool: string, stderr: string, exitCode: number): Result<T> {
  let kind: ProbeErrorKind = 'command-failed';
  if (/dataset does not exist|no such pool|does not exist/i.test(stderr)) kind = 'not-found';
  else if (/permission denied/i.test(stderr)) kind = 'auth';
  else if (/zfs-fuse daemon is running|failed to initialize ZFS library/i.test(stderr)) {
    return err('command-failed', `${tool}: the ZFS daemon/library is not available (${excerpt(lastOf(stderr))})`);
  }
  return exitFailure(tool, exitCode, stderr, kind, firstLine(stderr));
}

function lastOf(s: string): string {
  return s.trim().split('\n').at(-1) ?? '';
}

const INT = /^\d+$/;

function splitSnapshotName(name: string): { dataset: string; snapshot: string } | undefined {
  const at = name.indexOf('@');
  if (at <= 0 || at === name.length - 1 || name.indexOf('@', at + 1) >= 0) return undefined;
  return { dataset: name.slice(0, at), snapshot: name.slice(at + 1) };
}

function lines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.trim() !== '');
}

/** `zfs list -H -p -t snapshot -o name,creation,used -r DATASET`, oldest first. */
export function parseZfsSnapshotList(stdout: string, stderr: string, exitCode: number): Result<ZfsSnapshot[]> {
  if (exitCode !== 0) return zfsFailure('zfs list', stderr, exitCode);
  const out: ZfsSnapshot[] = [];
  for (const [i, line] of lines(stdout).entries()) {
    const cols = line.split('\t');
    const [name, creation, used] = cols;
    const parts = name !== undefined ? splitSnapshotName(name) : undefined;
    if (cols.length !== 3 || !parts || !INT.test(creation ?? '') || !(INT.test(used ?? '') || used === '-')) {
      return err('parse', `zfs list: line ${i + 1} is not "name<TAB>creation<TAB>used" with exact numbers: "${excerpt(line)}"`);
    }
    out.push({
      name: name!,
      ...parts,
      timeSec: Number(creation),
      ...(used !== '-' ? { usedBytes: Number(used) } : {}),
    });
  }
  return ok(sortSnapshots(out));
}

function sortSnapshots(s: ZfsSnapshot[]): ZfsSnapshot[] {
  return s.sort((a, b) => a.timeSec - b.timeSec || compareText(a.name, b.name));
}

/**
 * `zfs get -H -p -r -o name,property,value creation,used DATASET` (zfs-fuse):
 * lines for datasets and snapshots alike; only snapshots (names with '@') are points.
 */
export function parseZfsGetSnapshots(stdout: string, stderr: string, exitCode: number): Result<ZfsSnapshot[]> {
  if (exitCode !== 0) return zfsFailure('zfs get', stderr, exitCode);
  const props = new Map<string, { creation?: number; used?: number }>();
  for (const [i, line] of lines(stdout).entries()) {
    const cols = line.split('\t');
    const [name, property, value] = cols;
    if (cols.length !== 3 || !name || (property !== 'creation' && property !== 'used') || !(INT.test(value ?? '') || value === '-')) {
      return err('parse', `zfs get: line ${i + 1} is not "name<TAB>creation|used<TAB>number": "${excerpt(line)}"`);
    }
    if (!name.includes('@')) continue;
    const entry = props.get(name) ?? {};
    if (value !== '-') entry[property] = Number(value);
    props.set(name, entry);
  }
  const out: ZfsSnapshot[] = [];
  for (const [name, p] of props) {
    const parts = splitSnapshotName(name);
    if (!parts) return err('parse', `zfs get: not a snapshot name: "${excerpt(name)}"`);
    if (p.creation === undefined) return err('parse', `zfs get: snapshot ${name} has no creation time`);
    out.push({ name, ...parts, timeSec: p.creation, ...(p.used !== undefined ? { usedBytes: p.used } : {}) });
  }
  return ok(sortSnapshots(out));
}

const UNITS = 'KMGTPEZ';

/** `964K`, `1.50G`, `250M`, `512` (zfs-fuse, 1024-based) or exact bytes; `-` is absent. */
export function parseSize(text: string): number | undefined | null {
  if (text === '-') return undefined;
  const m = /^(\d+(?:\.\d+)?)([KMGTPEZ]?)B?$/.exec(text);
  if (!m) return null;
  const power = m[2] ? UNITS.indexOf(m[2]) + 1 : 0;
  return Math.round(Number(m[1]) * 1024 ** power);
}

/**
 * `zpool list -H [-p] -o name,size,alloc,free,cap,health`. With `-p` values
 * are exact bytes and cap a plain integer; without (zfs-fuse) `250M` and `0%`.
 */
export function parseZpoolList(stdout: string, stderr: string, exitCode: number): Result<ZpoolInfo[]> {
  if (exitCode !== 0) return zfsFailure('zpool list', stderr, exitCode);
  const out: ZpoolInfo[] = [];
  for (const [i, line] of lines(stdout).entries()) {
    const cols = line.split('\t');
    const [name, size, alloc, free, cap, health] = cols;
    const bad = () =>
      err<ZpoolInfo[]>('parse', `zpool list: line ${i + 1} is not "name size alloc free cap health": "${excerpt(line)}"`);
    if (cols.length !== 6 || !name || !health || !/^[A-Z_]+$/.test(health)) return bad();
    const sizes = [size, alloc, free].map((s) => parseSize(s ?? ''));
    if (sizes.some((s) => s === null)) return bad();
    const capMatch = /^(\d+)%?$/.exec(cap ?? '');
    if (!capMatch && cap !== '-') return bad();
    const exact = [size, alloc, free].every((s) => s === '-' || INT.test(s ?? '')) && !cap?.endsWith('%');
    const [sizeBytes, allocBytes, freeBytes] = sizes as (number | undefined)[];
    out.push({
      name,
      ...(sizeBytes !== undefined ? { sizeBytes } : {}),
      ...(allocBytes !== undefined ? { allocBytes } : {}),
      ...(freeBytes !== undefined ? { freeBytes } : {}),
      ...(capMatch ? { capPercent: Number(capMatch[1]) } : {}),
      health,
      exact,
    });
  }
  return ok(out);
}

const KEYS = new Set(['pool', 'state', 'status', 'action', 'see', 'scan', 'scrub', 'config', 'errors']);

/** `zpool status -x`. The text decides; exit 0 says nothing about health. */
export function parseZpoolStatus(stdout: string, stderr: string, exitCode: number): Result<ZpoolStatus> {
  if (exitCode !== 0) return zfsFailure('zpool status', stderr, exitCode);
  const text = stdout.trim();
  const both = `${text}\n${stderr.trim()}`.trim();
  if (text === 'all pools are healthy' || /^pool '[^']+' is healthy$/.test(text)) {
    return ok({ allHealthy: true, noPools: false, problems: [] });
  }
  if (both === 'no pools available') return ok({ allHealthy: true, noPools: true, problems: [] });

  const blocks: Record<string, string>[] = [];
  let key: string | null = null;
  for (const raw of stdout.split('\n')) {
    const m = /^\s*([a-z]+): ?(.*)$/.exec(raw);
    if (m && KEYS.has(m[1]!) && !(key === 'config' && m[1] !== 'errors' && m[1] !== 'pool')) {
      key = m[1]!;
      if (key === 'pool') blocks.push({});
      const block = blocks.at(-1);
      if (!block) return err('parse', `zpool status -x: "${excerpt(raw)}" before any "pool:" line`);
      block[key] = m[2]!.trim();
    } else if (key && key !== 'config' && raw.trim() !== '') {
      const block = blocks.at(-1)!;
      block[key] = `${block[key] ?? ''} ${raw.trim()}`.trim();
    }
  }
  if (blocks.length === 0) {
    return err('parse', `zpool status -x: neither "all pools are healthy" nor a pool report: "${excerpt(both)}"`);
  }
  const problems: ZpoolProblem[] = [];
  for (const b of blocks) {
    if (!b.pool || !b.state) return err('parse', `zpool status -x: a pool report without pool or state line`);
    const errors = b.errors;
    let dataErrors: number | null = null;
    if (errors !== undefined) {
      if (/^No known data errors/i.test(errors)) dataErrors = 0;
      else {
        const n = /^(\d+) data errors?/i.exec(errors);
        if (n) dataErrors = Number(n[1]);
      }
    }
    problems.push({
      name: b.pool,
      state: b.state,
      ...(b.status !== undefined ? { status: b.status } : {}),
      ...(b.action !== undefined ? { action: b.action } : {}),
      ...(errors !== undefined ? { errors } : {}),
      dataErrors,
    });
  }
  return ok({ allHealthy: false, noPools: false, problems });
}
