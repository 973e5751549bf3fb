/**
 * The file browser's state and its named actions: the keys call these, the
 * loader (the engine's browse call for one source) answers one directory at
 * a time, the component draws `browser`. A directory is read when it is
 * first entered and kept; one that could not be read says why and is read
 * again when entered again (or Enter on its row).
 */
import type { StateCreator } from 'zustand/vanilla';
import {
  cursorOf,
  entryAtCursor,
  newBrowser,
  normaliseDir,
  parentDir,
  sortedListing,
  toggleSelection,
  visibleEntries,
  type Browser,
  type BrowseEntry,
  type BrowseLoader,
} from './file-browser.js';

export interface BrowserOpening {
  readonly title: string;
  /** The top directory (default `/`). */
  readonly root?: string;
  /** Where it opens, at or under the root (default the root). */
  readonly start?: string;
  readonly load: BrowseLoader;
  /** Chosen before (coming back to the step keeps them). */
  readonly selected?: Readonly<Record<string, BrowseEntry>>;
}

export interface BrowserSlice {
  browser: Browser | null;
  /** Opens a browser at its root and reads that directory. */
  openBrowser(opening: BrowserOpening): void;
  closeBrowser(): void;
  /** j/k/PgUp/PgDn/g/G: the cursor to `to(current, count)`. */
  browserMove(to: (current: number, count: number) => number): void;
  /** Enter: into the directory under the cursor (read now if it was not); on a directory that could not be read, read it again. */
  browserOpen(): void;
  /** Backspace, ←: up one directory (never above the root). */
  browserUp(): void;
  /** Space: choose the entry under the cursor, or unchoose it. */
  browserToggle(): void;
  /** `/`: typing goes into this directory's filter. */
  browserStartFilter(): void;
  browserSetFilter(text: string): void;
  /** Enter keeps the filter, Esc clears it; either way typing ends. */
  browserEndFilter(keep: boolean): void;
}

interface Needs {
  say(text: string, tone?: 'info' | 'warn' | 'error'): void;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export const createBrowserSlice =
  (): StateCreator<BrowserSlice & Needs, [], [], BrowserSlice> =>
  (set, get) => {
    let loader: BrowseLoader | null = null;
    // A browser opened again (another source) drops the answers for the one before.
    let session = 0;

    const update = (change: (b: Browser) => Partial<Browser> | null) =>
      set((s) => {
        if (!s.browser) return {};
        const c = change(s.browser);
        return c ? { browser: { ...s.browser, ...c } } : {};
      });

    const read = (dir: string) => {
      const load = loader;
      if (!load) return;
      const n = session;
      update((b) => ({ listings: { ...b.listings, [dir]: { state: 'loading' } } }));
      // A loader that throws before its promise is a failed directory, not a crash.
      Promise.resolve()
        .then(() => load(dir))
        .then(
          (listing) => {
            if (n !== session) return;
            const sorted = sortedListing({ ...listing, dir });
            update((b) => ({ listings: { ...b.listings, [dir]: { state: 'ready', value: sorted } } }));
          },
          (e: unknown) => {
            if (n !== session) return;
            update((b) => ({ listings: { ...b.listings, [dir]: { state: 'failed', reason: message(e) } } }));
          },
        );
    };

    const enter = (dir: string) => {
      update(() => ({ dir, isFiltering: false }));
      const l = get().browser?.listings[dir];
      if (!l || l.state === 'failed') read(dir);
    };

    return {
      browser: null,
      openBrowser: (o) => {
        session++;
        loader = o.load;
        const b = newBrowser(o.title, o.root ?? '/');
        const start = o.start ? normaliseDir(o.start) : b.root;
        const inside = start === b.root || b.root === '/' || start.startsWith(`${b.root}/`);
        const dir = inside ? start : b.root;
        set({ browser: { ...b, dir, selected: o.selected ?? {} } });
        read(dir);
      },
      closeBrowser: () => {
        session++;
        loader = null;
        set({ browser: null });
      },
      browserMove: (to) =>
        update((b) => {
          const n = visibleEntries(b).length;
          if (n === 0) return null;
          const next = Math.max(0, Math.min(n - 1, to(cursorOf(b), n)));
          return { cursors: { ...b.cursors, [b.dir]: next } };
        }),
      browserOpen: () => {
        const b = get().browser;
        if (!b) return;
        const l = b.listings[b.dir];
        if (l?.state === 'failed') return read(b.dir);
        if (l?.state !== 'ready') return;
        const e = entryAtCursor(b);
        if (!e) return;
        // A VM's disk image (proxmox-file-restore) is opened like a directory: its partitions, then their files.
        if (e.kind !== 'dir' && e.kind !== 'image') return get().say(`${e.name} is not a directory: Space chooses it`, 'info');
        enter(normaliseDir(e.path));
      },
      browserUp: () => {
        const b = get().browser;
        if (!b) return;
        if (b.dir === b.root) return get().say(`${b.root} is the top of this point`, 'info');
        const from = b.dir;
        const up = parentDir(from);
        enter(up);
        // The cursor lands on the directory just left, as in any file manager.
        const after = get().browser;
        if (!after) return;
        const at = visibleEntries(after).findIndex((e) => normaliseDir(e.path) === from);
        if (at >= 0) update((x) => ({ cursors: { ...x.cursors, [up]: at } }));
      },
      browserToggle: () => {
        const b = get().browser;
        const e = b && entryAtCursor(b);
        if (!b || !e) return;
        const r = toggleSelection(b, e);
        if ('reason' in r) return get().say(r.reason, 'warn');
        update(() => ({ selected: r.selected }));
      },
      browserStartFilter: () => update(() => ({ isFiltering: true })),
      browserSetFilter: (text) => update((b) => ({ filters: { ...b.filters, [b.dir]: text }, cursors: { ...b.cursors, [b.dir]: 0 } })),
      browserEndFilter: (keep) =>
        update((b) => ({ isFiltering: false, ...(keep ? {} : { filters: { ...b.filters, [b.dir]: '' }, cursors: { ...b.cursors, [b.dir]: 0 } }) })),
    };
  };
