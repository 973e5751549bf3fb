/**
 * Plans of file restores from PBS: a pxar archive's paths with
 * `proxmox-backup-client restore --pattern` (or one `proxmox-file-restore
 * extract` per path on a client without it), a VM image's paths with
 * `proxmox-file-restore extract`; each read back against the catalog or the
 * image's listing.
 */
import { posix } from 'node:path';
import { mkdirCommand } from '../../adapters/files/commands.js';
import { pbsRestoreArchiveCommand, fileRestoreExtractCommand, type PbsFileAccess } from '../../adapters/pbs/index.js';
import type { FileEntry, FileTree } from '../../adapters/shared/file-tree.js';
import type { PlanCheck, PlanStep } from '../action-types.js';
import type { InternalSource, PlanParts } from '../files-rule.js';
import type { FileRestoreRequest } from '../files-types.js';
import { RestoreError } from '../restore-types.js';
import { rebase, relOf } from '../shared/files/paths.js';
import { addFile, alternateDir, checkPaths, collectTree, emptyExpected, filesMatch, type Expected } from '../shared/files/plan-parts.js';

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
  const links = paths.reduce((n, p) => n + hardlinksUnder(i.tree, `/${archive}${inner(p) === '/' ? '' : inner(p)}`), 0);
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
    checks: [links > 0 ? knownSizesMatch(host, dir, expected, `${links} hard link${links === 1 ? '' : 's'} in the catalog without a size: only the files it gives a size for are compared`) : filesMatch(host, dir, expected, `${dir} read back: files and sizes as in the catalog`)],
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

/** Hard links at or below a catalog path: pxar restores each as a file of its target's size, which the catalog does not give. */
function hardlinksUnder(tree: FileTree, path: string): number {
  const kind = tree.kindOf(path);
  if (kind !== 'dir') return kind === 'hardlink' ? 1 : 0;
  return (tree.list(path) ?? []).reduce((n, e) => n + (e.kind === 'dir' ? hardlinksUnder(tree, e.path) : e.kind === 'hardlink' ? 1 : 0), 0);
}

/** The check of the files whose sizes are known: the totals are not (they would count the hard links too). */
function knownSizesMatch(host: string, dir: string, x: Expected, why: string): PlanCheck {
  const c = filesMatch(host, dir, x, `${dir} read back: the files the catalog gives a size for, with those sizes`);
  return { ...c, output: { kind: 'files-match', root: dir, expect: x.sizes, unknownWhy: why } };
}

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
