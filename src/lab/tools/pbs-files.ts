/**
 * The file side of the lab's PBS client (restore-formats §3): `catalog dump`
 * of a host or container snapshot (on STDERR, Rust Debug paths, mtimes in
 * the client host's local time with a literal `Z`; VM snapshots have no
 * catalog), a pxar archive's files restored into a directory (with
 * `--pattern` from client 4.0; 3.x refuses the option), and
 * `proxmox-file-restore list|extract` over pxar archives and VM images.
 */
import { posix } from 'node:path';
import type { ToolContext } from '../shell/types.js';
import { strftime } from '../state/clock.js';
import { depthFirst, subtreeOf, writeFileSet } from '../state/file-sets.js';
import { imageFiles, partitionSizes, pxarFiles } from '../state/pbs-files.js';
import type { FileSet, PbsSnapshot } from '../state/types.js';

/** Rust's `{:?}` of a path: quotes, backslash escapes, `\u{..}` for controls. */
export function rustDebug(path: string): string {
  let out = '"';
  for (const c of path) {
    const cp = c.codePointAt(0)!;
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\u{${cp.toString(16)}}`;
    else out += c;
  }
  return `${out}"`;
}

/** The pxar archives of a snapshot, in manifest order. */
export function pxarArchives(s: PbsSnapshot): string[] {
  return s.files.map((f) => f.filename).filter((f) => f.endsWith('.pxar.didx'));
}

/** The catalog lines (`d "./root.pxar.didx/etc"`), or undefined for a snapshot without a catalog. */
export function catalogLines(s: PbsSnapshot, timeZone: string): string[] | undefined {
  const archives = pxarArchives(s);
  if (archives.length === 0) return undefined;
  const lines: string[] = [];
  for (const a of archives) {
    lines.push(`d ${rustDebug(`./${a}`)}`);
    for (const n of depthFirst(pxarFiles(s, a) ?? {})) {
      const p = rustDebug(`./${a}${n.path}`);
      lines.push(n.kind === 'dir' ? `d ${p}` : `f ${p} ${n.file!.size} ${strftime('%FT%TZ', n.file!.mtime, timeZone)}`);
    }
  }
  return lines;
}

/** A pathpatterns include (`/etc/nginx`, glob characters escaped) back to the path it names. */
function patternPath(pattern: string): string {
  return `/${pattern.replace(/\\(.)/g, '$1').replace(/^\/+/, '').replace(/\/+$/, '')}`;
}

/** An archive's files, or those the patterns select (a directory brings everything below it). */
export function selectedFiles(files: FileSet, patterns: readonly string[]): FileSet {
  if (patterns.length === 0) return files;
  const out: FileSet = {};
  for (const p of patterns) Object.assign(out, subtreeOf(files, patternPath(p)));
  return out;
}

/** The tree proxmox-file-restore shows: `/<archive>/...` for pxar archives, `/<image>/part/<n>/...` for VM images. */
export function fileRestoreTree(s: PbsSnapshot): { files: FileSet; dirs: Map<string, string> } {
  const files: FileSet = {};
  const dirs = new Map<string, string>();
  for (const f of s.files) {
    if (f.filename.endsWith('.pxar.didx')) {
      dirs.set(`/${f.filename}`, 'd');
      for (const [p, x] of Object.entries(pxarFiles(s, f.filename) ?? {})) files[`/${f.filename}${p}`] = x;
    } else if (f.filename.endsWith('.img.fidx')) {
      dirs.set(`/${f.filename}`, 'v');
      dirs.set(`/${f.filename}/part`, 'd');
      for (const n of Object.keys(partitionSizes(s, f.filename))) dirs.set(`/${f.filename}/part/${n}`, 'd');
      for (const [p, x] of Object.entries(imageFiles(s, f.filename) ?? {})) files[`/${f.filename}${p}`] = x;
    }
  }
  return { files, dirs };
}

export interface ListedEntry {
  readonly path: string;
  readonly type: string;
  readonly size?: number;
  readonly mtime?: number;
}

/** The entries directly in `dir` of a file-restore tree; undefined when `dir` is no directory there. */
export function listTreeDir(tree: { files: FileSet; dirs: Map<string, string> }, dir: string): ListedEntry[] | undefined {
  const d = dir === '/' ? '/' : dir.replace(/\/+$/, '');
  const prefix = d === '/' ? '/' : `${d}/`;
  const seen = new Map<string, ListedEntry>();
  for (const [p, type] of tree.dirs) if (p.startsWith(prefix) && !p.slice(prefix.length).includes('/') && p !== d) seen.set(p, { path: p, type });
  let found = d === '/' || tree.dirs.has(d);
  for (const [p, f] of Object.entries(tree.files)) {
    if (!p.startsWith(prefix)) continue;
    found = true;
    const rest = p.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) seen.set(p, { path: p, type: 'f', size: f.size, mtime: f.mtime });
    else {
      const sub = prefix + rest.slice(0, slash);
      if (!seen.has(sub)) seen.set(sub, { path: sub, type: tree.dirs.get(sub) ?? 'd' });
    }
  }
  if (!found) return undefined;
  return [...seen.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Writes `path` of a file-restore tree into `target` as its last component (`TARGET/hosts`, `TARGET/nginx/...`); false when nothing is there. */
export function extractInto(ctx: ToolContext, tree: { files: FileSet; dirs: Map<string, string> }, path: string, target: string): boolean {
  const p = path.replace(/\/+$/, '') || '/';
  const under = subtreeOf(tree.files, p);
  if (Object.keys(under).length === 0) return false;
  const base = posix.dirname(p);
  const rebased: FileSet = {};
  for (const [k, f] of Object.entries(under)) rebased[base === '/' ? k : k.slice(base.length)] = f;
  writeFileSet(ctx.host.fs, target, rebased);
  return true;
}
