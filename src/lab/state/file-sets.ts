/**
 * File trees held by backups in the lab: a restic snapshot, a PBS pxar
 * archive, a ZFS snapshot. A tree is a FileSet (path inside the tree ->
 * file), captured from a host's files when the backup runs, listed depth
 * first as the tools walk it, and written back by a restore.
 */
import { posix } from 'node:path';
import { filesUnder, mkdirs, writeFile } from './fs.js';
import type { FileSet, SimFile, SimFs } from './types.js';

/** A copy of the files under `roots` (absolute paths kept), as they are now or, with `asOf`, dated no later than then. */
export function captureFiles(fs: SimFs, roots: readonly string[], asOf?: number): FileSet {
  const out: FileSet = {};
  for (const root of roots) {
    for (const [path, f] of filesUnder(fs, root)) out[path] = asOf === undefined ? { ...f } : { ...f, mtime: Math.min(f.mtime, asOf) };
  }
  return out;
}

/** The files under `root`, with paths relative to it (`/documents/x.ods`). */
export function relativeFiles(fs: SimFs, root: string): FileSet {
  const out: FileSet = {};
  const cut = root === '/' ? 0 : root.length;
  for (const [path, f] of filesUnder(fs, root)) if (path !== root) out[path.slice(cut)] = { ...f };
  return out;
}

export interface TreeNode {
  readonly path: string;
  readonly kind: 'dir' | 'file';
  readonly file?: SimFile;
}

/**
 * Every directory (from the top, `/` itself left out) and file of a tree,
 * depth first, each directory's entries sorted by name: the order restic's
 * and pxar's walks print.
 */
export function depthFirst(files: FileSet, extraDirs: readonly string[] = []): TreeNode[] {
  const children = new Map<string, Set<string>>();
  const add = (path: string) => {
    let p = path;
    while (p !== '/') {
      const parent = posix.dirname(p);
      const set = children.get(parent) ?? new Set<string>();
      if (set.has(p)) break;
      set.add(p);
      children.set(parent, set);
      p = parent;
    }
  };
  for (const p of Object.keys(files)) add(p);
  for (const d of extraDirs) add(d);
  const out: TreeNode[] = [];
  const visit = (dir: string) => {
    for (const p of [...(children.get(dir) ?? [])].sort((a, b) => (posix.basename(a) < posix.basename(b) ? -1 : posix.basename(a) > posix.basename(b) ? 1 : 0))) {
      const file = Object.hasOwn(files, p) ? files[p] : undefined;
      if (file && !children.has(p)) out.push({ path: p, kind: 'file', file });
      else {
        out.push({ path: p, kind: 'dir' });
        visit(p);
      }
    }
  };
  visit('/');
  return out;
}

/** Writes a tree's files under `base` (`/restore/x` + `/etc/hosts`), parents created. */
export function writeFileSet(fs: SimFs, base: string, files: FileSet): void {
  for (const [path, f] of Object.entries(files)) {
    const target = posix.join(base, path);
    mkdirs(fs, posix.dirname(target));
    writeFile(fs, target, { ...f });
  }
}

/** The files of a tree at or below `path`. */
export function subtreeOf(files: FileSet, path: string): FileSet {
  if (path === '/' || path === '') return files;
  const prefix = `${path.replace(/\/+$/, '')}/`;
  return Object.fromEntries(Object.entries(files).filter(([p]) => p === path || p.startsWith(prefix)));
}

export function totalBytes(files: FileSet): number {
  return Object.values(files).reduce((n, f) => n + f.size, 0);
}
