import { describe, expect, it } from 'vitest';
import {
  groupByHostAndPath,
  parseBackupOutput,
  parseCheckOutput,
  parseForgetOutput,
  parseResticSnapshots,
} from '../../../src/adapters/restic/parse.js';
import type { Result } from '../../../src/domain/types.js';
import { fixture } from '../../helpers/fixtures.js';

function run<T>(parse: (o: string, e: string, c: number) => Result<T>, name: string): Result<T> {
  const f = fixture('restic', name);
  return parse(f.stdout, f.stderr, f.exitCode);
}

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected a value, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

const failure = (r: Result<unknown>) => (r.ok ? null : r.error);

describe('restic snapshots --json', () => {
  it('reads real restic 0.14 output: ids, times with nanoseconds, hosts, paths, tags', () => {
    const snaps = value(run(parseResticSnapshots, 'snapshots-0.14-normal'));
    expect(snaps).toHaveLength(3);
    expect(snaps[0]).toMatchObject({
      id: '17e12bcf4376f8c7f7aca9c449d03cd2afcfa8f859ca146624ec471f61dc7bc6',
      shortId: '17e12bcf',
      timeSec: Math.floor(Date.parse('2026-11-21T23:37:00.143Z') / 1000),
      hostname: 'pve1',
      paths: ['/tmp/rx/data/a'],
      tags: ['daily'],
    });
    expect(snaps[1]!.tags).toEqual([]);
    expect(snaps[0]!.programVersion).toBeUndefined();
  });

  it('reads 0.16 output: program_version, and times in the creating host offset', () => {
    const snaps = value(run(parseResticSnapshots, 'snapshots-0.16-normal'));
    expect(snaps.map((s) => [s.hostname, s.timeSec])).toEqual([
      ['docker1', Date.UTC(2024, 0, 30, 2, 0, 2) / 1000],
      ['docker1', Date.UTC(2024, 0, 31, 2, 0, 1) / 1000],
      ['laptop', Date.UTC(2024, 0, 31, 6, 30, 0) / 1000],
    ]);
    expect(snaps[0]!.programVersion).toBe('restic 0.16.4');
    expect(snaps[1]!.parent).toBe('a1'.repeat(32));
  });

  it('reads the 0.17 summary', () => {
    const [s] = value(run(parseResticSnapshots, 'snapshots-0.17-normal'));
    expect(s!.summary).toEqual({
      backupStart: Date.UTC(2024, 0, 31, 2, 0, 1) / 1000,
      backupEnd: Date.UTC(2024, 0, 31, 2, 3, 11) / 1000,
      filesNew: 12,
      dataAdded: 5242880,
      totalFilesProcessed: 10249,
      totalBytesProcessed: 2147483648,
    });
  });

  it('reads an empty repository as no snapshots', () => {
    expect(value(run(parseResticSnapshots, 'snapshots-0.14-empty'))).toEqual([]);
  });

  it('does not mistake --group-by output for snapshots', () => {
    expect(run(parseResticSnapshots, 'snapshots-0.17-grouped').ok).toBe(false);
  });

  it('refuses a snapshot whose time is not RFC 3339 (no silent local-time guess)', () => {
    const bad = '[{"time":"2024-01-31 02:00:01","paths":["/a"],"hostname":"h","id":"abcdef0123456789"}]';
    expect(parseResticSnapshots(bad, '', 0).ok).toBe(false);
  });

  it.each([
    ['snapshots-0.14-missing-repo', 'not-found', /repository not found \(exit 1\): Fatal: unable to open config file/],
    ['snapshots-0.17-missing-repo', 'not-found', /exit 10/],
    ['snapshots-0.14-wrong-password', 'auth', /password is wrong \(exit 1\)/],
    ['snapshots-0.17.1-wrong-password', 'auth', /exit 12/],
    ['snapshots-0.18-exit-error-json', 'auth', /exit 12\): Fatal: wrong password/],
    ['snapshots-0.14-locked', 'locked', /locked \(exit 1\): unable to create lock in backend: repository is already locked exclusively/],
    ['snapshots-0.17-locked', 'locked', /exit 11/],
    ['snapshots-0.14-password-file-missing', 'auth', /could not get the repository password.*does not exist/],
    ['snapshots-0.14-password-command-failed', 'auth', /could not get the repository password/],
    ['snapshots-0.14-no-password', 'auth', /empty password/],
    ['snapshots-0.14-s3-unreachable', 'command-failed', /could not open the repository.*connection refused/],
    ['snapshots-interrupted', 'command-failed', /interrupted \(exit 130\)/],
  ])('recognises %s as %s', (name, kind, message) => {
    const e = failure(run(parseResticSnapshots, name));
    expect(e?.kind).toBe(kind);
    expect(e?.message).toMatch(message);
  });
});

describe('grouping per host and path', () => {
  it('counts a snapshot of two paths for both, per host', () => {
    const groups = groupByHostAndPath(value(run(parseResticSnapshots, 'snapshots-0.14-normal')));
    expect(groups.map((g) => [g.hostname, g.path, g.snapshots.length])).toEqual([
      ['docker1', '/tmp/rx/data/b', 1],
      ['pve1', '/tmp/rx/data/a', 2],
      ['pve1', '/tmp/rx/data/b', 1],
    ]);
  });
});

describe('restic backup --json', () => {
  it('reads the summary of a clean backup (real 0.14)', () => {
    expect(value(run(parseBackupOutput, 'backup-0.14-normal'))).toMatchObject({
      incomplete: false,
      snapshotId: '43711d31',
      totalBytesProcessed: 3,
      errors: [],
    });
  });

  it('reads exit 3 as a snapshot made with unreadable files, listing them (real 0.14)', () => {
    const r = value(run(parseBackupOutput, 'backup-0.14-unreadable-file'));
    expect(r).toMatchObject({ incomplete: true, snapshotId: '30349f77' });
    expect(r.errors).toEqual([{ item: '/tmp/rx3/d/secret', during: 'archival', message: 'open /tmp/rx3/d/secret: errno 13' }]);
  });

  it('copes with the empty error object of 0.14-0.16', () => {
    const r = value(run(parseBackupOutput, 'backup-0.16-error-empty-object'));
    expect(r.incomplete).toBe(true);
    expect(r.errors[0]).toMatchObject({ item: '/srv/app/locked.db', message: expect.stringMatching(/no details/) });
  });

  it('reads exit 1 as a failed backup without snapshot', () => {
    expect(failure(run(parseBackupOutput, 'backup-failed'))?.kind).toBe('command-failed');
    expect(parseBackupOutput('{"message_type":"status"}\n', '', 0).ok).toBe(false);
  });
});

describe('restic forget --json and check', () => {
  it('reads groups where remove and tags are null (real 0.14)', () => {
    const groups = value(run(parseForgetOutput, 'forget-0.14-dry-run'));
    expect(groups.length).toBeGreaterThan(2);
    expect(groups[0]).toMatchObject({ host: 'pve1', tags: [], remove: [] });
    expect(groups[0]!.keep).toEqual(['0a5a864a0a320c68bd339999f2529be9a19f7440d2cd652721ae6eb92f1d09a0']);
    expect(groups[1]!.remove).toEqual(['17e12bcf4376f8c7f7aca9c449d03cd2afcfa8f859ca146624ec471f61dc7bc6']);
  });

  it('reads a clean check (real 0.14) and a repository with errors', () => {
    expect(value(run(parseCheckOutput, 'check-0.14-clean')).clean).toBe(true);
    expect(value(run(parseCheckOutput, 'check-errors'))).toEqual({ clean: false, message: 'Fatal: repository contains errors' });
    expect(failure(run(parseCheckOutput, 'snapshots-0.14-wrong-password'))?.kind).toBe('auth');
  });
});
