/**
 * Plain files on a host, read with GNU find/du/cp (outputs recorded on this
 * machine, names marked "gnu"): a directory's entries NUL-separated so any
 * name reads back, the bound on a huge directory, a directory that is not
 * there, the bytes under a target, a copy with its relative paths.
 */
import { describe, expect, it } from 'vitest';
import { copyOutCommand, duBytesCommand, FIND_FORMAT, listDirectoryCommand, listTreeCommand } from '../../../src/adapters/files/commands.js';
import { directoryListing, listingTree, parseDuBytes, parseFindListing, parseQuietSuccess } from '../../../src/adapters/files/parse.js';
import type { Result } from '../../../src/domain/types.js';
import { fixture } from '../../helpers/fixtures.js';

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected a value, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

const find = (name: string, root: string, limit = 10_000) => {
  const f = fixture('files', name);
  return parseFindListing(root, limit)(f.stdout, f.stderr, f.exitCode);
};

describe('find listings', () => {
  it('reads one directory: kinds, sizes, times, names with spaces and tabs', () => {
    const l = value(find('find-gnu-directory', '/tmp/strata-fx/src/srv/app/data'));
    expect(l.rootKind).toBe('dir');
    expect(l.truncated).toBe(false);
    const listing = directoryListing(l, '/srv/app/data');
    expect(listing.entries.map((e) => [e.path, e.kind, e.sizeBytes])).toEqual([
      ['/srv/app/data/db.sqlite', 'file', 65536],
      ['/srv/app/data/name with spaces.txt', 'file', 1],
      ['/srv/app/data/tab\there', 'file', 3],
    ]);
    expect(listing.entries[0]!.mtimeMs).toBe(1796291285286);
  });

  it('says a directory with more entries than the limit is truncated', () => {
    // Recorded with `head -z -n 3`: the start point and two entries, for a limit of one.
    const l = value(find('find-gnu-directory-truncated', '/tmp/strata-fx/src/srv/app/data', 1));
    expect(l.truncated).toBe(true);
    expect(l.entries).toHaveLength(1);
  });

  it('reads a whole restored tree into a tree', () => {
    const tree = listingTree(value(find('find-gnu-tree', '/tmp/strata-fx/out', 1_000_000)), '/restore');
    expect(tree.list('/restore/tmp/strata-fx/src/etc/nginx')?.map((e) => [e.name, e.kind])).toEqual([
      ['current', 'symlink'],
      ['nginx.conf', 'file'],
      ['sites', 'dir'],
    ]);
  });

  it('a directory that is not there is not-found, though the pipe exits 0', () => {
    expect(find('find-gnu-missing', '/tmp/strata-fx/nope')).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });

  it('refuses records of another shape', () => {
    expect(parseFindListing('/x', 10)('d\t4096\t1.0\tnot-the-start\0', '', 0).ok).toBe(false);
    expect(parseFindListing('/x', 10)('hello\n', '', 0).ok).toBe(false);
    expect(parseFindListing('/x', 10)('', '', 0).ok).toBe(false);
  });

  it('builds the bounded find inside sh -c with every value as a parameter', () => {
    const c = listDirectoryCommand('/tank/data/.zfs/snapshot/daily/it\'s "here"', 500);
    expect(c.argv).toEqual(['sh', '-c', 'find -H "$1" -maxdepth 1 -printf "$3" | head -z -n "$2"', 'sh', '/tank/data/.zfs/snapshot/daily/it\'s "here"', '502', FIND_FORMAT]);
    expect(listTreeCommand('/restore/x').argv[1]).not.toContain('maxdepth');
    expect(() => listDirectoryCommand('relative')).toThrow(/absolute/);
  });
});

describe('du and cp', () => {
  it('reads the bytes under a target, and a target that is not there', () => {
    const f = fixture('files', 'du-gnu-sb');
    expect(value(parseDuBytes(f.stdout, f.stderr, f.exitCode))).toBeGreaterThan(0);
    const m = fixture('files', 'du-gnu-missing');
    expect(parseDuBytes(m.stdout, m.stderr, m.exitCode)).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(duBytesCommand('/restore/x').argv).toEqual(['du', '-sb', '--', '/restore/x']);
  });

  it('copies chosen paths with --parents from the tree root, and names what is missing', () => {
    const c = copyOutCommand({ from: '/tank/data/.zfs/snapshot/daily', paths: ['documents/ledger.ods', 'notes'], to: '/restore/x' });
    expect(c.argv).toEqual(['cp', '-a', '--parents', '--', 'documents/ledger.ods', 'notes', '/restore/x']);
    expect(c.cwd).toBe('/tank/data/.zfs/snapshot/daily');
    expect(() => copyOutCommand({ from: '/a', paths: ['../etc/shadow'], to: '/r' })).toThrow(/relative/);
    const ok = fixture('files', 'cp-gnu-parents-ok');
    expect(value(parseQuietSuccess('cp')(ok.stdout, ok.stderr, ok.exitCode))).toEqual({ done: true });
    const missing = fixture('files', 'cp-gnu-missing');
    expect(parseQuietSuccess('cp')(missing.stdout, missing.stderr, missing.exitCode)).toMatchObject({ ok: false, error: { kind: 'not-found', message: expect.stringContaining("cannot stat 'etc/nope'") } });
  });
});
