/**
 * A file browser over a backup point, as data: the directory on screen, the
 * listings read so far (one directory at a time, through the engine's browse
 * call), a cursor and a filter per directory, and the selection, which spans
 * directories. The slice (browser-slice.ts) holds one of these and calls the
 * loader; the component draws it. Nothing here does I/O.
 *
 * A listing can hold 100,000 entries: it is sorted once when it arrives, the
 * filtered view is cached per listing and filter text, and a frame draws only
 * the rows that fit, so a key costs what a short directory costs.
 */
import type { Loadable } from './restore-wizard.js';

export type BrowseEntryKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'block' | 'char' | 'fifo' | 'socket' | 'image' | 'other';

/** One entry as the engine lists it (the adapters' FileEntry has this shape). */
export interface BrowseEntry {
  /** Absolute, `/`-separated, no trailing slash. */
  readonly path: string;
  readonly name: string;
  readonly kind: BrowseEntryKind;
  readonly sizeBytes?: number;
  /** Modification time, epoch milliseconds. */
  readonly mtimeMs?: number;
}

/** One directory's entries, as the loader answers. */
export interface DirListing {
  readonly dir: string;
  readonly entries: readonly BrowseEntry[];
  /** Entries past the engine's bound were counted but not listed: how many there were in all. */
  readonly totalEntries?: number;
}

/** Reads one directory of the point (the engine's browse call, bound to a source). */
export type BrowseLoader = (dir: string) => Promise<DirListing>;

export interface Browser {
  /** What is browsed, for the header (`restic-usb · 2026-11-30 02:00Z`). */
  readonly title: string;
  /** The top: the operator cannot go above it. */
  readonly root: string;
  readonly dir: string;
  /** Each directory read (or being read), by path. A listing is kept once read: going back costs nothing. */
  readonly listings: Readonly<Record<string, Loadable<DirListing>>>;
  /** Cursor per directory, in its filtered view. */
  readonly cursors: Readonly<Record<string, number>>;
  /** Filter text per directory (a name contains it, any case). */
  readonly filters: Readonly<Record<string, string>>;
  /** `/` was pressed: keys type into this directory's filter until Enter or Esc. */
  readonly isFiltering: boolean;
  /** Chosen entries by path, across directories; a directory stands for everything in it. */
  readonly selected: Readonly<Record<string, BrowseEntry>>;
}

export function newBrowser(title: string, root: string): Browser {
  const top = normaliseDir(root);
  return { title, root: top, dir: top, listings: {}, cursors: {}, filters: {}, isFiltering: false, selected: {} };
}

/** `/a/b/` -> `/a/b`, `` -> `/`. */
export function normaliseDir(path: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  return `/${parts.join('/')}`;
}

export function parentDir(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Directories first, then by name as bytes compare (what `ls` in the C locale shows). */
function compareEntries(a: BrowseEntry, b: BrowseEntry): number {
  const da = a.kind === 'dir' ? 0 : 1;
  const db = b.kind === 'dir' ? 0 : 1;
  if (da !== db) return da - db;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The listing as the browser keeps it: sorted once, here, not on every frame. */
export function sortedListing(listing: DirListing): DirListing {
  return { ...listing, dir: normaliseDir(listing.dir), entries: [...listing.entries].sort(compareEntries) };
}

interface FilterCache {
  /** Each name in lower case, made once per listing: typing a filter then allocates only its result. */
  readonly lower: readonly string[];
  /** The last few filters' results, newest last: Backspace finds the shorter filter here. */
  readonly results: { readonly filter: string; readonly indices: readonly number[]; readonly entries: readonly BrowseEntry[] }[];
}

const caches = new WeakMap<DirListing, FilterCache>();
const KEPT_FILTERS = 16;

/** The entries of a listing that the filter lets through (a name contains it, any case), cached per listing. */
export function filteredEntries(listing: DirListing, filter: string): readonly BrowseEntry[] {
  if (filter === '') return listing.entries;
  let cache = caches.get(listing);
  if (!cache) {
    cache = { lower: listing.entries.map((e) => e.name.toLowerCase()), results: [] };
    caches.set(listing, cache);
  }
  const hit = cache.results.find((r) => r.filter === filter);
  if (hit) return hit.entries;
  // Typing narrows: the next letter searches what a shorter filter left.
  const needle = filter.toLowerCase();
  const base = cache.results.filter((r) => filter.startsWith(r.filter)).sort((a, b) => b.filter.length - a.filter.length)[0];
  const indices: number[] = [];
  const { lower } = cache;
  if (base) {
    for (const i of base.indices) if (lower[i]!.includes(needle)) indices.push(i);
  } else {
    for (let i = 0; i < lower.length; i++) if (lower[i]!.includes(needle)) indices.push(i);
  }
  const entries = indices.map((i) => listing.entries[i]!);
  cache.results.push({ filter, indices, entries });
  if (cache.results.length > KEPT_FILTERS) cache.results.shift();
  return entries;
}

export const currentListing = (b: Browser): Loadable<DirListing> | undefined => b.listings[b.dir];

/** The rows of the directory on screen as filtered, or empty while it loads or after it failed. */
export function visibleEntries(b: Browser): readonly BrowseEntry[] {
  const l = currentListing(b);
  return l?.state === 'ready' ? filteredEntries(l.value, b.filters[b.dir] ?? '') : [];
}

export function cursorOf(b: Browser): number {
  const n = visibleEntries(b).length;
  return Math.max(0, Math.min(b.cursors[b.dir] ?? 0, n - 1));
}

export const entryAtCursor = (b: Browser): BrowseEntry | undefined => visibleEntries(b)[cursorOf(b)];

/** The selected directory that holds this path (it is chosen with it), or null. */
export function coveringSelection(b: Browser, path: string): string | null {
  for (let p = parentDir(path); ; p = parentDir(p)) {
    if (b.selected[p]) return p;
    if (p === '/') return null;
  }
}

export type SelectionMark = 'selected' | 'covered' | 'none';

export function selectionMark(b: Browser, path: string): SelectionMark {
  if (b.selected[path]) return 'selected';
  return coveringSelection(b, path) !== null ? 'covered' : 'none';
}

/**
 * Space on an entry: chosen or not. Choosing a directory drops what was
 * chosen inside it (the directory holds it). An entry inside a chosen
 * directory cannot be chosen alone: the reason says so.
 */
export function toggleSelection(b: Browser, entry: BrowseEntry): { readonly selected: Browser['selected'] } | { readonly reason: string } {
  if (b.selected[entry.path]) {
    const { [entry.path]: _gone, ...rest } = b.selected;
    return { selected: rest };
  }
  const cover = coveringSelection(b, entry.path);
  if (cover) return { reason: `${entry.path} is already chosen with ${cover}/` };
  const inside = `${entry.path}/`;
  const kept = entry.kind === 'dir' ? Object.fromEntries(Object.entries(b.selected).filter(([p]) => !p.startsWith(inside))) : b.selected;
  return { selected: { ...kept, [entry.path]: entry } };
}

export interface SelectionSummary {
  readonly count: number;
  readonly files: number;
  readonly dirs: number;
  /** Bytes of the chosen files whose size the listing gave (a directory's size is known only once restored). */
  readonly bytes: number;
}

export function selectionSummary(b: Browser): SelectionSummary {
  let files = 0;
  let dirs = 0;
  let bytes = 0;
  for (const e of Object.values(b.selected)) {
    if (e.kind === 'dir') dirs++;
    else {
      files++;
      bytes += e.sizeBytes ?? 0;
    }
  }
  return { count: files + dirs, files, dirs, bytes };
}

/** The chosen paths, sorted: what a restore is asked to bring back. */
export const selectedPaths = (b: Browser): string[] => Object.keys(b.selected).sort();
