import { describe, expect, it } from 'vitest';
import { archiveCommands, archiveName, listArchivesCommand } from '../../../src/adapters/config-backup/commands.js';
import { parseArchiveDirectory, parseArchiveList, parseArchiveName } from '../../../src/adapters/config-backup/parse.js';
import { isArchiveTier, parseAbout, parseLsjson } from '../../../src/adapters/rclone/parse.js';
import type { Result } from '../../../src/domain/types.js';
import { fixture } from '../../helpers/fixtures.js';

function run<T>(tool: string, parse: (o: string, e: string, c: number) => Result<T>, name: string): Result<T> {
  const f = fixture(tool, name);
  return parse(f.stdout, f.stderr, f.exitCode);
}

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected a value, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

const kind = (r: Result<unknown>) => (r.ok ? null : r.error.kind);

describe('rclone lsjson', () => {
  it('finds the newest object and the total of a real 1.60 listing', () => {
    expect(value(run('rclone', parseLsjson, 'lsjson-1.60-normal'))).toEqual({
      objects: 2,
      totalBytes: 5,
      newest: { path: 'sub/b.dat', timeSec: Math.floor(Date.parse('2026-11-21T23:37:38.965Z') / 1000), sizeBytes: 3 },
      tiers: {},
    });
    expect(value(run('rclone', parseLsjson, 'lsjson-1.60-http')).newest?.path).toBe('sub/b.dat');
  });

  it('reads an empty remote as no objects and no newest', () => {
    expect(value(run('rclone', parseLsjson, 'lsjson-1.60-empty'))).toEqual({ objects: 0, totalBytes: 0, tiers: {} });
  });

  it('reports GLACIER objects as an archive tier even when the newest object is STANDARD', () => {
    const l = value(run('rclone', parseLsjson, 'lsjson-s3-glacier'));
    expect(l.newest).toMatchObject({ path: 'pbs/store1/vm/100/2024-01-31T02:00:01Z/index.json.blob', tier: 'STANDARD' });
    expect(l.tiers).toEqual({ GLACIER: 2, STANDARD: 1 });
    expect(l.archiveTier).toBe('GLACIER');
    expect([isArchiveTier('DEEP_ARCHIVE'), isArchiveTier('Archive'), isArchiveTier('GLACIER_IR'), isArchiveTier('STANDARD')]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('ignores unknown sizes (-1) and compares times across offsets', () => {
    const l = value(run('rclone', parseLsjson, 'lsjson-unknown-size'));
    expect(l.totalBytes).toBe(12);
    expect(l.newest).toEqual({ path: 'docs/report', timeSec: Date.UTC(2024, 0, 31, 9) / 1000 });
  });

  it('never reads the "[" printed before a failure as a listing (real 1.60, exit 3)', () => {
    const f = fixture('rclone', 'lsjson-1.60-missing-dir');
    expect(f.stdout.trim()).toBe('[');
    expect(kind(run('rclone', parseLsjson, 'lsjson-1.60-missing-dir'))).toBe('not-found');
  });

  it('classifies an unconfigured remote as not-found and an S3 403 as auth', () => {
    expect(kind(run('rclone', parseLsjson, 'lsjson-1.60-unknown-remote'))).toBe('not-found');
    const r = run('rclone', parseLsjson, 'lsjson-access-denied');
    expect(kind(r)).toBe('auth');
    expect(r.ok ? '' : r.error.message).toMatch(/rclone exited with 1: Failed to lsjson/);
  });
});

describe('rclone about --json', () => {
  it('reads the fields a backend reports and leaves out the rest', () => {
    expect(value(run('rclone', parseAbout, 'about-1.60-local'))).toEqual({
      totalBytes: 270553174016,
      usedBytes: 23701807104,
      freeBytes: 85242486784,
    });
    expect(value(run('rclone', parseAbout, 'about-drive'))).toMatchObject({ trashedBytes: 1024, otherBytes: 2048 });
    expect(value(run('rclone', parseAbout, 'about-s3-partial'))).toEqual({ usedBytes: 123456789, objects: 42 });
  });

  it('reads a backend without about support as "no capacity", not as an error (real 1.60)', () => {
    expect(value(run('rclone', parseAbout, 'about-1.60-unsupported-memory'))).toBeNull();
    expect(value(run('rclone', parseAbout, 'about-1.60-unsupported-http'))).toBeNull();
  });

  it('reports a missing directory as not-found', () => {
    expect(kind(run('rclone', parseAbout, 'about-1.60-missing-dir'))).toBe('not-found');
  });
});

describe('config archives', () => {
  it('lists real find output oldest first, host and time from the name (UTC)', () => {
    const a = value(run('config-backup', parseArchiveList, 'find-archives-normal'));
    expect(a.map((x) => [x.host, x.timeSec, x.sizeBytes, x.empty])).toEqual([
      ['pve1', Date.UTC(2024, 0, 30, 2, 0, 1) / 1000, 22, false],
      ['pve1', Date.UTC(2024, 0, 31, 2, 0, 2) / 1000, 22, false],
      ['pve-backup-2', Date.UTC(2024, 0, 31, 3, 0, 0) / 1000, 0, true],
    ]);
    expect(a[0]!.mtimeSec).toBe(1706580005);
  });

  it('reads an empty directory as no archives and a missing one as not-found', () => {
    expect(value(run('config-backup', parseArchiveList, 'find-archives-empty'))).toEqual([]);
    expect(kind(run('config-backup', parseArchiveList, 'find-archives-missing-dir'))).toBe('not-found');
  });

  it('reads the configured directory not existing yet as no archive, and every other failure of find as an error', () => {
    const missing = fixture('config-backup', 'find-archives-missing-dir');
    expect(parseArchiveDirectory('/tmp/fx/empty-dir-nope')(missing.stdout, missing.stderr, missing.exitCode)).toEqual({ ok: true, value: { exists: false, archives: [] } });
    // The same words about another path (a parent that vanished mid-listing) are not "not made yet".
    expect(kind(parseArchiveDirectory('/var/backups/strata')(missing.stdout, missing.stderr, missing.exitCode))).toBe('not-found');
    const cLocale = fixture('config-backup', 'find-archives-missing-dir-c-locale');
    expect(value(parseArchiveDirectory("/tmp/fx/it's-not-there/")(cLocale.stdout, cLocale.stderr, cLocale.exitCode)).exists).toBe(false);
    const denied = fixture('config-backup', 'find-archives-permission-denied');
    expect(kind(parseArchiveDirectory('/tmp/fx/denied')(denied.stdout, denied.stderr, denied.exitCode))).toBe('auth');
    expect(kind(parseArchiveDirectory('/d')('', "find: '/d': No such file or directory\nfind: '/d/x': No such file or directory\n", 1))).toBe('not-found');
    expect(kind(parseArchiveDirectory('/d')('', '', 127))).toBe('command-failed');
    expect(value(parseArchiveDirectory('/var/backups/strata')(fixture('config-backup', 'find-archives-normal').stdout, '', 0))).toMatchObject({ exists: true, archives: { length: 3 } });
  });

  it('refuses lines that are not a Strata archive', () => {
    expect(parseArchiveList('1706580005.0 22 /x/notes.txt\n', '', 0).ok).toBe(false);
    expect(parseArchiveList('garbage\n', '', 0).ok).toBe(false);
  });

  it('names archives in UTC and reads the names back', () => {
    const name = archiveName('pve1', 1706666401);
    expect(name).toBe('strata-config-pve1-20240131T020001Z.tar.gz');
    expect(parseArchiveName(name)).toEqual({ host: 'pve1', timeSec: 1706666401 });
    expect(parseArchiveName('strata-config-pve1-20241331T020001Z.tar.gz')).toBeUndefined();
  });

  it('builds the listing and the archive commands as argv, via a temporary name', () => {
    expect(listArchivesCommand('/var/backups/strata/').argv).toEqual([
      'find',
      '/var/backups/strata',
      '-maxdepth',
      '1',
      '-type',
      'f',
      '-name',
      'strata-config-*.tar.gz',
      '-printf',
      '%T@ %s %p\\n',
    ]);
    const plan = archiveCommands({ directory: '/var/backups/strata', host: 'pve1', paths: ['/etc/pve', '/etc/network/'], now: 1706666401 });
    expect(plan.commands.map((c) => c.argv)).toEqual([
      ['mkdir', '-p', '--', '/var/backups/strata'],
      ['tar', '-czf', '/var/backups/strata/.strata-config-pve1-20240131T020001Z.tar.gz.partial', '-C', '/', '--', 'etc/pve', 'etc/network'],
      [
        'mv',
        '-f',
        '--',
        '/var/backups/strata/.strata-config-pve1-20240131T020001Z.tar.gz.partial',
        '/var/backups/strata/strata-config-pve1-20240131T020001Z.tar.gz',
      ],
    ]);
    expect(plan.cleanup.argv).toEqual(['rm', '-f', '--', '/var/backups/strata/.strata-config-pve1-20240131T020001Z.tar.gz.partial']);
  });

  it('refuses relative, parent-escaping or root paths', () => {
    const base = { directory: '/b', host: 'pve1', now: 0 };
    expect(() => archiveCommands({ ...base, paths: ['etc/pve'] })).toThrow();
    expect(() => archiveCommands({ ...base, paths: ['/etc/../root'] })).toThrow();
    expect(() => archiveCommands({ ...base, paths: ['/'] })).toThrow();
    expect(() => archiveCommands({ ...base, directory: 'relative', paths: ['/etc/pve'] })).toThrow();
    expect(() => archiveName('-rf', 0)).toThrow();
  });
});
