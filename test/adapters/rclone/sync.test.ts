import { describe, expect, it } from 'vitest';
import { rcloneCheckCommand, rcloneCheckFold, rcloneSyncCommand, rcloneSyncFold, rcloneSyncMarkCommand } from '../../../src/adapters/rclone/sync.js';
import { foldOutput, type LineFold } from '../../../src/adapters/shared/line-fold.js';
import { fixture } from '../../helpers/fixtures.js';

const run = <T>(fold: () => LineFold<T>, name: string) => {
  const f = fixture('rclone', name);
  return foldOutput(fold(), f.stdout, f.stderr, f.exitCode);
};

describe('rclone sync and check commands', () => {
  const access = { remote: 'glacier:strata-nas/data', configFile: '/root/.config/rclone/rclone.conf', secretEnv: { RCLONE_CONFIG_PASS: { file: '/root/.rclone-pass' } } };

  it('syncs with a JSON log and one-line stats; checks one way with the combined report on stdout', () => {
    expect(rcloneSyncCommand(access, '/backup/data')).toEqual({
      argv: ['rclone', 'sync', '/backup/data', 'glacier:strata-nas/data', '--exclude', '/.strata-synced', '--use-json-log', '--stats-one-line', '-v'],
      env: { RCLONE_CONFIG: '/root/.config/rclone/rclone.conf' },
      secretsFrom: { RCLONE_CONFIG_PASS: { file: '/root/.rclone-pass' } },
    });
    expect(rcloneCheckCommand(access, '/backup/data').argv).toEqual(['rclone', 'check', '/backup/data', 'glacier:strata-nas/data', '--one-way', '--combined', '-']);
    expect(() => rcloneSyncCommand(access, '--delete-before')).toThrow();
    expect(rcloneSyncMarkCommand(access, 1_800_000_000).argv).toEqual(['rclone', 'touch', '--s3-storage-class', 'STANDARD', '--timestamp', '2027-01-15T08:00:00', 'glacier:strata-nas/data/.strata-synced']);
    expect(rcloneSyncMarkCommand({ ...access, remote: 'glacier:' }, 1_800_000_000).argv.at(-1)).toBe('glacier:.strata-synced');
  });
});

describe('rclone sync output (real 1.60)', () => {
  it('reads the final stats', () => {
    expect(run(rcloneSyncFold, 'sync-1.60-normal')).toEqual({ ok: true, value: { transfers: 3, bytes: 6, deletes: 0, checks: 0, errors: 0 } });
  });

  it('fails with rclone\'s own words when the source is missing', () => {
    expect(run(rcloneSyncFold, 'sync-1.60-missing-source')).toMatchObject({ ok: false, error: { kind: 'not-found', message: expect.stringContaining('directory not found') } });
  });

  it('will not call a sync done without its stats', () => {
    expect(foldOutput(rcloneSyncFold(), '', '', 0)).toMatchObject({ ok: false, error: { kind: 'parse' } });
  });
});

describe('rclone check output (real 1.60)', () => {
  it('counts a clean check', () => {
    expect(run(rcloneCheckFold, 'check-1.60-clean')).toEqual({ ok: true, value: { same: 3, missingOnRemote: 0, missingOnSource: 0, differ: 0, errors: 0, examples: [], clean: true, sizeOnly: false } });
  });

  it('notices when rclone found no common hash and compared sizes only', () => {
    const fold = rcloneCheckFold();
    fold.line('stderr', '2026/01/31 02:00:00 NOTICE: cloud: No common hash found - not using a hash for checks');
    fold.line('stdout', '= a.txt');
    fold.line('stderr', '2026/01/31 02:00:00 NOTICE: cloud: 0 differences found');
    expect(fold.finish(0)).toMatchObject({ ok: true, value: { clean: true, sizeOnly: true } });
  });

  it('counts differences as a result (exit 1 with combined lines)', () => {
    const r = run(rcloneCheckFold, 'check-1.60-differences');
    expect(r).toMatchObject({ ok: true, value: { clean: false, missingOnRemote: 1, differ: 1, same: 1 } });
  });

  it('is a failure of rclone, not a difference, without combined lines', () => {
    expect(foldOutput(rcloneCheckFold(), '', "2024/01/31 02:00:00 Failed to create file system for \"x:\": didn't find section in config file\n", 1)).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(foldOutput(rcloneCheckFold(), '', '', 0)).toMatchObject({ ok: false, error: { kind: 'parse' } });
  });
});
