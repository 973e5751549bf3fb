/**
 * What a file browser reads from any tool's listing (restic ls, a PBS
 * catalog, proxmox-file-restore, find, rclone lsjson): entries by directory.
 * A listing of a snapshot can hold millions of entries, so the tree keeps per
 * entry only its name, kind, size and time, indexed by its directory, and
 * stops keeping entries past a bound (it still counts them): a browser then
 * lists such a snapshot a directory at a time instead.
 */

export type FileKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'block' | 'char' | 'fifo' | 'socket' | 'image' | 'other';

export interface FileEntry {
  /** Absolute, `/`-separated, no trailing slash (`/` itself has no entry). */
  readonly path: string;
  readonly name: string;
  readonly kind: FileKind;
  readonly sizeBytes?: number;
  /** Modification time, epoch milliseconds. */
  readonly mtimeMs?: number;
}

interface Stored {
  readonly name: string;
  readonly kind: FileKind;
  readonly sizeBytes?: number;
  readonly mtimeMs?: number;
}

/** About 20 bytes of text a name plus the object: two million entries stay under a few hundred MB. */
export const DEFAULT_MAX_ENTRIES = 2_000_000;

/** `/a/b/` -> `/a/b`, `a//b` -> `/a/b`, `` -> `/`. `.` and `..` components are dropped, never resolved. */
export function normaliseTreePath(path: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.' && p !== '..');
  return `/${parts.join('/')}`;
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function joinTreePath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

function compareNames(a: Stored, b: Stored): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export interface TreeTotals {
  /** Every entry the listing held (kept or not). */
  readonly entries: number;
  readonly files: number;
  readonly bytes: number;
}

export class FileTree {
  private readonly dirs = new Map<string, Stored[]>();
  private readonly sorted = new Set<string>();
  private readonly kinds = new Map<string, FileKind>();
  private kept = 0;
  private seen = 0;
  private files = 0;
  private bytes = 0;

  constructor(private readonly maxEntries = DEFAULT_MAX_ENTRIES) {
    this.dirs.set('/', []);
  }

  /** True when entries past the bound were counted but not kept. */
  get truncated(): boolean {
    return this.seen > this.kept;
  }

  get totals(): TreeTotals {
    return { entries: this.seen, files: this.files, bytes: this.bytes };
  }

  /** Adds an entry under its directory; parents a listing did not name are added as directories. */
  add(e: { path: string; kind: FileKind; sizeBytes?: number; mtimeMs?: number }): void {
    const path = normaliseTreePath(e.path);
    if (path === '/') return;
    if (this.kinds.has(path)) {
      // A directory first implied by a child, then listed itself: keep its own size and time.
      if (e.kind === 'dir' && this.kinds.get(path) === 'dir') this.replace(path, e);
      return;
    }
    const parent = parentOf(path);
    // A child of something that is not a directory is not part of a tree.
    if (!this.dirs.has(parent) && this.kinds.has(parent)) return;
    if (this.kept < this.maxEntries && !this.dirs.has(parent)) this.add({ path: parent, kind: 'dir' });
    this.seen++;
    if (e.kind === 'file') {
      this.files++;
      if (e.sizeBytes !== undefined && e.sizeBytes > 0) this.bytes += e.sizeBytes;
    }
    const siblings = this.dirs.get(parent);
    if (this.kept >= this.maxEntries || !siblings) return;
    siblings.push(stored(path, e));
    this.sorted.delete(parent);
    this.kinds.set(path, e.kind);
    this.kept++;
    if (e.kind === 'dir' && !this.dirs.has(path)) this.dirs.set(path, []);
  }

  private replace(path: string, e: { kind: FileKind; sizeBytes?: number; mtimeMs?: number }): void {
    const siblings = this.dirs.get(parentOf(path));
    const i = siblings?.findIndex((s) => joinTreePath(parentOf(path), s.name) === path) ?? -1;
    if (siblings && i >= 0) siblings[i] = stored(path, e);
  }

  /** The kind of a path the tree holds, `dir` for `/`. */
  kindOf(path: string): FileKind | undefined {
    const p = normaliseTreePath(path);
    return p === '/' ? 'dir' : this.kinds.get(p);
  }

  /** The entries of a directory sorted by name, or undefined when the tree has no such directory. */
  list(dir: string): FileEntry[] | undefined {
    const d = normaliseTreePath(dir);
    const entries = this.dirs.get(d);
    if (!entries) return undefined;
    if (!this.sorted.has(d)) {
      entries.sort(compareNames);
      this.sorted.add(d);
    }
    return entries.map((s) => ({ path: joinTreePath(d, s.name), ...s }));
  }

  /** Every directory the tree holds. */
  directories(): string[] {
    return [...this.dirs.keys()].sort();
  }
}

function stored(path: string, e: { kind: FileKind; sizeBytes?: number; mtimeMs?: number }): Stored {
  return {
    name: path.slice(path.lastIndexOf('/') + 1),
    kind: e.kind,
    ...(e.sizeBytes !== undefined ? { sizeBytes: e.sizeBytes } : {}),
    ...(e.mtimeMs !== undefined ? { mtimeMs: e.mtimeMs } : {}),
  };
}

export interface DirectoryListing {
  readonly dir: string;
  readonly entries: readonly FileEntry[];
  /** The tool listed fewer entries than the directory holds (a bound was reached). */
  readonly truncated: boolean;
}
