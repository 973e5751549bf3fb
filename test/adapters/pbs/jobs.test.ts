import { describe, expect, it } from 'vitest';
import {
  parseSyncJobs,
  parseVerifyJobs,
  pbsTaskFold,
  runningTasksCommand,
  syncJobRunCommand,
  taskStopCommand,
  verifyDatastoreCommand,
  verifyJobRunCommand,
} from '../../../src/adapters/pbs/jobs.js';
import { foldOutput } from '../../../src/adapters/shared/line-fold.js';
import { fixture } from '../../helpers/fixtures.js';

const task = (name: string) => {
  const f = fixture('pbs', name);
  return foldOutput(pbsTaskFold(), f.stdout, f.stderr, f.exitCode);
};

describe('PBS job commands', () => {
  it('follows tasks in text mode, never json (which returns at once with only the UPID)', () => {
    expect(syncJobRunCommand('s-offsite').argv).toEqual(['proxmox-backup-manager', 'sync-job', 'run', 's-offsite', '--output-format', 'text']);
    expect(verifyJobRunCommand('v-usb').argv).toEqual(['proxmox-backup-manager', 'verify-job', 'run', 'v-usb', '--output-format', 'text']);
    expect(verifyDatastoreCommand('usb').argv).toEqual(['proxmox-backup-manager', 'verify', 'usb', '--output-format', 'text']);
    expect(verifyDatastoreCommand('usb', { namespace: 'prod/a', outdatedAfterDays: 30 }).argv).toEqual([
      'proxmox-backup-manager', 'verify', 'usb', '--ns', 'prod/a', '--outdated-after', '30', '--output-format', 'text',
    ]);
    expect(runningTasksCommand().argv).toEqual(['proxmox-backup-manager', 'task', 'list', '--output-format', 'json']);
    expect(taskStopCommand('UPID:pbs1:1:2:3:4:verify:usb:root@pam:').argv).toEqual(['proxmox-backup-manager', 'task', 'stop', 'UPID:pbs1:1:2:3:4:verify:usb:root@pam:']);
    expect(() => syncJobRunCommand('--all')).toThrow();
    expect(() => taskStopCommand('x; rm')).toThrow();
  });

  it('reads the sync and verify job lists', () => {
    const s = fixture('pbs', 'sync-job-list-normal');
    expect(parseSyncJobs(s.stdout, s.stderr, s.exitCode)).toEqual({
      ok: true,
      value: [
        { id: 's-offsite', store: 'offsite', remote: 'pbs1', remoteStore: 'usb', schedule: '03:00' },
        { id: 's-other', store: 'offsite', remote: 'elsewhere', remoteStore: 'archive' },
      ],
    });
    const v = fixture('pbs', 'verify-job-list-normal');
    expect(parseVerifyJobs(v.stdout, v.stderr, v.exitCode)).toEqual({ ok: true, value: [{ id: 'v-usb', store: 'usb', ignoreVerified: true, outdatedAfter: 30, schedule: 'daily' }] });
  });
});

describe('PBS task output', () => {
  it('reads a clean verify: verified and skipped snapshots, TASK OK', () => {
    expect(task('verify-text-ok')).toEqual({ ok: true, value: { status: 'ok', message: 'TASK OK', verified: 2, skipped: 1, failed: [], synced: 0 } });
  });

  it('reads a failed verify from the CLI status and lists what failed', () => {
    expect(task('verify-text-failed')).toEqual({
      ok: true,
      value: { status: 'error', message: 'verification failed - please check the log for details', verified: 1, skipped: 0, failed: ['vm/101/2024-01-31T02:00:01Z'], synced: 0 },
    });
  });

  it('catches a failed task where an old CLI exits 0 anyway (TASK ERROR in the log)', () => {
    expect(task('verify-text-failed-old-cli')).toMatchObject({ ok: true, value: { status: 'error', failed: ['vm/101/2024-01-31T02:00:01Z'] } });
  });

  it('reads a sync: snapshots copied, or the connection error', () => {
    expect(task('sync-job-run-ok')).toMatchObject({ ok: true, value: { status: 'ok', synced: 2 } });
    expect(task('sync-job-run-unreachable')).toMatchObject({ ok: true, value: { status: 'error', message: expect.stringContaining('Connection refused') } });
  });

  it('is an error, not a result, when the CLI itself fails or says nothing it knows', () => {
    expect(task('job-run-no-such-job')).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(foldOutput(pbsTaskFold(), 'hello\n', '', 0)).toMatchObject({ ok: false, error: { kind: 'parse' } });
    expect(foldOutput(pbsTaskFold(), 'verify datastore usb\nTASK WARNINGS: 2\n', '', 0)).toMatchObject({ ok: true, value: { status: 'warnings', message: '2 warnings' } });
  });
});
