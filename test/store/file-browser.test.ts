/** The browser's model: the filter over a listing (cached, narrowing, Backspace) and choices that hold what is inside them. */
import { describe, expect, it } from 'vitest';
import { filteredEntries, newBrowser, sortedListing, toggleSelection, type BrowseEntry, type DirListing } from '../../src/store/file-browser.js';

const file = (dir: string, name: string): BrowseEntry => ({ path: `${dir}/${name}`.replace('//', '/'), name, kind: 'file', sizeBytes: 1 });

describe('the filter', () => {
  const listing: DirListing = sortedListing({ dir: '/', entries: ['Alpha', 'beta', 'ALPHABET', 'gamma', 'delta'].map((n) => file('/', n)) });
  const names = (f: string) => filteredEntries(listing, f).map((e) => e.name);

  it('keeps names that contain the text in any case, in the listing order, narrowing and widening again', () => {
    expect(names('')).toEqual(['ALPHABET', 'Alpha', 'beta', 'delta', 'gamma']);
    expect(names('a')).toEqual(['ALPHABET', 'Alpha', 'beta', 'delta', 'gamma']);
    expect(names('al')).toEqual(['ALPHABET', 'Alpha']);
    expect(names('alphab')).toEqual(['ALPHABET']);
    expect(names('alp')).toEqual(['ALPHABET', 'Alpha']); // Backspace: from the cache, not from what alphab left
    expect(names('ta')).toEqual(['beta', 'delta']);
    expect(names('zz')).toEqual([]);
    expect(names('A')).toEqual(names('a'));
  });

  it('typed and erased in any order, the narrowed and cached results are what a fresh scan of the whole listing gives', () => {
    // A fixed pseudo-random sequence (mulberry32): names over a small alphabet (many partial matches), filters typed, erased and started again.
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const letters = 'abAB.-7';
    const word = (max: number) => Array.from({ length: 1 + rand(max) }, () => letters[rand(letters.length)]).join('');
    const big = sortedListing({ dir: '/', entries: Array.from({ length: 2_000 }, (_, i) => file('/', `${word(6)}${i % 3 === 0 ? '' : String(i % 50)}`)) });
    const fresh = (f: string) => big.entries.filter((e) => e.name.toLowerCase().includes(f.toLowerCase()));
    let typed = '';
    let kinds = 0;
    for (let k = 0; k < 600; k++) {
      const move = typed.length >= 4 ? 0 : rand(6);
      // Erase a letter, start again (often shorter than a cached text, or sharing no prefix with it), or type one.
      typed = move <= 1 ? typed.slice(0, -1) : move === 2 ? word(3) : typed + letters[rand(letters.length)]!;
      const want = fresh(typed);
      if (want.length > 0 && want.length < big.entries.length) kinds++;
      expect(filteredEntries(big, typed)).toEqual(want);
    }
    // The sequence is not trivial: most filters kept some entries and dropped others.
    expect(kinds).toBeGreaterThan(300);
  });

  it('answers the same filter with the same array (a frame does not filter again)', () => {
    expect(filteredEntries(listing, 'et')).toBe(filteredEntries(listing, 'et'));
  });
});

describe('choices', () => {
  it('choosing a directory drops what was chosen inside it; its entries cannot be chosen alone; unchoosing frees them', () => {
    let b = newBrowser('t', '/');
    const conf = file('/etc/nginx', 'nginx.conf');
    const nginx: BrowseEntry = { path: '/etc/nginx', name: 'nginx', kind: 'dir' };
    const other = file('/etc', 'nginx.conf.bak');
    for (const e of [conf, other, nginx]) {
      const r = toggleSelection(b, e);
      if ('reason' in r) throw new Error(r.reason);
      b = { ...b, selected: r.selected };
    }
    // A sibling whose name starts with the directory's is not inside it.
    expect(Object.keys(b.selected).sort()).toEqual(['/etc/nginx', '/etc/nginx.conf.bak']);
    expect(toggleSelection(b, conf)).toEqual({ reason: '/etc/nginx/nginx.conf is already chosen with /etc/nginx/' });
    const off = toggleSelection(b, nginx);
    if ('reason' in off) throw new Error(off.reason);
    expect('selected' in toggleSelection({ ...b, selected: off.selected }, conf)).toBe(true);
  });
});
