import { describe, expect, it } from 'vitest';
import { guestSnapshotCommand, guestSnapshotName } from '../../../src/adapters/pve/guest-snapshot.js';
import {
  archiveTestCommand,
  parseArchiveTest,
  parsePvesmPath,
  parseVzdumpJobs,
  pvesmPathCommand,
  vzdumpFold,
  vzdumpGuestCommand,
  vzdumpJobCommand,
} from '../../../src/adapters/pve/vzdump.js';
import { foldOutput } from '../../../src/adapters/shared/line-fold.js';
import { fixture } from '../../helpers/fixtures.js';

const parse = (name: string) => {
  const f = fixture('pve', name);
  return foldOutput(vzdumpFold(), f.stdout, f.stderr, f.exitCode);
};

describe('vzdump jobs', () => {
  const f = fixture('pve', 'backup-jobs-options');
  const jobs = parseVzdumpJobs(f.stdout, f.stderr, f.exitCode);

  it('reads every job with its selection and every vzdump option, property strings flattened', () => {
    expect(jobs.ok).toBe(true);
    if (!jobs.ok) return;
    expect(jobs.value.map((j) => j.id)).toEqual(['backup-daily', 'backup-weekly', 'backup-other-node', 'backup-pool']);
    expect(jobs.value[0]).toEqual({
      id: 'backup-daily',
      enabled: true,
      storage: 'local-backup',
      all: true,
      vmids: [],
      exclude: [105, 111],
      mode: 'snapshot',
      compress: 'zstd',
      options: {
        bwlimit: '50000',
        compress: 'zstd',
        mailnotification: 'failure',
        mode: 'snapshot',
        'notes-template': '{{guestname}} daily',
        'prune-backups': 'keep-daily=7,keep-weekly=4',
        storage: 'local-backup',
      },
    });
    expect(jobs.value[1]).toMatchObject({ enabled: false, vmids: [100, 101], options: { protected: '1', mode: 'stop' } });
    expect(jobs.value[2]).toMatchObject({ node: 'pve2', vmids: [200] });
  });

  it('runs a job with its own guests and options, storage first, job bookkeeping left out', () => {
    if (!jobs.ok) throw new Error('no jobs');
    expect(vzdumpJobCommand(jobs.value[0]!).argv).toEqual([
      'vzdump', '--all', '1', '--exclude', '105,111', '--storage', 'local-backup', '--bwlimit', '50000', '--compress', 'zstd',
      '--mailnotification', 'failure', '--mode', 'snapshot', '--notes-template', '{{guestname}} daily', '--prune-backups', 'keep-daily=7,keep-weekly=4',
    ]);
    expect(vzdumpJobCommand(jobs.value[1]!).argv).toEqual(['vzdump', '100', '101', '--storage', 'local-backup', '--mode', 'stop', '--protected', '1']);
    expect(vzdumpJobCommand(jobs.value[3]!).argv).toEqual(['vzdump', '--pool', 'prod', '--storage', 'pbs1']);
  });

  it('refuses a malformed list and passes pvesh failures on', () => {
    expect(parseVzdumpJobs('[{"id":"j","vmid":"100,abc"}]', '', 0)).toMatchObject({ ok: false, error: { kind: 'parse' } });
    const f2 = fixture('pve', 'pvesh-no-handler');
    expect(parseVzdumpJobs(f2.stdout, f2.stderr, f2.exitCode).ok).toBe(false);
  });
});

describe('vzdump commands', () => {
  it('backs up one guest with the mode and compression given, snapshot/zstd by default', () => {
    // --remove 0: a backup asked for now prunes nothing the plan does not show.
    expect(vzdumpGuestCommand({ vmid: 100, storage: 'local-backup' }).argv).toEqual(['vzdump', '100', '--storage', 'local-backup', '--mode', 'snapshot', '--compress', 'zstd', '--remove', '0']);
    expect(vzdumpGuestCommand({ vmid: 101, storage: 'pbs1', mode: 'stop', compress: 'gzip' }).argv).toEqual(['vzdump', '101', '--storage', 'pbs1', '--mode', 'stop', '--compress', 'gzip', '--remove', '0']);
    expect(() => vzdumpGuestCommand({ vmid: 100, storage: '--all' })).toThrow(/storage/);
  });

  it('names a guest snapshot for PVE rules and takes it with qm or pct', () => {
    const name = guestSnapshotName(Date.parse('2024-01-31T02:00:01Z') / 1000);
    expect(name).toBe('strata_20240131_020001');
    expect(guestSnapshotCommand('qemu', 100, name).argv).toEqual(['qm', 'snapshot', '100', name, '--description', 'taken by Strata']);
    expect(guestSnapshotCommand('lxc', 102, name).argv[0]).toBe('pct');
    expect(() => guestSnapshotCommand('qemu', 100, 'current')).toThrow();
  });
});

describe('vzdump output', () => {
  it('reads a successful job: every guest finished, archives named', () => {
    expect(parse('vzdump-job-normal')).toEqual({
      ok: true,
      value: {
        success: true,
        guests: [{ vmid: 100, ok: true }, { vmid: 102, ok: true }],
        warnings: [],
        archives: ['/var/lib/vz/dump/vzdump-qemu-100-2024_01_31-02_00_01.vma.zst', '/var/lib/vz/dump/vzdump-lxc-102-2024_01_31-02_01_06.tar.zst'],
      },
    });
  });

  it('reads a failed job: the guest that failed and why', () => {
    const r = parse('vzdump-job-failed');
    expect(r).toMatchObject({ ok: true, value: { success: false } });
    if (!r.ok) return;
    expect(r.value.guests).toEqual([
      { vmid: 100, ok: true },
      { vmid: 104, ok: false, error: expect.stringMatching(/^unable to create temporary directory/) },
    ]);
  });

  it('keeps warnings of a successful PBS backup', () => {
    expect(parse('vzdump-guest-pbs-warnings')).toMatchObject({ ok: true, value: { success: true, warnings: ['no efidisk configured! Using temporary efivars disk.'], archives: ['vm/101/2024-01-31T02:00:01Z'] } });
  });

  it('never calls a job without its end line a success', () => {
    const r = parse('vzdump-no-end');
    expect(r).toMatchObject({ ok: true, value: { success: false, guests: [{ vmid: 100, ok: false }] } });
    expect(foldOutput(vzdumpFold(), '', 'something else\n', 0)).toMatchObject({ ok: false, error: { kind: 'parse' } });
    expect(foldOutput(vzdumpFold(), '', 'sh: 1: vzdump: not found\n', 127)).toMatchObject({ ok: false, error: { message: expect.stringContaining('not found') } });
  });
});

describe('archive paths and tests', () => {
  it('asks pvesm for the path of a volume', () => {
    expect(pvesmPathCommand('local:backup/vzdump-qemu-100-2024_01_31-02_00_01.vma.zst').argv).toEqual(['pvesm', 'path', 'local:backup/vzdump-qemu-100-2024_01_31-02_00_01.vma.zst']);
    const ok = fixture('pve', 'pvesm-path-normal');
    expect(parsePvesmPath(ok.stdout, ok.stderr, ok.exitCode)).toEqual({ ok: true, value: '/var/lib/vz/dump/vzdump-qemu-100-2024_01_31-02_00_01.vma.zst' });
    const bad = fixture('pve', 'pvesm-path-bad-volid');
    expect(parsePvesmPath(bad.stdout, bad.stderr, bad.exitCode).ok).toBe(false);
  });

  it('tests each compression with its own tool, and says when there is none', () => {
    expect(archiveTestCommand('/d/a.vma.zst')?.argv).toEqual(['zstd', '-t', '-q', '--', '/d/a.vma.zst']);
    expect(archiveTestCommand('/d/a.vma.gz')?.argv).toEqual(['gzip', '-t', '--', '/d/a.vma.gz']);
    expect(archiveTestCommand('/d/a.tgz')?.argv).toEqual(['gzip', '-t', '--', '/d/a.tgz']);
    expect(archiveTestCommand('/d/a.tar.lzo')?.argv).toEqual(['lzop', '-t', '--', '/d/a.tar.lzo']);
    expect(archiveTestCommand('/d/a.vma')?.argv).toEqual(['vma', 'verify', '/d/a.vma']);
    expect(archiveTestCommand('/d/a.tar')?.argv).toEqual(['tar', '-tf', '/d/a.tar']);
    expect(archiveTestCommand('/d/a.unknown')).toBeNull();
  });

  it('reads real zstd -t: intact, or the decoder error', () => {
    const good = fixture('pve', 'archive-test-zstd-1.5-intact');
    expect(parseArchiveTest(good.stdout, good.stderr, good.exitCode)).toEqual({ ok: true, value: { intact: true, message: 'archive intact' } });
    const bad = fixture('pve', 'archive-test-zstd-1.5-damaged');
    expect(parseArchiveTest(bad.stdout, bad.stderr, bad.exitCode)).toMatchObject({ ok: true, value: { intact: false, message: expect.stringContaining("Restored data doesn't match checksum") } });
    expect(parseArchiveTest('', 'sh: 1: zstd: not found', 127).ok).toBe(false);
  });
});
