/**
 * The files of ZFS datasets in the lab: a dataset's files are the host's
 * files under its mountpoint; a snapshot keeps a copy (relative paths); a
 * rollback, a clone and a receive write them back. OpenZFS shows every
 * snapshot read-only under `<mountpoint>/.zfs/snapshot/<name>/`: the lab
 * builds that view on demand for the programs that read paths.
 */
import { posix } from 'node:path';
import { relativeFiles, writeFileSet } from './file-sets.js';
import type { FileSet, HostState, SimFs, ZfsDataset, ZfsSnapshot } from './types.js';

/** The datasets mounted below `mountpoint` (their files are not this dataset's). */
function nestedMountpoints(host: HostState, ds: ZfsDataset): string[] {
  const mp = ds.mountpoint;
  if (!mp || !host.zfs) return [];
  return Object.values(host.zfs.datasets)
    .map((d) => d.mountpoint)
    .filter((m): m is string => m !== undefined && m !== mp && m.startsWith(`${mp === '/' ? '' : mp}/`));
}

/** A dataset's files now, relative to its mountpoint (none for a volume or an unmounted one). */
export function datasetFiles(host: HostState, ds: ZfsDataset): FileSet {
  if (ds.type !== 'filesystem' || !ds.mountpoint) return {};
  const nested = nestedMountpoints(host, ds).map((m) => m.slice(ds.mountpoint!.length));
  const all = relativeFiles(host.fs, ds.mountpoint);
  return Object.fromEntries(Object.entries(all).filter(([p]) => !nested.some((n) => p === n || p.startsWith(`${n}/`))));
}

/** Replaces the dataset's files with a snapshot's (a rollback, a forced receive). */
export function replaceDatasetFiles(host: HostState, ds: ZfsDataset, files: FileSet): void {
  if (ds.type !== 'filesystem' || !ds.mountpoint) return;
  const mp = ds.mountpoint;
  for (const p of Object.keys(datasetFiles(host, ds))) delete host.fs.files[posix.join(mp, p)];
  writeFileSet(host.fs, mp, files);
}

/** Removes a destroyed dataset's files. */
export function dropDatasetFiles(host: HostState, ds: ZfsDataset): void {
  if (!ds.mountpoint) return;
  for (const p of Object.keys(datasetFiles(host, ds))) delete host.fs.files[posix.join(ds.mountpoint, p)];
  host.fs.dirs = host.fs.dirs.filter((d) => d !== ds.mountpoint && !d.startsWith(`${ds.mountpoint}/`));
}

export function snapshotFileSet(s: ZfsSnapshot): FileSet {
  return s.files ?? {};
}

const SNAPDIR = /^(.*?)\/\.zfs(?:\/(snapshot)(?:\/([^/]+))?)?(\/.*)?$/;

/**
 * The `.zfs` directory of a mounted file system as a small file system of
 * its own: `.zfs/snapshot/<name>/...` holds each snapshot's files, read-only.
 * Undefined for a path that is not under a dataset's `.zfs`.
 */
export function snapshotView(host: HostState, path: string): SimFs | undefined {
  const m = SNAPDIR.exec(path);
  if (!m || !host.zfs) return undefined;
  const mp = m[1] === '' ? '/' : m[1]!;
  const ds = Object.values(host.zfs.datasets).find((d) => d.type === 'filesystem' && d.mountpoint === mp);
  if (!ds) return undefined;
  const base = `${mp === '/' ? '' : mp}/.zfs`;
  const view: SimFs = { files: {}, dirs: [base, `${base}/snapshot`] };
  const only = m[2] === 'snapshot' ? m[3] : undefined;
  for (const s of ds.snapshots) {
    const root = `${base}/snapshot/${s.name}`;
    view.dirs.push(root);
    if (only !== undefined && s.name !== only) continue;
    for (const [p, f] of Object.entries(snapshotFileSet(s))) view.files[`${root}${p}`] = f;
  }
  return view;
}

/** The file system a path is read from: a snapshot's view under `.zfs`, else the host's own. */
export function readFs(host: HostState, path: string): SimFs {
  return snapshotView(host, path) ?? host.fs;
}
