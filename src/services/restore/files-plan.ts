/**
 * Plans of file and dataset restores, one per source kind, each ending with
 * a check that reads the data back: the restored tree listed and compared
 * with the source's own listing (every file's size, the count and the bytes)
 * or, for rclone, `rclone check --download` (every file read on both
 * sides). Read-only probes only; nothing here changes a host.
 */
import { posix } from 'node:path';
import { copyOutCommand, listTreeCommand, mkdirCommand, DEFAULT_TREE_LIMIT } from '../../adapters/files/commands.js';
import { listTree } from '../../adapters/files/index.js';
import type { FindListing } from '../../adapters/files/parse.js';
import { pbsRestoreArchiveCommand, fileRestoreExtractCommand, type PbsFileAccess } from '../../adapters/pbs/index.js';
import type { RcloneAccess } from '../../adapters/rclone/commands.js';
import { includeRule, rcloneCheckBackCommand, rcloneCopyBackCommand, rcloneThawCommand } from '../../adapters/rclone/restore.js';
import { resticRestoreCommand, type ResticAccess, type ResticFeatures } from '../../adapters/restic/index.js';
import type { FileEntry, FileTree } from '../../adapters/shared/file-tree.js';
import { snapshotDirectory, zfsCloneCommand, zfsReceiveFromReplicaCommand, zfsRollbackCommand } from '../../adapters/zfs/restore.js';
import type { PlanCheck, PlanStep } from '../../kinds/action-types.js';
import type { PreflightCheck } from '../../kinds/restore-types.js';
import { describeCommand } from '../../transport/shell-script.js';
import type { Runner } from '../../transport/runner.js';
import { RestoreError } from './api.js';
import type { FileMethod, FileRestoreRequest, FileRestoreTarget, ThawPlan, ThawPriority } from './files-api.js';
import { rebase, under, type InternalSource } from './files-sources.js';

/** Expected files in a check: a few thousand named, the rest counted. */
const MAX_EXPECTED = 2_000;

export interface Expected {
  files: number;
  bytes: number;
  sizes: Record<string, number>;
}

export function emptyExpected(): Expected {
  return { files: 0, bytes: 0, sizes: {} };
}

function addFile(x: Expected, rel: string, size: number): void {
  x.files++;
  x.bytes += size;
  if (Object.keys(x.sizes).length < MAX_EXPECTED) x.sizes[rel] = size;
}

/** The files at or below `path` of a tree, named by `rel(path)`. */
export function collectTree(tree: FileTree, path: string, rel: (p: string) => string, into: Expected): boolean {
  const kind = tree.kindOf(path);
  if (kind === undefined) return false;
  if (kind === 'dir') {
    for (const e of tree.list(path) ?? []) {
      if (e.kind === 'dir') collectTree(tree, e.path, rel, into);
      else if (e.kind === 'file') addFile(into, rel(e.path), e.sizeBytes ?? 0);
    }
    return true;
  }
  const parent = path.slice(0, path.lastIndexOf('/')) || '/';
  const e = tree.list(parent)?.find((x) => x.path === path);
  if (e?.kind === 'file') addFile(into, rel(path), e.sizeBytes ?? 0);
  return true;
}

export function collectListing(l: FindListing, prefix: string, into: Expected): void {
  for (const e of l.entries) if (e.kind === 'file') addFile(into, prefix === '' ? e.relative : `${prefix}/${e.relative}`, e.sizeBytes);
  if (l.rootKind === 'file') addFile(into, prefix, 0);
}

export interface PlanParts {
  readonly method: FileMethod;
  readonly paths: readonly string[];
  readonly target: FileRestoreTarget;
  readonly steps: PlanStep[];
  readonly checks: PlanCheck[];
  readonly cleanup: PlanStep[];
  readonly preflight: PreflightCheck[];
  readonly destroys: string[];
  readonly confirmWord: string | null;
  readonly progress: 'percent' | 'bytes';
  readonly onFailure: string;
  readonly notes: string[];
  readonly thaw?: ThawPlan;
  /** The step whose duration is the restore (for bytes polled under `pollDir`). */
  readonly pollDir?: string;
}

export const filesMatch = (host: string, root: string, x: Expected | string, label: string, exact = true): PlanCheck => ({
  id: `files-${root}`,
  label,
  host,
  command: listTreeCommand(root, DEFAULT_TREE_LIMIT),
  output: typeof x === 'string' ? { kind: 'files-match', root, unknownWhy: x } : exact ? { kind: 'files-match', root, files: x.files, bytes: x.bytes, expect: x.sizes } : { kind: 'files-match', root, expect: x.sizes, unknownWhy: 'over the original: only the restored files are compared, the directory holds others' },
});

const relOf = (p: string) => p.replace(/^\/+/, '');

/** The alternate directory files land in by default. */
export function alternateDir(nowSec: number): string {
  const d = new Date(nowSec * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `/var/tmp/strata-restore/${d}`;
}

function checkPaths(s: InternalSource, paths: readonly string[]): void {
  for (const p of paths) {
    if (!p.startsWith('/') || p.includes('\0') || /\/\.\.?(\/|$)/.test(p)) throw new RestoreError('invalid', `not an absolute path: ${JSON.stringify(p)}`);
    if (!under(p, s.source.covers)) throw new RestoreError('invalid', `${p} is not in ${s.source.layerId}'s copy (it holds ${s.source.covers})`);
  }
}

// ---------------------------------------------------------------------------
// restic

export interface ResticPlanInput {
  readonly s: InternalSource;
  readonly access: ResticAccess;
  readonly features: ResticFeatures;
  readonly tree: FileTree;
  readonly request: FileRestoreRequest;
  readonly paths: readonly string[];
  readonly nowSec: number;
}

export function planResticFiles(i: ResticPlanInput): PlanParts {
  const { s, request, paths } = i;
  checkPaths(s, paths);
  const host = s.source.host;
  const snapshot = s.origin.kind === 'restic' ? s.origin.snapshot : '';
  const original = request.target?.kind === 'original';
  const dir = original ? '/' : (request.target?.kind === 'alternate' && request.target.dir) || alternateDir(i.nowSec);
  if (!dir.startsWith('/')) throw new RestoreError('invalid', `the target directory must be absolute: ${dir}`);
  const verify = request.verify ?? true;
  const overwrite = original && request.target?.kind === 'original' ? request.target.overwrite : undefined;
  const notes: string[] = [];
  const destroys: string[] = [];
  if (original) {
    if (i.features.overwrite) {
      if (overwrite === undefined) throw new RestoreError('invalid', 'over the original files restic 0.17+ needs an overwrite policy: always, if-changed, if-newer or never');
      if (overwrite !== 'never') destroys.push(`restic --overwrite ${overwrite} replaces ${overwrite === 'always' ? 'every' : overwrite === 'if-newer' ? 'every older' : 'every changed'} file at ${paths.join(', ')} with the snapshot's`);
    } else {
      if (overwrite !== undefined) notes.push(`this restic (${i.features.overwrite ? '' : 'before 0.17'}) has no --overwrite: it always overwrites`);
      destroys.push(`restic before 0.17 always overwrites: every file at ${paths.join(', ')} that the snapshot holds is replaced, files the snapshot lacks stay`);
    }
  }
  const expected: Expected[] = paths.map(() => emptyExpected());
  // Over the original a file is checked in its directory (which holds other files too): only what was restored is compared.
  const roots = paths.map((p) => (original && i.tree.kindOf(p) === 'file' ? posix.dirname(p) : p));
  paths.forEach((p, k) => {
    if (!collectTree(i.tree, p, (x) => relOf(original ? rebase(x, roots[k]!, '/') : x), expected[k]!)) throw new RestoreError('invalid', `${p} is not in snapshot ${snapshot.slice(0, 8)}`);
  });
  const steps: PlanStep[] = [];
  if (!original) steps.push({ host, command: mkdirCommand(dir), description: `create ${dir}` });
  const cmd = resticRestoreCommand(i.access, { snapshot, target: dir, include: paths, verify, ...(overwrite !== undefined && i.features.overwrite ? { overwrite } : {}), ...(original ? { overOriginal: true } : {}) }, i.features);
  steps.push({ host, command: cmd, description: `restic restore of ${paths.join(', ')} from snapshot ${snapshot.slice(0, 8)} to ${dir}`, streams: true, output: { kind: 'restic-restore' }, measuresRestore: true });
  const total = expected.reduce((a, x) => ({ files: a.files + x.files, bytes: a.bytes + x.bytes, sizes: { ...a.sizes, ...x.sizes } }), emptyExpected());
  const checks = original ? paths.map((p, k) => filesMatch(host, roots[k]!, expected[k]!, `${p} read back: files and sizes as in the snapshot`, false)) : [filesMatch(host, dir, total, `${dir} read back: files and sizes as in the snapshot`)];
  if (!i.features.jsonRestoreProgress) notes.push('this restic prints no progress: elapsed time and the bytes under the target are shown instead');
  if (verify) notes.push('--verify: restic reads every restored file back against the snapshot');
  return {
    method: 'files',
    paths,
    target: { host, path: dir, overwrites: original },
    steps,
    checks,
    cleanup: [],
    preflight: [],
    destroys,
    confirmWord: destroys.length > 0 ? host : null,
    progress: i.features.jsonRestoreProgress ? 'percent' : 'bytes',
    onFailure: original ? 'files restored before the failure stay in place; the rest are as they were' : `what was restored stays in ${dir}; remove it with rm -r when done`,
    notes,
    ...(!i.features.jsonRestoreProgress ? { pollDir: dir } : {}),
  };
}

// ---------------------------------------------------------------------------
// PBS pxar archives

export interface PbsPlanInput {
  readonly s: InternalSource;
  readonly access: PbsFileAccess;
  readonly hasPattern: boolean;
  readonly tree: FileTree;
  readonly request: FileRestoreRequest;
  readonly paths: readonly string[];
  readonly nowSec: number;
}

export function planPbsFiles(i: PbsPlanInput): PlanParts {
  const { s, request, paths } = i;
  checkPaths(s, paths);
  if (s.origin.kind !== 'pbs-archive') throw new RestoreError('invalid', 'not a PBS archive');
  if (request.target?.kind === 'original') throw new RestoreError('unsupported', `the PBS client runs on ${s.source.host}: restore to a directory there and copy the files over`);
  const { snapshot, archive } = s.origin;
  const host = s.source.host;
  const dir = (request.target?.kind === 'alternate' && request.target.dir) || alternateDir(i.nowSec);
  const covers = s.source.covers;
  const inner = (p: string) => rebase(p, covers, '/');
  const expected = emptyExpected();
  for (const p of paths) {
    if (!collectTree(i.tree, `/${archive}${inner(p) === '/' ? '' : inner(p)}`, (x) => relOf(x.slice(archive.length + 1)), expected)) throw new RestoreError('invalid', `${p} is not in ${snapshot}`);
  }
  const whole = paths.some((p) => inner(p) === '/');
  const steps: PlanStep[] = [{ host, command: mkdirCommand(dir), description: `create ${dir}` }];
  const restoreName = archive.replace(/\.didx$/, '');
  if (whole || i.hasPattern) {
    steps.push({
      host,
      command: pbsRestoreArchiveCommand(i.access, { snapshot, archive: restoreName, target: dir, allowExistingDirs: true, ...(whole ? {} : { paths: paths.map(inner) }) }),
      description: `proxmox-backup-client restore of ${whole ? `the whole of ${restoreName}` : paths.join(', ')} from ${snapshot} to ${dir}`,
      measuresRestore: true,
    });
  } else {
    // A client without --pattern: one proxmox-file-restore extract per path, into its parent's place.
    for (const p of paths) {
      const into = posix.join(dir, posix.dirname(inner(p)));
      if (into !== dir) steps.push({ host, command: mkdirCommand(into), description: `create ${into}` });
      steps.push({ host, command: fileRestoreExtractCommand(i.access, { snapshot, path: `/${archive}${inner(p)}`, target: into }), description: `proxmox-file-restore extract of ${p} from ${snapshot}`, measuresRestore: paths.length === 1 });
    }
  }
  return {
    method: 'files',
    paths,
    target: { host, path: dir, overwrites: false },
    steps,
    checks: [filesMatch(host, dir, expected, `${dir} read back: files and sizes as in the catalog`)],
    cleanup: [],
    preflight: [],
    destroys: [],
    confirmWord: null,
    progress: 'bytes',
    onFailure: `what was extracted stays in ${dir}`,
    notes: [
      `the archive ${restoreName} holds ${covers}: files land in ${dir} by their path inside it`,
      ...(i.hasPattern || whole ? [] : ['this client has no restore --pattern (3.x): each path is extracted with proxmox-file-restore']),
    ],
    pollDir: dir,
  };
}

// ---------------------------------------------------------------------------
// PBS VM images (proxmox-file-restore)

export interface PbsImagePlanInput {
  readonly s: InternalSource;
  readonly access: PbsFileAccess;
  readonly request: FileRestoreRequest;
  readonly paths: readonly string[];
  readonly nowSec: number;
  /** One directory of the image (`proxmox-file-restore list`). */
  list(dir: string): Promise<readonly FileEntry[]>;
}

/** At most this many directories are listed to learn what a chosen directory holds. */
const MAX_IMAGE_DIRS = 200;

export async function planPbsImage(i: PbsImagePlanInput): Promise<PlanParts> {
  const { s, request, paths } = i;
  if (s.origin.kind !== 'pbs-image') throw new RestoreError('invalid', 'not a PBS VM image');
  if (request.target?.kind === 'original') throw new RestoreError('unsupported', `files of a VM image are extracted on ${s.source.host}: restore to a directory there and copy them into the guest`);
  const { snapshot } = s.origin;
  const host = s.source.host;
  const dir = (request.target?.kind === 'alternate' && request.target.dir) || alternateDir(i.nowSec);
  for (const p of paths) if (!/^\/[^/]+\.img\.fidx\/part\/[^/]+\/.+/.test(p)) throw new RestoreError('invalid', `${p} is not a path inside a partition of an image (/drive-scsi0.img.fidx/part/2/etc/hosts)`);
  // What each path holds, listed a directory at a time (bounded): the check compares against it.
  const expected = emptyExpected();
  let dirs = 0;
  let bounded = false;
  const walk = async (path: string, rel: string): Promise<void> => {
    if (dirs++ >= MAX_IMAGE_DIRS) {
      bounded = true;
      return;
    }
    for (const e of await i.list(path)) {
      const r = `${rel}/${e.name}`;
      if (e.kind === 'dir') await walk(e.path, r);
      else if (e.kind === 'file') addFile(expected, r.replace(/^\/+/, ''), e.sizeBytes ?? 0);
    }
  };
  for (const p of paths) {
    const parent = posix.dirname(p);
    const e = (await i.list(parent)).find((x) => x.path === p || x.name === posix.basename(p));
    if (!e) throw new RestoreError('invalid', `${p} is not in ${snapshot}`);
    if (e.kind === 'dir') await walk(p, posix.basename(p));
    else if (e.kind === 'file') addFile(expected, posix.basename(p), e.sizeBytes ?? 0);
  }
  const steps: PlanStep[] = [{ host, command: mkdirCommand(dir), description: `create ${dir}` }];
  for (const p of paths) steps.push({ host, command: fileRestoreExtractCommand(i.access, { snapshot, path: p, target: dir }), description: `proxmox-file-restore extract of ${p} from ${snapshot} (the first one boots the restore VM)`, measuresRestore: paths.length === 1 });
  return {
    method: 'files',
    paths,
    target: { host, path: dir, overwrites: false },
    steps,
    checks: [filesMatch(host, dir, bounded ? `more than ${MAX_IMAGE_DIRS} directories chosen: not all were listed` : expected, `${dir} read back: files and sizes as the image lists them`)],
    cleanup: [],
    preflight: [],
    destroys: [],
    confirmWord: null,
    progress: 'bytes',
    onFailure: `what was extracted stays in ${dir}`,
    notes: ['each chosen path lands in the target by its last component (hosts, nginx/...)', 'proxmox-file-restore starts a small VM for the image: the first access takes a while'],
    pollDir: dir,
  };
}

// ---------------------------------------------------------------------------
// ZFS

export interface ZfsPlanInput {
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

export async function planZfs(i: ZfsPlanInput): Promise<PlanParts> {
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

function collectSub(all: Expected, rel: string, into: Expected): void {
  for (const [p, size] of Object.entries(all.sizes)) if (p === rel || p.startsWith(`${rel}/`)) addFile(into, p.slice(rel.length).replace(/^\/+/, ''), size);
}

// ---------------------------------------------------------------------------
// rclone

export interface RclonePlanInput {
  readonly s: InternalSource;
  readonly access: RcloneAccess;
  readonly request: FileRestoreRequest;
  readonly paths: readonly string[];
  readonly nowSec: number;
}

export function planRclone(i: RclonePlanInput): PlanParts {
  const { s, request, paths } = i;
  checkPaths(s, paths);
  const host = s.source.host;
  const original = request.target?.kind === 'original';
  const dir = original ? s.source.covers : (request.target?.kind === 'alternate' && request.target.dir) || alternateDir(i.nowSec);
  const rels = paths.map((p) => s.sourcePath(p));
  const include = rels.flatMap((r) => (r === '' ? ['/**'] : [includeRule(r, false), includeRule(r, true)]));
  const steps: PlanStep[] = [
    ...(original ? [] : [{ host, command: mkdirCommand(dir), description: `create ${dir}` }]),
    { host, command: rcloneCopyBackCommand(i.access, { dir: '', local: dir, include }), description: `rclone copy of ${paths.join(', ')} from ${i.access.remote} to ${dir}`, streams: true, measuresRestore: true },
  ];
  const check: PlanCheck = {
    id: 'rclone-check',
    label: `rclone check --download: what came back to ${dir} read again on both sides`,
    host,
    command: rcloneCheckBackCommand(i.access, { dir: '', local: dir, include }),
    output: { kind: 'rclone-check-back' },
  };
  let thaw: ThawPlan | undefined;
  if (s.source.cold && s.coldObjects && s.coldObjects.length > 0) {
    const priority: ThawPriority = request.thaw?.priority ?? 'Standard';
    const tier = s.source.cold.tiers.find((t) => t.priority === priority);
    if (!tier?.available) throw new RestoreError('unsupported', `${priority} is not offered for ${s.source.cold.storageClass}`);
    const lifetimeDays = request.thaw?.lifetimeDays ?? 3;
    const cmd = rcloneThawCommand(i.access, { dir: '', include, priority, lifetimeDays });
    thaw = { priority, lifetimeDays, wait: tier.wait, cost: tier.cost, storageClass: s.source.cold.storageClass, objects: s.coldObjects, command: { host, command: describeCommand(cmd), description: `request a ${priority} thaw of ${s.coldObjects.length} object${s.coldObjects.length === 1 ? '' : 's'} (kept ${lifetimeDays} days)` } };
  }
  return {
    method: 'files',
    paths,
    target: { host, path: dir, overwrites: original },
    steps,
    checks: [check],
    cleanup: [],
    preflight: [],
    destroys: original ? [`rclone copy replaces every file at ${paths.join(', ')} that differs from the copy's`] : [],
    confirmWord: original ? host : null,
    progress: 'bytes',
    onFailure: `what was copied stays in ${dir}`,
    notes: thaw ? [`${thaw.storageClass} objects: a thaw (${thaw.priority}: ${thaw.wait}, cost ${thaw.cost}) comes first; Strata saves the restore and copies when every object is thawed (strata restore --resume ID)`] : [],
    ...(thaw ? { thaw } : {}),
    pollDir: dir,
  };
}

/** Runs the listing of a snapshot directory, or throws the reason. */
export async function listOrThrow(runner: Runner, dir: string): Promise<FindListing> {
  const r = await listTree(runner, { dir });
  if (!r.ok) throw new RestoreError(r.error.kind === 'not-found' ? 'no-source' : 'unreadable', r.error.message);
  return r.value;
}
