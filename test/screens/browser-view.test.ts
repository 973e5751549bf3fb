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
        const { lead, columns } = entryParts(e, 'none', false, width);
        const line = entryLine(e, 'none', false, width);
        expect([...line]).toHaveLength(width);
        expect(line.startsWith(lead)).toBe(true);
        expect(line.endsWith(columns)).toBe(true);
        expect(line.slice(lead.length, line.length - columns.length).trim()).toBe('');
      }
    }
  });

  it('the lead carries the marks and the name (cut with … when long), the columns the size and, from 60 columns, the time', () => {
    expect(entryParts(file, 'selected', true, 80)).toEqual({ lead: '› [x] hosts', columns: '     220 B 2026-11-30 14:02Z' });
    expect(entryParts(file, 'covered', false, 59)).toEqual({ lead: '  [+] hosts', columns: '     220 B' });
    const cut = entryParts(long, 'none', false, 60).lead;
    expect([...cut]).toHaveLength(6 + 60 - 34);
    expect(cut.endsWith('…')).toBe(true);
  });
});
