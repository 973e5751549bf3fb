/**
 * `restic ls --json SNAP [DIR]` (restore-formats §6): a snapshot line, then
 * one node a line. Without DIR restic walks the whole snapshot; with DIR it
 * prints that directory itself and its children only (a directory that is
 * not in the snapshot prints nothing but the snapshot line, exit 0).
 *
 * The listing is folded line by line into a FileTree as it streams, so a
 * snapshot of a million files is never one string in memory.
 *
 * Browsing: every `restic ls` opens the repository and loads its index (for
 * a cloud repository seconds), while walking the trees costs little. So a
 * browser reads a snapshot once, recursively, into the tree (cached by
 * snapshot id: snapshots never change) and then opens any directory at once;
 * only a snapshot past the tree's bound (`truncated`) is browsed a directory
 * at a time with `dir`.
 */
import { err, ok } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { excerpt } from '../shared/json.js';
import { FileTree, normaliseTreePath, type FileKind } from '../shared/file-tree.js';
import { LastLines, type LineFold } from '../shared/line-fold.js';
import { rfc3339ToEpochMs } from '../shared/values.js';
import { resticEnv, type ResticAccess } from './commands.js';
import { resticFailure } from './parse.js';

const SNAPSHOT_REF = /^([0-9a-f]{4,64}|latest)$/;

export function checkSnapshotRef(ref: string): string {
  if (!SNAPSHOT_REF.test(ref)) throw new TypeError(`not a restic snapshot id or "latest": ${JSON.stringify(ref)}`);
  return ref;
}

function checkAbsolute(what: string, path: string): string {
  if (!path.startsWith('/') || path.includes('\0') || path.includes('\n')) throw new TypeError(`not an absolute ${what}: ${JSON.stringify(path)}`);
  return path;
}

/**
 * `restic ls --json SNAP` (the whole snapshot) or `restic ls --json SNAP -- DIR`
 * (one directory). Meant to be streamed through `resticLsFold`; `run` would
 * hold the whole listing (some 350 bytes a node).
 */
export function resticLsCommand(a: ResticAccess, p: { snapshot: string; dir?: string }): Command {
  return {
    argv: ['restic', 'ls', '--json', '--', checkSnapshotRef(p.snapshot), ...(p.dir !== undefined ? [checkAbsolute('directory', p.dir)] : [])],
    ...resticEnv(a),
  };
}

export interface ResticListedSnapshot {
  readonly id: string;
  readonly shortId: string;
  readonly timeSec?: number;
  readonly paths: readonly string[];
  readonly hostname?: string;
}

export interface ResticListing {
  readonly snapshot: ResticListedSnapshot;
  readonly tree: FileTree;
  /** The directory listed (`dir` mode); the tree then holds it and its children only. */
  readonly dir?: string;
}

const KINDS: Readonly<Record<string, FileKind>> = {
  file: 'file',
  dir: 'dir',
  symlink: 'symlink',
  dev: 'block',
  chardev: 'char',
  fifo: 'fifo',
  socket: 'socket',
};

/** A snapshot a listing named that does not exist: 0.14 `invalid id "x": no matching ID found`, later `failed to find snapshot`. */
export function snapshotNotFound(text: string): string | undefined {
  const line = text.split('\n').find((l) => /no matching ID found|failed to find snapshot|no snapshot found|invalid id "/i.test(l));
  return line?.trim();
}

export function resticLsFold(p: { dir?: string; maxEntries?: number } = {}): LineFold<ResticListing> {
  const tree = new FileTree(p.maxEntries);
  const log = new LastLines(20);
  let snapshot: ResticListedSnapshot | undefined;
  let badLine: string | undefined;
  return {
    line(stream, raw) {
      if (stream === 'stderr') {
        log.push(raw);
        return;
      }
      const t = raw.trim();
      if (t === '') return;
      let o: Record<string, unknown>;
      try {
        const v: unknown = JSON.parse(t);
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SyntaxError('not an object');
        o = v as Record<string, unknown>;
      } catch {
        badLine ??= t;
        return;
      }
      const type = o.message_type ?? o.struct_type;
      if (type === 'snapshot') {
        const id = typeof o.id === 'string' ? o.id : '';
        const time = typeof o.time === 'string' ? rfc3339ToEpochMs(o.time) : undefined;
        snapshot = {
          id,
          shortId: typeof o.short_id === 'string' ? o.short_id : id.slice(0, 8),
          ...(time !== undefined ? { timeSec: Math.floor(time / 1000) } : {}),
          paths: Array.isArray(o.paths) ? o.paths.filter((x): x is string => typeof x === 'string') : [],
          ...(typeof o.hostname === 'string' ? { hostname: o.hostname } : {}),
        };
        return;
      }
      if (type !== 'node' || typeof o.path !== 'string' || typeof o.type !== 'string') {
        badLine ??= t;
        return;
      }
      const mtime = typeof o.mtime === 'string' ? rfc3339ToEpochMs(o.mtime) : undefined;
      tree.add({
        path: o.path,
        kind: KINDS[o.type] ?? 'other',
        ...(typeof o.size === 'number' && Number.isFinite(o.size) ? { sizeBytes: o.size } : {}),
        ...(mtime !== undefined ? { mtimeMs: Math.floor(mtime) } : {}),
      });
    },
    finish(exitCode) {
      if (exitCode !== 0) {
        const missing = snapshotNotFound(log.text);
        if (missing) return err('not-found', `restic ls: ${excerpt(missing, 200)}`);
        return resticFailure(log.text, exitCode);
      }
      if (badLine !== undefined) return err('parse', `restic ls: not a JSON snapshot or node line: "${excerpt(badLine)}"`);
      // 0.14 skips a snapshot id it cannot find with `Ignoring "x": no matching ID found` and exits 0.
      const missing = snapshot ? undefined : snapshotNotFound(log.text);
      if (missing) return err('not-found', `restic ls: ${excerpt(missing, 200)}`);
      if (!snapshot || snapshot.id === '') return err('parse', `restic ls: no snapshot line in the output (${excerpt(log.text) || 'no output'})`);
      if (p.dir !== undefined) {
        const dir = normaliseTreePath(p.dir);
        if (dir !== '/' && tree.kindOf(dir) === undefined) return err('not-found', `restic ls: ${dir} is not in snapshot ${snapshot.shortId}`);
        return ok({ snapshot, tree, dir });
      }
      return ok({ snapshot, tree });
    },
  };
}
