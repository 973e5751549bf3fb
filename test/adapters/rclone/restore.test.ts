/**
 * rclone restores on outputs recorded from real rclone 1.60 (marked "1.60")
 * and reconstructed from rclone's S3 backend sources (the backend restore and
 * restore-status JSON, the frozen-object error): per-directory listings, the
 * copy back and its check, every thaw request entry, thaw states, and the
 * older-rclone fallback.
 */
import { describe, expect, it } from 'vitest';
import {
  hasRestoreStatus,
  includeRule,
  lsjsonDirCommand,
  parseLsjsonDir,
  parseRcloneVersion,
  parseThawRequest,
  parseThawStatus,
  rcloneCheckBackCommand,
  rcloneCopyBackCommand,
  rcloneCopyBackFold,
  rcloneThawCommand,
  rcloneThawStatusCommand,
  remoteAt,
} from '../../../src/adapters/rclone/restore.js';
import { rcloneCheckFold } from '../../../src/adapters/rclone/sync.js';
import { foldOutput } from '../../../src/adapters/shared/line-fold.js';
import type { Result } from '../../../src/domain/types.js';
import { fixture } from '../../helpers/fixtures.js';

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected a value, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

const access = { remote: 'glacier:strata-nas/data', configFile: '/root/.config/rclone/rclone.conf' };

describe('rclone restore', () => {
  it('reads the version and whether it has restore-status', () => {
    const f = fixture('rclone', 'version-1.60');
    const v = value(parseRcloneVersion(f.stdout, f.stderr, f.exitCode));
    expect(v).toMatchObject({ major: 1, minor: 60, patch: 1 });
    expect(hasRestoreStatus(v)).toBe(false);
    expect(hasRestoreStatus({ major: 1, minor: 64, patch: 0, text: '' })).toBe(true);
  });

  it('lists one directory, entries named below the remote root, with tier and md5 when given', () => {
    const f = fixture('rclone', 'lsjson-1.60-dir');
    const d = value(parseLsjsonDir('/documents')(f.stdout, f.stderr, f.exitCode));
    expect(d.entries.map((e) => [e.path, e.kind, e.sizeBytes])).toEqual([
      ['/documents/contracts', 'dir', undefined],
      ['/documents/ledger.ods', 'file', 7],
    ]);
    const h = fixture('rclone', 'lsjson-1.60-dir-hash');
    expect(value(parseLsjsonDir('/documents/contracts')(h.stdout, h.stderr, h.exitCode)).entries[0]).toMatchObject({ md5: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const g = fixture('rclone', 'lsjson-s3-glacier');
    expect(value(parseLsjsonDir('/')(g.stdout, g.stderr, g.exitCode)).entries.some((e) => e.tier === 'GLACIER')).toBe(true);
    const missing = fixture('rclone', 'lsjson-1.60-missing-dir');
    expect(parseLsjsonDir('/x')(missing.stdout, missing.stderr, missing.exitCode)).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(lsjsonDirCommand(access, '/documents').argv).toEqual(['rclone', 'lsjson', '--no-mimetype', 'glacier:strata-nas/data/documents']);
    expect(remoteAt('glacier:', '/a b')).toBe('glacier:a b');
  });

  it('copies chosen paths back (stats from the JSON log) and checks them by download', () => {
    const c = fixture('rclone', 'copy-1.60-include');
    expect(value(foldOutput(rcloneCopyBackFold(), c.stdout, c.stderr, c.exitCode))).toMatchObject({ outcome: 'copied', transfers: 2, bytes: 10, frozenCount: 0 });
    const clean = fixture('rclone', 'check-1.60-download-clean');
    expect(value(foldOutput(rcloneCheckFold(), clean.stdout, clean.stderr, clean.exitCode))).toMatchObject({ clean: true, same: 2 });
    const differ = fixture('rclone', 'check-1.60-download-differ');
    expect(value(foldOutput(rcloneCheckFold(), differ.stdout, differ.stderr, differ.exitCode))).toMatchObject({ clean: false, differ: 1, examples: ['* ledger.ods'] });
    expect(rcloneCopyBackCommand(access, { dir: '/documents', local: '/restore/x', include: [includeRule('/contracts', true), includeRule('/ledger[1].ods', false)] }).argv).toEqual([
      'rclone', 'copy', 'glacier:strata-nas/data/documents', '/restore/x', '--include', '/contracts/**', '--include', '/ledger\\[1\\].ods', '--use-json-log', '--stats-one-line', '-v',
    ]);
    expect(rcloneCheckBackCommand(access, { dir: '/documents', local: '/restore/x' }).argv).toEqual(['rclone', 'check', '/restore/x', 'glacier:strata-nas/data/documents', '--download', '--one-way', '--combined', '-']);
  });

  it('a copy that meets frozen objects answers which need a thaw (the fallback before 1.64)', () => {
    const f = fixture('rclone', 'copy-s3-frozen');
    expect(value(foldOutput(rcloneCopyBackFold(), f.stdout, f.stderr, f.exitCode))).toMatchObject({ outcome: 'frozen', frozen: ['ledger-2024.ods'], frozenCount: 1, transfers: 1 });
  });

  it('reads every thaw request entry, though the command exits 0 when some failed', () => {
    const f = fixture('rclone', 'backend-restore-s3-mixed');
    const r = value(parseThawRequest(f.stdout, f.stderr, f.exitCode));
    expect(r.entries.map((e) => [e.remote, e.outcome])).toEqual([
      ['documents/ledger-2024.ods', 'requested'],
      ['documents/readme.txt', 'not-archived'],
      ['documents/contracts/contract-2016.pdf', 'already-in-progress'],
      ['documents/contracts/contract-2017.pdf', 'failed'],
    ]);
    expect(r.counts).toEqual({ requested: 1, 'already-in-progress': 1, 'not-archived': 1, failed: 1 });
    const none = fixture('rclone', 'backend-restore-s3-nothing-matched');
    expect(value(parseThawRequest(none.stdout, none.stderr, none.exitCode)).entries).toEqual([]);
    const file = fixture('rclone', 'backend-restore-s3-is-a-file');
    expect(parseThawRequest(file.stdout, file.stderr, file.exitCode)).toMatchObject({ ok: false, error: { message: expect.stringContaining('is a file not a directory') } });
    expect(rcloneThawCommand(access, { dir: '/documents', include: ['/ledger-2024.ods'], priority: 'Bulk', lifetimeDays: 3 }).argv).toEqual([
      'rclone', 'backend', 'restore', 'glacier:strata-nas/data/documents', '--include', '/ledger-2024.ods', '-o', 'priority=Bulk', '-o', 'lifetime=3',
    ]);
    expect(() => rcloneThawCommand(access, { dir: '/', priority: 'Fast' as never, lifetimeDays: 1 })).toThrow(/priority/);
  });

  it('reads thaw states: thawing, thawed until a future expiry, expired, not requested; and says when rclone is too old', () => {
    const now = Date.UTC(2024, 0, 31) / 1000;
    const f = fixture('rclone', 'restore-status-1.64');
    const s = value(parseThawStatus(now)(f.stdout, f.stderr, f.exitCode));
    expect(s.entries.map((e) => [e.remote, e.state])).toEqual([
      ['documents/ledger-2024.ods', 'thawing'],
      ['documents/contracts/contract-2016.pdf', 'thawed'],
      ['documents/contracts/contract-2015.pdf', 'expired'],
    ]);
    expect(s.entries[1]!.expiresAtSec).toBe(Date.UTC(2024, 1, 3) / 1000);
    const all = fixture('rclone', 'restore-status-1.64-all');
    expect(value(parseThawStatus(now)(all.stdout, all.stderr, all.exitCode)).counts).toEqual({ thawed: 1, thawing: 0, expired: 0, 'not-requested': 2 });
    const old = fixture('rclone', 'restore-status-1.60-unsupported');
    expect(value(parseThawStatus(now)(old.stdout, old.stderr, old.exitCode))).toMatchObject({ supported: false });
    expect(rcloneThawStatusCommand(access, { dir: '/documents', all: true }).argv).toEqual(['rclone', 'backend', 'restore-status', 'glacier:strata-nas/data/documents', '-o', 'all']);
  });
});
