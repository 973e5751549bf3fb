/** restic repositories: where a repository string points, and snapshots as restic prints them. */
import { rfc3339Nano } from './clock.js';
import type { Rng } from './ids.js';
import type { FileSet, HostState, LabState, ResticRepo, ResticSnapshot, ResticSummary } from './types.js';

export const RESTIC_VERSION = '0.17.3';

const BACKENDS = /^(s3|b2|azure|gs|swift|rest|sftp|rclone):/;

/** The repository a location names, seen from a host; `undefined` when none is there. */
export function findRepo(state: LabState, host: HostState, location: string): ResticRepo | undefined {
  if (BACKENDS.test(location)) return Object.hasOwn(state.cloud.resticRepos, location) ? state.cloud.resticRepos[location] : undefined;
  const path = location.replace(/\/+$/, '') || '/';
  return host.resticRepos && Object.hasOwn(host.resticRepos, path) ? host.resticRepos[path] : undefined;
}

export function isCloudLocation(location: string): boolean {
  return BACKENDS.test(location);
}

export function newRepo(rng: Rng, password: string): ResticRepo {
  return { id: rng.hex(32), password, chunkerPolynomial: `3${rng.hex(6).slice(0, 13)}`, snapshots: [], storedBytes: 0 };
}

/** Go's encoding/json escapes <, > and & in strings. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

/** A snapshot as `restic snapshots --json` prints it (0.17 field order; uid/gid omitted for root). */
export function snapshotJson(s: ResticSnapshot): Record<string, unknown> {
  return {
    time: s.time,
    ...(s.parent ? { parent: s.parent } : {}),
    tree: s.tree,
    paths: s.paths,
    hostname: s.hostname,
    username: s.username,
    ...(s.tags && s.tags.length > 0 ? { tags: s.tags } : {}),
    ...(s.program_version ? { program_version: s.program_version } : {}),
    ...(s.summary ? { summary: s.summary } : {}),
    id: s.id,
    short_id: s.id.slice(0, 8),
  };
}

export function snapshotEpoch(s: ResticSnapshot): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/.exec(s.time);
  if (!m) return Number.NaN;
  const base = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000 + (m[7] ? Number(`0${m[7]}`) : 0);
  if (m[8] === 'Z') return base;
  const off = (Number(m[10]) * 60 + Number(m[11])) * (m[9] === '-' ? -1 : 1);
  return base - off * 60;
}

export interface NewSnapshot {
  paths: string[];
  hostname: string;
  time: number;
  timeZone: string;
  seconds: number;
  fileCount: number;
  totalBytes: number;
  /** Bytes new since the parent (what the repository grows by). */
  changedBytes: number;
  tags?: string[];
  /** The files backed up, by absolute path. */
  files?: FileSet;
  /** The restic that made it (`program_version`). */
  version?: string;
}

export function makeSnapshot(rng: Rng, repo: ResticRepo, n: NewSnapshot): ResticSnapshot {
  const key = [...n.paths].sort().join('\0');
  const parent = [...repo.snapshots]
    .filter((s) => s.hostname === n.hostname && [...s.paths].sort().join('\0') === key)
    .sort((a, b) => snapshotEpoch(b) - snapshotEpoch(a))[0];
  const changedFiles = Math.max(1, Math.round(n.fileCount * 0.01));
  const summary: ResticSummary = {
    backup_start: rfc3339Nano(n.time, n.timeZone),
    backup_end: rfc3339Nano(n.time + n.seconds, n.timeZone),
    files_new: parent ? Math.round(changedFiles / 3) : n.fileCount,
    files_changed: parent ? changedFiles - Math.round(changedFiles / 3) : 0,
    files_unmodified: parent ? n.fileCount - changedFiles : 0,
    dirs_new: parent ? 0 : Math.max(1, Math.round(n.fileCount / 20)),
    dirs_changed: parent ? Math.min(3, Math.round(n.fileCount / 20)) : 0,
    dirs_unmodified: parent ? Math.max(0, Math.round(n.fileCount / 20) - 3) : 0,
    data_blobs: Math.max(1, Math.round(n.changedBytes / 1_048_576)),
    tree_blobs: parent ? 4 : Math.max(1, Math.round(n.fileCount / 20)),
    data_added: n.changedBytes,
    data_added_packed: Math.round(n.changedBytes * 0.62),
    total_files_processed: n.fileCount,
    total_bytes_processed: n.totalBytes,
  };
  const snap: ResticSnapshot = {
    id: rng.hex(32),
    time: rfc3339Nano(n.time + rng.int(0, 999_999) / 1e6, n.timeZone),
    ...(parent ? { parent: parent.id } : {}),
    tree: rng.hex(32),
    paths: [...n.paths].sort(),
    hostname: n.hostname,
    username: 'root',
    ...(n.tags && n.tags.length > 0 ? { tags: n.tags } : {}),
    program_version: `restic ${n.version ?? RESTIC_VERSION}`,
    summary,
    fileCount: n.fileCount,
    totalBytes: n.totalBytes,
    ...(n.files ? { files: n.files } : {}),
  };
  repo.snapshots.push(snap);
  repo.storedBytes += summary.data_added_packed;
  return snap;
}
