/**
 * Files and datasets from ZFS snapshots, of the dataset itself
 * (zfs-snapshots) or of its replica (zfs-replication): browsed and copied
 * out of the snapshot's `.zfs/snapshot` directory, a dataset cloned, rolled
 * back, or received back from the replica; each read back against the
 * snapshot directory's listing.
 */
import { posix } from 'node:path';
import { copyOutCommand, mkdirCommand } from '../../../adapters/files/commands.js';
import { listDirectory as listHostDirectory } from '../../../adapters/files/index.js';
import type { FindListing } from '../../../adapters/files/parse.js';
import { mountpoint as zfsMountpoint, snapshotOrder as zfsSnapshotOrder } from '../../../adapters/zfs/index.js';
import { snapshotDirectory, zfsCloneCommand, zfsReceiveFromReplicaCommand, zfsRollbackCommand } from '../../../adapters/zfs/restore.js';
import type { Layer } from '../../../domain/inventory.js';
import type { FileContext, InternalSource, PlanParts } from '../../files-rule.js';
import type { FileMethod, FileRestoreRequest } from '../../files-types.js';
import { RestoreError } from '../../restore-types.js';
import { fail, must } from './must.js';
import { rebase, relOf } from './paths.js';
import { alternateDir, checkPaths, collectListing, collectSub, emptyExpected, filesMatch, listOrThrow, type Expected } from './plan-parts.js';

const zfsOrigin = (s: InternalSource) => (s.origin.kind === 'zfs-snapshot' || s.origin.kind === 'zfs-replica' ? s.origin : fail('invalid', 'not a ZFS source'));

/** One directory of the snapshot directory, in host paths. */
export async function browseZfs(layer: Layer, s: InternalSource, dir: string, ctx: FileContext, opts: { limit: number; signal?: AbortSignal }) {
  const o = zfsOrigin(s);
  const r = await listHostDirectory(ctx.runner(layer.host), { dir: snapshotDirectory(o.mountpoint, o.snapshot, s.sourcePath(dir)), as: dir, limit: opts.limit }, { timeoutMs: 120_000, ...(opts.signal ? { signal: opts.signal } : {}) });
  const l = must(r, `listing ${dir} in ${s.source.id}`);
  return { entries: l.entries, truncated: l.truncated };
}

/** The plan of a file copy, clone, rollback or receive from a ZFS snapshot. */
export function planZfsRestore(layer: Layer, s: InternalSource, ask: { readonly request: FileRestoreRequest; readonly method: FileMethod; readonly paths: readonly string[] }, ctx: FileContext): Promise<PlanParts> {
  const o = zfsOrigin(s);
  const runner = ctx.runner;
  return planZfs({
    s,
    request: ask.request,
    method: ask.method,
    paths: ask.paths,
    nowSec: ctx.nowSec(),
    listSnapshot: (rel) => listOrThrow(runner(layer.host), snapshotDirectory(o.mountpoint, o.snapshot, rel)),
    snapshotOrder: async (h, ds) => must(await zfsSnapshotOrder(runner(h), ds, { timeoutMs: 20_000 }), `snapshots of ${ds}`),
    mountpointOf: async (h, ds) => {
      const r = await zfsMountpoint(runner(h), ds, { timeoutMs: 20_000 });
      return r.ok && 'path' in r.value ? r.value.path : undefined;
    },
  });
}

interface ZfsPlanInput {
  readonly s: InternalSource;
  readonly request: FileRestoreRequest;
  readonly method: FileMethod;
  readonly paths: readonly string[];
  readonly nowSec: number;
  /** Listing of the snapshot directory (the whole of it, or each path). */
  listSnapshot(rel: string): Promise<FindListing>;
  /** Snapshots of a dataset oldest first (names after `@`). */
  snapshotOrder(host: string, dataset: string): Promise<string[]>;
  /** The mountpoint of a dataset's parent, for a clone's. */
  mountpointOf(host: string, dataset: string): Promise<string | undefined>;
}

async function planZfs(i: ZfsPlanInput): Promise<PlanParts> {
  const { s, request, method } = i;
  if (s.origin.kind !== 'zfs-snapshot' && s.origin.kind !== 'zfs-replica') throw new RestoreError('invalid', 'not a ZFS source');
  const o = s.origin;
  const host = s.source.host;
  const snapDir = snapshotDirectory(o.mountpoint, o.snapshot);
  if (method === 'files') {
    checkPaths(s, i.paths);
    const original = request.target?.kind === 'original';
    const rels = i.paths.map((p) => relOf(rebase(p, s.source.covers, '/')));
    if (rels.some((r) => r === '')) throw new RestoreError('invalid', 'the whole dataset: restore it as a clone (--method clone) instead of copying every file');
    const dir = original ? s.source.covers : (request.target?.kind === 'alternate' && request.target.dir) || alternateDir(i.nowSec);
    const expected = emptyExpected();
    for (const r of rels) collectListing(await i.listSnapshot(r), r, expected);
    const destroys = original ? [`cp -a overwrites every file at ${i.paths.join(', ')} with the snapshot's copy (files the snapshot lacks stay)`] : [];
    return {
      method,
      paths: i.paths,
      target: { host, path: dir, overwrites: original },
      steps: [
        ...(original ? [] : [{ host, command: mkdirCommand(dir), description: `create ${dir}` }]),
        { host, command: copyOutCommand({ from: snapDir, paths: rels, to: dir }), description: `copy ${i.paths.join(', ')} out of ${o.dataset}@${o.snapshot} to ${dir}`, measuresRestore: true },
      ],
      checks: original
        ? rels.map((r) => filesMatch(host, posix.join(dir, r), ((x) => (collectSub(expected, r, x), x))(emptyExpected()), `${posix.join(dir, r)} read back: files and sizes as in the snapshot`))
        : [filesMatch(host, dir, expected, `${dir} read back: files and sizes as in the snapshot`)],
      cleanup: [],
      preflight: [],
      destroys,
      confirmWord: original ? host : null,
      progress: 'bytes',
      onFailure: original ? 'files copied before the failure are replaced; the rest are as they were' : `what was copied stays in ${dir}`,
      notes: [`from ${snapDir} (the snapshot's read-only view)`],
      pollDir: dir,
    };
  }
  // zfs-fuse has no .zfs directory: then the check reads and counts what came back without a listing to compare.
  let whole: Expected | string = emptyExpected();
  try {
    collectListing(await i.listSnapshot(''), '', whole);
  } catch (e) {
    whole = `the snapshot directory ${snapDir} could not be read (${e instanceof Error ? e.message : String(e)})`;
  }
  if (method === 'clone') {
    const base = o.kind === 'zfs-replica' ? o.dataset : o.dataset;
    const stamp = new Date(i.nowSec * 1000).toISOString().replace(/[-:]/g, '').slice(0, 15);
    const name = request.cloneName ?? `${base}-restore-${stamp}`;
    const parent = name.slice(0, name.lastIndexOf('/'));
    const parentMount = parent ? await i.mountpointOf(host, parent) : undefined;
    const mount = parentMount ? posix.join(parentMount, name.slice(name.lastIndexOf('/') + 1)) : `/${name}`;
    return {
      method,
      paths: [],
      target: { host, path: name, overwrites: false },
      steps: [{ host, command: zfsCloneCommand({ dataset: o.dataset, snapshot: o.snapshot, target: name, parents: true }), description: `clone ${o.dataset}@${o.snapshot} as ${name} (nothing destroyed)`, measuresRestore: true }],
      checks: [filesMatch(host, mount, whole, `${mount} (the clone) read back: files and sizes as in the snapshot`)],
      cleanup: [],
      preflight: [],
      destroys: [],
      confirmWord: null,
      progress: 'bytes',
      onFailure: 'nothing changed (a clone either exists or not)',
      notes: [`the clone depends on ${o.dataset}@${o.snapshot}: that snapshot cannot be destroyed while the clone exists (zfs promote ${name} to swap them)`],
    };
  }
  if (method === 'rollback') {
    if (o.kind !== 'zfs-snapshot') throw new RestoreError('unsupported', 'a rollback goes back to a snapshot of the dataset itself; from a replica use --method receive');
    const order = await i.snapshotOrder(host, o.dataset);
    const at = order.indexOf(o.snapshot);
    if (at < 0) throw new RestoreError('no-source', `${o.dataset}@${o.snapshot} is no longer there`);
    const newer = order.slice(at + 1);
    const destroys = [`every change to ${o.dataset} since ${o.snapshot}`, ...(newer.length > 0 ? [`zfs rollback -r destroys ${newer.length} newer snapshot${newer.length === 1 ? '' : 's'}: ${newer.join(', ')}`] : [])];
    return {
      method,
      paths: [],
      target: { host, path: o.dataset, overwrites: true },
      steps: [{ host, command: zfsRollbackCommand({ dataset: o.dataset, snapshot: o.snapshot, destroyNewer: newer.length > 0 }), description: `roll ${o.dataset} back to ${o.snapshot}${newer.length > 0 ? ` (-r: ${newer.length} newer snapshots destroyed)` : ''}`, measuresRestore: true }],
      checks: [filesMatch(host, o.mountpoint, whole, `${o.mountpoint} read back: files and sizes as in the snapshot`)],
      cleanup: [],
      preflight: [],
      destroys,
      confirmWord: o.dataset,
      progress: 'bytes',
      onFailure: 'a refused rollback changes nothing (a clone of a newer snapshot blocks it: zfs says which)',
      notes: ['the non-destructive route is a clone (--method clone)'],
    };
  }
  // receive: the replica's snapshot back onto the original dataset.
  if (o.kind !== 'zfs-replica' || !o.original) throw new RestoreError('unsupported', 'receive restores a dataset from its replica');
  const orig = o.original;
  const [mine, theirs] = await Promise.all([i.snapshotOrder(orig.host, orig.dataset), i.snapshotOrder(host, o.dataset)]);
  const upTo = theirs.indexOf(o.snapshot);
  if (upTo < 0) throw new RestoreError('no-source', `${o.dataset}@${o.snapshot} is no longer there`);
  const common = theirs.slice(0, upTo).filter((x) => mine.includes(x)).at(-1);
  if (mine.includes(o.snapshot)) throw new RestoreError('unsupported', `${orig.dataset} still has ${o.snapshot}: roll it back from its snapshot layer (--method rollback) instead of receiving it`);
  const newerHere = common ? mine.slice(mine.indexOf(common) + 1) : mine;
  const destroys = [
    `zfs recv -F rolls ${orig.dataset} back to ${common ?? 'nothing'} first: every change since${newerHere.length > 0 ? ` and ${newerHere.length} newer snapshot${newerHere.length === 1 ? '' : 's'} there (${newerHere.join(', ')})` : ''} are discarded`,
  ];
  const cmd = zfsReceiveFromReplicaCommand({ replica: o.dataset, snapshot: o.snapshot, ...(common ? { from: common } : {}), target: orig.dataset, force: true });
  return {
    method,
    paths: [],
    target: { host: orig.host, path: orig.dataset, overwrites: true },
    steps: [{ host, command: cmd, description: `send ${o.dataset}@${o.snapshot}${common ? ` (incremental from ${common})` : ''} back into ${orig.dataset}`, measuresRestore: true }],
    checks: [filesMatch(orig.host, orig.mountpoint, whole, `${orig.mountpoint} read back: files and sizes as in the replica's snapshot`)],
    cleanup: [],
    preflight: common || mine.length === 0 ? [] : [{ id: 'common-snapshot', label: 'a snapshot both sides have', state: 'failed', detail: `${orig.dataset} and ${o.dataset} share no snapshot before ${o.snapshot}: a full receive needs the dataset destroyed or renamed first` }],
    destroys,
    confirmWord: orig.dataset,
    progress: 'bytes',
    onFailure: `a refused receive changes nothing; one that failed half way leaves ${orig.dataset} at ${common ?? 'its state before'}`,
    notes: ['-F discards the newer snapshots on the receiving side; without it zfs refuses a changed target'],
  };
}
