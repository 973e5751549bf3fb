/**
 * Pure parsers of `find -printf '%y\t%s\t%T@\t%P\0'` listings, `du -sb` and
 * `cp`. A listing's first record is its start point (empty `%P`): without it
 * the directory was not there, whatever the exit code of the pipe says (its
 * status is head's).
 */
import { err, ok, type ProbeErrorKind, type Result } from '../../domain/types.js';
import { exitFailure, firstLine } from '../shared/failure.js';
import { FileTree, joinTreePath, normaliseTreePath, type DirectoryListing, type FileEntry, type FileKind } from '../shared/file-tree.js';
import { excerpt } from '../shared/json.js';
import type { Parser } from '../shared/run.js';

const KINDS: Readonly<Record<string, FileKind>> = { f: 'file', d: 'dir', l: 'symlink', b: 'block', c: 'char', p: 'fifo', s: 'socket' };
const RECORD = /^([a-zA-Z?])\t(\d+)\t(\d+)(?:\.(\d+))?\t/;

export interface FoundEntry {
  /** Below the start point: `a/b.txt`; '' is the start point. */
  readonly relative: string;
  readonly kind: FileKind;
  readonly sizeBytes: number;
  readonly mtimeMs: number;
}

export interface FindListing {
  readonly root: string;
  readonly rootKind: FileKind;
  readonly entries: readonly FoundEntry[];
  /** More entries than the limit: the rest were not read. */
  readonly truncated: boolean;
  /** find's complaints about entries it could not read (permission denied, vanished). */
  readonly warnings: readonly string[];
}

function findFailureKind(text: string): ProbeErrorKind {
  // `can't cd`: the shell could not enter the command's cwd (a snapshot directory that is not there).
  if (/No such file or directory|Not a directory|can't cd to/i.test(text)) return 'not-found';
  if (/Permission denied/i.test(text)) return 'auth';
  return 'command-failed';
}

/** Parses records; `limit` entries below the start point at most (the command asked for two more). */
export function parseFindListing(root: string, limit: number): Parser<FindListing> {
  return (stdout, stderr, exitCode) => {
    const records = stdout.split('\0');
    if (records.at(-1) === '') records.pop();
    if (records.length === 0) {
      const said = firstLine(stderr);
      if (said) return err(findFailureKind(said), `find ${root}: ${excerpt(said, 200)}`);
      return exitCode !== 0 ? exitFailure('find', exitCode, stderr) : err('parse', `find ${root}: no output, not even the directory itself`);
    }
    const entries: FoundEntry[] = [];
    let rootKind: FileKind | undefined;
    for (const [i, rec] of records.entries()) {
      const m = RECORD.exec(rec);
      if (!m) return err('parse', `find ${root}: record ${i + 1} is not "type<TAB>size<TAB>mtime<TAB>path": "${excerpt(rec)}"`);
      const relative = rec.slice(m[0].length);
      const kind = KINDS[m[1]!] ?? 'other';
      const frac = (m[4] ?? '').padEnd(3, '0').slice(0, 3);
      const entry = { relative, kind, sizeBytes: Number(m[2]), mtimeMs: Number(m[3]) * 1000 + Number(frac) };
      if (i === 0) {
        if (relative !== '') return err('parse', `find ${root}: the first record is not the start point ("${excerpt(relative)}")`);
        rootKind = kind;
        continue;
      }
      if (relative === '') return err('parse', `find ${root}: record ${i + 1} has an empty path`);
      entries.push(entry);
    }
    const truncated = entries.length > limit;
    const warnings = stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .slice(0, 20);
    return ok({ root, rootKind: rootKind ?? 'other', entries: truncated ? entries.slice(0, limit) : entries, truncated, warnings });
  };
}

/** A listing's entries as FileEntries under `as` (a snapshot directory shown as the dataset's own path). */
export function listingEntries(l: FindListing, as = l.root): FileEntry[] {
  const base = normaliseTreePath(as);
  return l.entries.map((e) => {
    const path = normaliseTreePath(joinTreePath(base, e.relative));
    return { path, name: path.slice(path.lastIndexOf('/') + 1), kind: e.kind, ...(e.kind === 'file' ? { sizeBytes: e.sizeBytes } : {}), mtimeMs: e.mtimeMs };
  });
}

export function directoryListing(l: FindListing, as = l.root): DirectoryListing {
  return { dir: normaliseTreePath(as), entries: listingEntries(l, as).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), truncated: l.truncated };
}

/** A recursive listing as a tree rooted at `as`. */
export function listingTree(l: FindListing, as = l.root): FileTree {
  const tree = new FileTree();
  for (const e of listingEntries(l, as)) tree.add(e);
  return tree;
}

/** `du -sb DIR`: `24596\t/path`. */
export function parseDuBytes(stdout: string, stderr: string, exitCode: number): Result<number> {
  if (exitCode !== 0) return exitFailure('du', exitCode, stderr, findFailureKind(stderr));
  const m = /^(\d+)\t/.exec(stdout.trim());
  if (!m) return err('parse', `du: not "bytes<TAB>path": "${excerpt(stdout) || 'no output'}"`);
  return ok(Number(m[1]));
}

/** `cp` and `mkdir` print nothing when they work; their complaints name the path. */
export function parseQuietSuccess(tool: string): Parser<{ done: true }> {
  return (stdout, stderr, exitCode) => {
    if (exitCode !== 0) return exitFailure(tool, exitCode, stderr, findFailureKind(stderr));
    if (stdout.trim() !== '') return err('parse', `${tool}: printed "${excerpt(stdout)}" where it prints nothing`);
    return ok({ done: true });
  };
}
