/**
 * The parts every file restore plan shares: the files a check expects (from
 * the source's own listing), the check that reads them back, the default
 * target directory, and the paths a plan may take.
 */
import { listTreeCommand, DEFAULT_TREE_LIMIT } from '../../../adapters/files/commands.js';
import { listTree } from '../../../adapters/files/index.js';
import type { FindListing } from '../../../adapters/files/parse.js';
import type { FileTree } from '../../../adapters/shared/file-tree.js';
import type { Runner } from '../../../transport/runner.js';
import type { PlanCheck } from '../../action-types.js';
import type { InternalSource } from '../../files-rule.js';
import { RestoreError } from '../../restore-types.js';
import { under } from './paths.js';

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

export function addFile(x: Expected, rel: string, size: number): void {
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

export const filesMatch = (host: string, root: string, x: Expected | string, label: string, exact = true): PlanCheck => ({
  id: `files-${root}`,
  label,
  host,
  command: listTreeCommand(root, DEFAULT_TREE_LIMIT),
  output: typeof x === 'string' ? { kind: 'files-match', root, unknownWhy: x } : exact ? { kind: 'files-match', root, files: x.files, bytes: x.bytes, expect: x.sizes } : { kind: 'files-match', root, expect: x.sizes, unknownWhy: 'over the original: only the restored files are compared, the directory holds others' },
});

/** The alternate directory files land in by default. */
export function alternateDir(nowSec: number): string {
  const d = new Date(nowSec * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `/var/tmp/strata-restore/${d}`;
}

export function checkPaths(s: InternalSource, paths: readonly string[]): void {
  for (const p of paths) {
    if (!p.startsWith('/') || p.includes('\0') || /\/\.\.?(\/|$)/.test(p)) throw new RestoreError('invalid', `not an absolute path: ${JSON.stringify(p)}`);
    if (!under(p, s.source.covers)) throw new RestoreError('invalid', `${p} is not in ${s.source.layerId}'s copy (it holds ${s.source.covers})`);
  }
}

/** The files of `all` at or below `rel`, named below it. */
export function collectSub(all: Expected, rel: string, into: Expected): void {
  for (const [p, size] of Object.entries(all.sizes)) if (p === rel || p.startsWith(`${rel}/`)) addFile(into, p.slice(rel.length).replace(/^\/+/, ''), size);
}

/** Runs the listing of a snapshot directory, or throws the reason. */
export async function listOrThrow(runner: Runner, dir: string): Promise<FindListing> {
  const r = await listTree(runner, { dir });
  if (!r.ok) throw new RestoreError(r.error.kind === 'not-found' ? 'no-source' : 'unreadable', r.error.message);
  return r.value;
}
