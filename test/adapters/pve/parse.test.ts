import { describe, expect, it } from 'vitest';
import {
  parseBackupJobs,
  parseGuestSnapshots,
  parseGuests,
  parseNotBackedUp,
  parseStorageContent,
  parseStorageStatus,
  parseTaskLog,
  parseTasks,
  vzdumpStorageOfLog,
} from '../../../src/adapters/pve/parse.js';
import type { Result } from '../../../src/domain/types.js';
import { fixture } from '../../helpers/fixtures.js';

function run<T>(parse: (o: string, e: string, c: number) => Result<T>, name: string): Result<T> {
  const f = fixture('pve', name);
  return parse(f.stdout, f.stderr, f.exitCode);
}

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected a value, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

describe('pvesh /cluster/resources', () => {
  it('reads every guest with type, node, template flag, lock and tags', () => {
    const guests = value(run(parseGuests, 'cluster-resources-normal'));
    expect(guests.map((g) => `${g.type}/${g.vmid}@${g.node}`)).toEqual([
      'qemu/100@pve1',
      'lxc/101@pve1',
      'qemu/105@pve1',
      'qemu/200@pve2',
      'qemu/9000@pve1',
    ]);
    expect(guests[0]).toMatchObject({ name: 'web01', status: 'running', template: false, lock: 'backup', tags: ['prod', 'web'] });
    expect(guests.find((g) => g.vmid === 9000)?.template).toBe(true);
  });

  it('accepts numbers and 0/1 booleans given as strings', () => {
    const guests = value(run(parseGuests, 'cluster-resources-strings'));
    expect(guests.map((g) => [g.vmid, g.template])).toEqual([
      [100, false],
      [101, false],
    ]);
  });

  it('reads an empty cluster as no guests', () => {
    expect(value(run(parseGuests, 'cluster-resources-empty'))).toEqual([]);
  });

  it('turns an API error on stderr with exit 255 into an error naming pvesh', () => {
    const r = run(parseGuests, 'pvesh-no-handler');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/pvesh exited with 255: No 'get' handler/);
  });
});

describe('pvesh guest snapshots', () => {
  it('drops the "current" pseudo-snapshot and sorts the unsorted list oldest first', () => {
    const snaps = value(run(parseGuestSnapshots, 'guest-snapshots-normal'));
    expect(snaps.map((s) => [s.name, s.timeSec, s.parent])).toEqual([
      ['daily0', 1706493601, undefined],
      ['daily1', 1706580001, 'daily0'],
      ['before_upgrade', 1706666401, 'daily1'],
    ]);
    expect(snaps.find((s) => s.name === 'daily1')?.vmstate).toBe(true);
    expect(snaps.every((s) => !s.partial)).toBe(true);
  });

  it('reads a guest with only "current" as having no snapshots', () => {
    expect(value(run(parseGuestSnapshots, 'guest-snapshots-only-current'))).toEqual([]);
  });

  it('marks a snapshot with snapstate as partial (and reads its string snaptime)', () => {
    const snaps = value(run(parseGuestSnapshots, 'guest-snapshots-snapstate'));
    expect(snaps.find((s) => s.name === 'weekly')).toMatchObject({ partial: true, snapstate: 'prepare', timeSec: 1706666401 });
    expect(snaps.find((s) => s.name === 'daily1')?.partial).toBe(false);
  });

  it('reports a missing guest as not-found', () => {
    const r = run(parseGuestSnapshots, 'guest-snapshots-missing-guest');
    expect(r.ok ? null : r.error.kind).toBe('not-found');
  });

  it('refuses a snapshot without snaptime rather than inventing a time', () => {
    const r = parseGuestSnapshots('[{"name":"daily1","description":""}]\n', '', 0);
    expect(r.ok).toBe(false);
  });
});

describe('pvesh storage content', () => {
  it('reads directory archives: vmid, guest type, time, size, protected, notes', () => {
    const a = value(run(parseStorageContent, 'storage-content-dir'));
    expect(a.map((x) => [x.vmid, x.guestType, x.timeSec, x.format])).toEqual([
      [102, 'lxc', 1703988000, 'tgz'],
      [100, 'qemu', 1706580001, 'vma.zst'],
      [100, 'qemu', 1706666401, 'vma.zst'],
      [101, 'lxc', 1706666460, 'tar.zst'],
    ]);
    const newest100 = a.find((x) => x.volid.endsWith('2024_01_31-02_00_01.vma.zst'));
    expect(newest100).toMatchObject({ protected: true, notes: 'web01', sizeBytes: 4530001234 });
    expect(a.every((x) => x.verification === undefined)).toBe(true);
  });

  it('reads PBS storage entries with verification; size 1 means unknown', () => {
    const a = value(run(parseStorageContent, 'storage-content-pbs'));
    const ct = a.find((x) => x.vmid === 101)!;
    expect(ct).toMatchObject({ guestType: 'lxc', verification: { state: 'failed' } });
    expect(ct.sizeBytes).toBeUndefined();
    expect(a.find((x) => x.volid === 'pbs1:backup/vm/100/2024-01-31T02:00:01Z')).toMatchObject({
      verification: { state: 'ok' },
      sizeBytes: 34359740300,
      protected: true,
    });
    expect(a.find((x) => x.volid.endsWith('2024-01-30T02:00:01Z'))?.verification).toBeUndefined();
  });

  it('reads an empty storage as no archives and a missing storage as not-found', () => {
    expect(value(run(parseStorageContent, 'storage-content-empty'))).toEqual([]);
    const r = run(parseStorageContent, 'storage-content-missing-storage');
    expect(r.ok ? null : r.error.kind).toBe('not-found');
  });

  it('takes the vmid from the volid when the entry lacks one', () => {
    const a = value(
      parseStorageContent(
        '[{"content":"backup","ctime":1706666401,"format":"vma.zst","size":5,"volid":"nfs:backup/vzdump-qemu-300-2024_01_31-02_00_01.vma.zst"}]',
        '',
        0,
      ),
    );
    expect(a[0]).toMatchObject({ vmid: 300, guestType: 'qemu' });
  });
});

describe('pvesh /cluster/backup', () => {
  it('reads jobs: enabled 0/1 (also as strings), selection, schedule, retention from string values', () => {
    const jobs = value(run(parseBackupJobs, 'backup-jobs-normal'));
    expect(jobs[0]).toMatchObject({
      id: 'backup-5c3e1a2b-9f0e',
      enabled: true,
      all: true,
      exclude: [105],
      storage: 'local-backup',
      schedule: '02:00',
      nextRun: 1706752800,
      retention: 'keep-daily=7,keep-weekly=4',
    });
    expect(jobs[1]).toMatchObject({ enabled: false, all: false, vmids: [100, 101], nextRun: 1706927400 });
    expect(jobs[1]!.retention).toBe('keep-last=3,keep-monthly=2');
    expect(jobs[2]).toMatchObject({ enabled: true, vmids: [200], node: 'pve2', comment: 'db only' });
  });

  it('reads the config-file form of prune-backups too', () => {
    const jobs = value(parseBackupJobs('[{"id":"j","prune-backups":"keep-daily=7, keep-weekly=4","storage":"s"}]', '', 0));
    expect(jobs[0]!.retention).toBe('keep-daily=7,keep-weekly=4');
  });

  it('refuses a vmid selection that is not a list of numbers', () => {
    expect(parseBackupJobs('[{"id":"j","vmid":"100,abc"}]', '', 0).ok).toBe(false);
  });

  it('reads no jobs as an empty list', () => {
    expect(value(run(parseBackupJobs, 'backup-jobs-empty'))).toEqual([]);
  });
});

describe('pvesh vzdump tasks', () => {
  it('maps OK, WARNINGS: N, RUNNING and any other text (the error) onto job states, newest first', () => {
    const tasks = value(run(parseTasks, 'tasks-normal'));
    expect(tasks.map((t) => [t.id, t.status, t.state])).toEqual([
      ['', 'RUNNING', 'running'],
      ['', 'WARNINGS: 2', 'warn'],
      ['100', 'OK', 'ok'],
      ['101', 'job errors', 'failed'],
      ['105', 'unable to find VM 105', 'failed'],
    ]);
    expect(tasks[4]).toMatchObject({ startTimeSec: 1706493601, endTimeSec: 1706493700 });
  });

  it('treats a finished task without a status as failed, never ok', () => {
    const t = value(parseTasks('[{"upid":"UPID:x","starttime":1,"endtime":2,"type":"vzdump"}]', '', 0));
    expect(t[0]!.state).toBe('failed');
  });
});

describe('pvesh not-backed-up and storage status', () => {
  it('lists guests no job covers, vmids as numbers', () => {
    expect(value(run(parseNotBackedUp, 'not-backed-up-normal'))).toEqual([
      { vmid: 105, type: 'qemu', name: 'test' },
      { vmid: 110, type: 'lxc' },
    ]);
    expect(value(run(parseNotBackedUp, 'not-backed-up-empty'))).toEqual([]);
  });

  it('reads storage capacity from numbers or strings', () => {
    const expected = { active: true, enabled: true, totalBytes: 2199023255552, usedBytes: 549755813888, availBytes: 1649267441664 };
    expect(value(run(parseStorageStatus, 'storage-status-normal'))).toMatchObject({ ...expected, type: 'dir' });
    expect(value(run(parseStorageStatus, 'storage-status-strings'))).toMatchObject({ ...expected, type: 'pbs' });
  });

  it('reads an inactive storage as inactive', () => {
    expect(value(run(parseStorageStatus, 'storage-status-inactive')).active).toBe(false);
  });
});

describe('pvesh task log and the storage a vzdump task was bound for', () => {
  it('reads the log lines in order of their numbers', () => {
    const log = JSON.stringify([
      { n: 2, t: 'INFO: Starting Backup of VM 101 (qemu)' },
      { n: 1, t: 'INFO: starting new backup job: vzdump 101 --storage nas --mode snapshot' },
    ]);
    expect(value(parseTaskLog(log, '', 0))).toEqual(['INFO: starting new backup job: vzdump 101 --storage nas --mode snapshot', 'INFO: Starting Backup of VM 101 (qemu)']);
    expect(parseTaskLog('', "unable to open file '/var/log/pve/tasks/x' - No such file or directory\n", 255).ok).toBe(false);
    expect(parseTaskLog('<html>502</html>', '', 0).ok).toBe(false);
  });

  it("names the --storage of the job's command line, and nothing when the line names none", () => {
    expect(vzdumpStorageOfLog('INFO: starting new backup job: vzdump --all 1 --storage local-backup --compress zstd --mode snapshot')).toBe('local-backup');
    expect(vzdumpStorageOfLog("INFO: starting new backup job: vzdump 100 101 --mode snapshot --notes-template '{{guestname}}' --storage pbs1")).toBe('pbs1');
    expect(vzdumpStorageOfLog('INFO: starting new backup job: vzdump 100 --mode snapshot')).toBeUndefined();
    expect(vzdumpStorageOfLog('INFO: Starting Backup of VM 100 (qemu)')).toBeUndefined();
    expect(vzdumpStorageOfLog(undefined)).toBeUndefined();
  });
});
