import { describe, expect, it } from 'vitest';
import { FileTree } from '../../../src/adapters/shared/file-tree.js';
import { localTimeToEpochSec, parseUtcOffset } from '../../../src/adapters/shared/local-time.js';

describe('FileTree', () => {
  it('indexes entries by directory, implies parents, and sorts each directory by name', () => {
    const t = new FileTree();
    t.add({ path: '/b/z.txt', kind: 'file', sizeBytes: 3 });
    t.add({ path: '/b/a.txt', kind: 'file', sizeBytes: 1 });
    t.add({ path: '/b', kind: 'dir', mtimeMs: 5 });
    expect(t.list('/')).toEqual([{ path: '/b', name: 'b', kind: 'dir', mtimeMs: 5 }]);
    expect(t.list('/b/')?.map((e) => e.path)).toEqual(['/b/a.txt', '/b/z.txt']);
    expect(t.list('/nope')).toBeUndefined();
    expect(t.totals).toEqual({ entries: 3, files: 2, bytes: 4 });
  });

  it('keeps no child of a file and counts past its bound without keeping', () => {
    const t = new FileTree(2);
    t.add({ path: '/f', kind: 'file' });
    t.add({ path: '/f/x', kind: 'file' });
    expect(t.list('/f')).toBeUndefined();
    t.add({ path: '/g', kind: 'file' });
    t.add({ path: '/h', kind: 'file', sizeBytes: 7 });
    expect(t.truncated).toBe(true);
    expect(t.list('/')?.map((e) => e.name)).toEqual(['f', 'g']);
    expect(t.totals).toMatchObject({ files: 3, bytes: 7 });
  });
});

describe('local times', () => {
  it('reads a wall-clock time with a fixed offset or an IANA zone, DST included', () => {
    expect(localTimeToEpochSec('2024-01-31T03:00:01Z', { utcOffsetSec: 3600 })).toBe(Date.UTC(2024, 0, 31, 2, 0, 1) / 1000);
    expect(localTimeToEpochSec('2024-07-01T12:00:00Z', { timeZone: 'Europe/Berlin' })).toBe(Date.UTC(2024, 6, 1, 10) / 1000);
    expect(localTimeToEpochSec('2024-01-01T12:00:00Z', { timeZone: 'Europe/Berlin' })).toBe(Date.UTC(2024, 0, 1, 11) / 1000);
    // Before and after a spring-forward (2024-03-31 02:00 CET -> 03:00 CEST).
    expect(localTimeToEpochSec('2024-03-31T01:30:00Z', { timeZone: 'Europe/Berlin' })).toBe(Date.UTC(2024, 2, 31, 0, 30) / 1000);
    expect(localTimeToEpochSec('2024-03-31T03:30:00Z', { timeZone: 'Europe/Berlin' })).toBe(Date.UTC(2024, 2, 31, 1, 30) / 1000);
    // The repeated hour of a fall-back reads as the earlier instant.
    expect(localTimeToEpochSec('2024-10-27T02:30:00Z', { timeZone: 'Europe/Berlin' })).toBe(Date.UTC(2024, 9, 27, 0, 30) / 1000);
    expect(localTimeToEpochSec('2024-02-30T00:00:00Z', { utcOffsetSec: 0 })).toBeUndefined();
    expect(localTimeToEpochSec('2024-01-01T00:00:00Z', { timeZone: 'Nowhere/Land' })).toBeUndefined();
    expect(parseUtcOffset('+0530')).toBe(19800);
    expect(parseUtcOffset('-01:00')).toBe(-3600);
  });
});
