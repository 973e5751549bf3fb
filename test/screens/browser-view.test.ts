/** The browser's rows as text: a row is drawn as its lead and its columns, and the two make the whole line. */
import { describe, expect, it } from 'vitest';
import { entryLine, entryParts } from '../../screens/browse/browser-view.js';
import type { BrowseEntry } from '../../src/store/index.js';

const MTIME = Date.parse('2026-11-30T14:02:00Z');
const file: BrowseEntry = { path: '/etc/hosts', name: 'hosts', kind: 'file', sizeBytes: 220, mtimeMs: MTIME };
const long: BrowseEntry = { path: '/x', name: 'a-very-long-directory-name-that-goes-on-and-on-well-past-the-width', kind: 'dir', mtimeMs: MTIME };

describe('a row of the file browser', () => {
  it('the lead, padding and the columns are the whole line, exactly as wide as the browser, columns against the right edge', () => {
    for (const width of [120, 80, 60, 59, 40, 20]) {
      for (const e of [file, long]) {
        const { lead, columns, padding } = entryParts(e, 'none', false, width);
        const line = entryLine(e, 'none', false, width);
        expect([...line]).toHaveLength(width);
        expect(line).toBe(lead + ' '.repeat(padding) + columns);
        expect(padding).toBeGreaterThan(0);
      }
    }
  });

  it('the lead carries the marks and the name (cut with … when long), the columns the size and, from 60 columns, the time', () => {
    expect(entryParts(file, 'selected', true, 80)).toEqual({ lead: '› [x] hosts', columns: ' 220 B 2026-11-30 14:02Z', padding: 80 - 11 - 24 });
    expect(entryParts(file, 'covered', false, 59)).toEqual({ lead: '  [+] hosts', columns: ' 220 B', padding: 59 - 11 - 6 });
    const cut = entryParts(long, 'none', false, 60).lead;
    expect([...cut]).toHaveLength(6 + 60 - 34);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('sizes line up on their right edge, and a size wider than its column takes from the name, never from the width', () => {
    const wide: BrowseEntry = { ...long, kind: 'file', sizeBytes: 1023.9 * 1024 };
    const small = entryLine(file, 'none', false, 80);
    const big = entryLine(wide, 'none', false, 80);
    expect(big).toContain(' 1023.9 KiB 2026-11-30 14:02Z');
    expect([...big]).toHaveLength(80);
    expect(small.indexOf(' 2026-11-30')).toBe(big.indexOf(' 2026-11-30'));
  });
});
