/**
 * ZFS state operations: snapshots in creation (txg) order, rollback that
 * destroys newer snapshots, and the stream `zfs send` writes and `zfs recv`
 * applies (a text stream here: the snapshots it carries, not data).
 */
import type { FileSet, ZfsDataset, ZfsSnapshot, ZfsState } from './types.js';

export const STREAM_MAGIC = 'ZFS-LAB-STREAM v1';

export function dataset(zfs: ZfsState, name: string): ZfsDataset | undefined {
  return Object.hasOwn(zfs.datasets, name) ? zfs.datasets[name] : undefined;
}

export function poolOf(name: string): string {
  return name.split('/')[0]!.split('@')[0]!;
}

/** The dataset and its descendants, sorted by name. */
export function subtree(zfs: ZfsState, name: string): ZfsDataset[] {
  return Object.values(zfs.datasets)
    .filter((d) => d.name === name || d.name.startsWith(`${name}/`))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function sortedSnapshots(ds: ZfsDataset): ZfsSnapshot[] {
  return [...ds.snapshots].sort((a, b) => a.createtxg - b.createtxg);
}

export function findSnapshot(ds: ZfsDataset, name: string): ZfsSnapshot | undefined {
  return ds.snapshots.find((s) => s.name === name);
}

/** Snapshots taken after `snap` (what a rollback to it destroys). */
export function newerThan(ds: ZfsDataset, snap: ZfsSnapshot): ZfsSnapshot[] {
  return sortedSnapshots(ds).filter((s) => s.createtxg > snap.createtxg);
}

function guid(zfs: ZfsState, seed: number): string {
  // 64-bit decimal, as `zfs get guid` prints it.
  const hi = BigInt((Math.imul(seed ^ 0x9e3779b9, 2654435761) >>> 0) | 0x10000000);
  const lo = BigInt(Math.imul(seed + zfs.nextTxg, 2246822519) >>> 0);
  return ((hi << 32n) | lo).toString();
}

export function createSnapshot(zfs: ZfsState, ds: ZfsDataset, name: string, creation: number, used = 0): ZfsSnapshot {
  const txg = zfs.nextTxg++;
  const s: ZfsSnapshot = { name, creation: Math.floor(creation), used, referenced: ds.referenced, guid: guid(zfs, txg), createtxg: txg };
  ds.snapshots.push(s);
  ds.used += used;
  return s;
}

export function destroySnapshot(ds: ZfsDataset, s: ZfsSnapshot): void {
  const i = ds.snapshots.indexOf(s);
  if (i >= 0) {
    ds.snapshots.splice(i, 1);
    ds.used = Math.max(ds.referenced, ds.used - s.used);
  }
}

export interface StreamSnapshot {
  name: string;
  creation: number;
  guid: string;
  used: number;
  referenced: number;
  /** The snapshot's files (the stream's data). */
  files?: FileSet;
}

export interface ZfsStream {
  source: string;
  /** Set for an incremental stream: the snapshot the target must already have. */
  from?: { name: string; guid: string };
  snapshots: StreamSnapshot[];
  referenced: number;
}

export function encodeStream(s: ZfsStream): string {
  return `${STREAM_MAGIC}\n${JSON.stringify(s)}\n`;
}

export function decodeStream(text: string): ZfsStream | undefined {
  if (!text.startsWith(`${STREAM_MAGIC}\n`)) return undefined;
  try {
    const v = JSON.parse(text.slice(STREAM_MAGIC.length + 1)) as ZfsStream;
    return Array.isArray(v.snapshots) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The stream `zfs send [-i|-I FROM] DS@SNAP` writes. */
export function makeStream(ds: ZfsDataset, to: ZfsSnapshot, from?: ZfsSnapshot, intermediates = false): ZfsStream {
  const all = sortedSnapshots(ds);
  const carried = from
    ? all.filter((s) => s.createtxg > from.createtxg && s.createtxg <= to.createtxg && (intermediates || s === to))
    : [to];
  return {
    source: ds.name,
    ...(from ? { from: { name: from.name, guid: from.guid } } : {}),
    snapshots: carried.map((s) => ({ name: s.name, creation: s.creation, guid: s.guid, used: s.used, referenced: s.referenced, ...(s.files ? { files: s.files } : {}) })),
    referenced: to.referenced,
  };
}

/** Applies a stream to a target dataset (created for a full stream); returns an error text or nothing. */
export function receiveStream(
  zfs: ZfsState,
  targetName: string,
  stream: ZfsStream,
  force: boolean,
  creation: number,
  mountpoint?: string,
): string | undefined {
  let target = dataset(zfs, targetName);
  const parent = targetName.includes('/') ? targetName.slice(0, targetName.lastIndexOf('/')) : undefined;
  if (!stream.from) {
    if (target && !force) return `cannot receive new filesystem stream: destination '${targetName}' exists\nmust specify -F to overwrite it`;
    if (parent && !dataset(zfs, parent)) return `cannot receive new filesystem stream: parent of '${targetName}' does not exist`;
    if (!target) {
      target = {
        name: targetName,
        type: 'filesystem',
        used: 0,
        referenced: 0,
        ...(mountpoint !== undefined ? { mountpoint } : { mountpoint: `/${targetName}` }),
        creation: Math.floor(creation),
        guid: guid(zfs, zfs.nextTxg++),
        snapshots: [],
      };
      zfs.datasets[targetName] = target;
    } else target.snapshots.splice(0);
  } else {
    if (!target) return `cannot receive incremental stream: destination '${targetName}' does not exist`;
    const base = target.snapshots.find((s) => s.guid === stream.from!.guid);
    if (!base) return `cannot receive incremental stream: most recent snapshot of ${targetName} does not\nmatch incremental source`;
    const newer = newerThan(target, base);
    if (newer.length > 0) {
      if (!force) return `cannot receive incremental stream: destination ${targetName} has been modified\nsince most recent snapshot`;
      for (const s of newer) destroySnapshot(target, s);
    }
  }
  for (const s of stream.snapshots) {
    if (target.snapshots.some((x) => x.name === s.name)) return `cannot receive incremental stream: destination ${targetName}@${s.name} already exists`;
    const txg = zfs.nextTxg++;
    target.snapshots.push({ name: s.name, creation: s.creation, used: s.used, referenced: s.referenced, guid: s.guid, createtxg: txg, ...(s.files ? { files: s.files } : {}) });
    target.used += s.used;
  }
  target.referenced = stream.referenced;
  target.used = Math.max(target.used, target.referenced);
  return undefined;
}
