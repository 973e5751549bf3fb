/**
 * A loader over an in-memory tree, for the browser's own tests (the wizard's
 * tests browse through the real engine on the lab): it answers one directory
 * at a time as the engine's browse does, records every directory it was
 * asked for, and can be told to fail, throw, or hold a directory back.
 */
import type { BrowseEntry, BrowseLoader, DirListing } from '../../../src/store/index.js';

/** A file is its size in bytes; a directory is an object of its entries. */
export interface Tree {
  readonly [name: string]: number | Tree;
}

export interface TreeLoader {
  readonly load: BrowseLoader;
  /** Every directory asked for, in order. */
  readonly asked: string[];
  /** Directories that fail with this reason (the loader rejects). */
  readonly failing: Map<string, string>;
  /** Directories held back until `release(dir)`. */
  hold(dir: string): void;
  release(dir: string): void;
}

export const MTIME_MS = Date.parse('2026-11-30T14:02:00Z');

function find(tree: Tree, dir: string): Tree | null {
  let node: Tree = tree;
  for (const part of dir.split('/').filter(Boolean)) {
    const next = node[part];
    if (next === undefined || typeof next === 'number') return null;
    node = next;
  }
  return node;
}

export function listingOf(tree: Tree, dir: string): DirListing {
  const node = find(tree, dir);
  if (!node) throw new Error(`${dir}: no such directory in the point`);
  const entries: BrowseEntry[] = Object.entries(node).map(([name, v]) => ({
    path: dir === '/' ? `/${name}` : `${dir}/${name}`,
    name,
    kind: typeof v === 'number' ? 'file' : 'dir',
    ...(typeof v === 'number' ? { sizeBytes: v } : {}),
    mtimeMs: MTIME_MS,
  }));
  return { dir, entries };
}

export function treeLoader(tree: Tree): TreeLoader {
  const asked: string[] = [];
  const failing = new Map<string, string>();
  const held = new Map<string, { wait: Promise<void>; go: () => void }>();
  return {
    asked,
    failing,
    hold(dir) {
      let go = () => undefined as void;
      const wait = new Promise<void>((r) => (go = r));
      held.set(dir, { wait, go });
    },
    release(dir) {
      held.get(dir)?.go();
      held.delete(dir);
    },
    async load(dir) {
      asked.push(dir);
      const h = held.get(dir);
      if (h) await h.wait;
      const reason = failing.get(dir);
      if (reason) throw new Error(reason);
      return listingOf(tree, dir);
    },
  };
}

/** A directory of `n` files named `file-000001` … with sizes that vary. */
export function wideDir(n: number): Tree {
  const out: Record<string, number> = {};
  for (let i = 1; i <= n; i++) out[`file-${String(i).padStart(6, '0')}`] = (i * 7919) % 1_000_000;
  return out;
}
