import { describe, expect, it } from 'vitest';
import {
  parseDatastoreStatus,
  parseSnapshotList,
  parseTaskList,
  pbsJobKind,
  pbsWorkerAsset,
  pbsWorkerConcernsStore,
} from '../../../src/adapters/pbs/parse.js';
import { parseUpid } from '../../../src/adapters/shared/upid.js';
import type { Result } from '../../../src/domain/types.js';
import { fixture } from '../../helpers/fixtures.js';

function run<T>(parse: (o: string, e: string, c: number) => Result<T>, name: string): Result<T> {
  const f = fixture('pbs', name);
  return parse(f.stdout, f.stderr, f.exitCode);
}

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected a value, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

describe('proxmox-backup-client snapshot list', () => {
  it('reads snapshots oldest first with verification state and the time it ran (from its UPID)', () => {
    const snaps = value(run(parseSnapshotList, 'snapshot-list-normal'));
    expect(snaps.map((s) => `${s.type}/${s.id}@${s.timeSec}`)).toEqual([
      'vm/100@1706580001',
      'vm/100@1706666401',
      'ct/101@1706666460',
      'host/pve1@1706670000',
    ]);
    expect(snaps[1]!.verification).toMatchObject({ state: 'ok', atSec: 0x65b9b5c1 });
    expect(snaps[2]).toMatchObject({ protected: true, encrypted: true, verification: { state: 'failed' } });
    expect(snaps[0]!.verification).toBeUndefined();
    expect(snaps.every((s) => !s.partial)).toBe(true);
    expect(snaps[1]!.files).toContain('drive-scsi0.img.fidx');
  });

  it('marks a snapshot without manifest (index.json.blob) as partial', () => {
    const snaps = value(run(parseSnapshotList, 'snapshot-list-unfinished'));
    expect(snaps.map((s) => [s.timeSec, s.partial])).toEqual([
      [1706666401, false],
      [1706752801, true],
    ]);
  });

  it('accepts file lists given as plain names', () => {
    const snaps = value(parseSnapshotList('[{"backup-type":"vm","backup-id":100,"backup-time":"5","files":["index.json.blob"]}]', '', 0));
    expect(snaps[0]).toMatchObject({ id: '100', timeSec: 5, partial: false, protected: false });
  });

  it('classifies failures: bad credentials (auth), missing datastore (not-found), unreachable server', () => {
    expect(value(run(parseSnapshotList, 'snapshot-list-empty'))).toEqual([]);
    const kind = (n: string) => {
      const r = run(parseSnapshotList, n);
      return r.ok ? null : r.error.kind;
    };
    expect(kind('snapshot-list-auth-failed')).toBe('auth');
    expect(kind('snapshot-list-no-datastore')).toBe('not-found');
    expect(kind('snapshot-list-unreachable')).toBe('command-failed');
    const r = run(parseSnapshotList, 'snapshot-list-unreachable');
    if (!r.ok) expect(r.error.message).toContain('Connection refused');
  });
});

describe('proxmox-backup-client status', () => {
  it('reads total/used/avail as numbers or strings', () => {
    const expected = { totalBytes: 2199023255552, usedBytes: 549755813888, availBytes: 1649267441664 };
    expect(value(run(parseDatastoreStatus, 'status-normal'))).toEqual(expected);
    expect(value(run(parseDatastoreStatus, 'status-strings'))).toEqual(expected);
  });

  it('refuses a status without the numbers', () => {
    expect(parseDatastoreStatus('{"total":5}', '', 0).ok).toBe(false);
  });
});

describe('proxmox-backup-manager task list', () => {
  it('reads snake_case tasks newest first: OK, WARNINGS: N, unknown and error text', () => {
    const tasks = value(run(parseTaskList, 'task-list-normal'));
    expect(tasks.map((t) => [t.workerType, t.status, t.state])).toEqual([
      ['garbage_collection', 'RUNNING', 'running'],
      ['aptupdate', 'OK', 'ok'],
      ['backup', 'OK', 'ok'],
      ['prunejob', 'OK', 'ok'],
      ['syncjob', 'unknown', 'failed'],
      ['verify_snapshot', 'verification failed - please check the log for details', 'failed'],
      ['verificationjob', 'WARNINGS: 2', 'warn'],
      ['backup', 'OK', 'ok'],
    ]);
    expect(tasks.find((t) => t.workerType === 'aptupdate')?.workerId).toBeUndefined();
  });

  it('names what a worker type means and which guest and datastore a worker id concerns', () => {
    expect(['backup', 'verify_snapshot', 'verificationjob', 'syncjob', 'prunejob', 'garbage_collection', 'aptupdate'].map(pbsJobKind)).toEqual([
      'backup',
      'verify',
      'verify',
      'sync',
      'prune',
      'gc',
      undefined,
    ]);
    expect(pbsWorkerAsset('store1:vm/100')).toBe('vm/100');
    expect(pbsWorkerAsset('store1:ct/101/65B9A9DC')).toBe('ct/101');
    expect(pbsWorkerAsset('store1:v-3f2a1b0c-7d6e')).toBeUndefined();
    expect(pbsWorkerConcernsStore('offsite:store1:store1::s-5e6f', 'store1')).toBe(true);
    expect(pbsWorkerConcernsStore('store2:vm/300', 'store1')).toBe(false);
  });
});

describe('UPIDs', () => {
  it('reads a PVE UPID: start time is hex epoch', () => {
    expect(parseUpid('UPID:pve1:000004D2:000181CD:65B9A9A1:vzdump:100:root@pam:')).toEqual({
      node: 'pve1',
      startTimeSec: 1706666401,
      type: 'vzdump',
      id: '100',
      user: 'root@pam',
    });
  });

  it('reads a PBS UPID and unescapes its systemd-escaped worker id', () => {
    expect(parseUpid('UPID:pbs1:000005A1:0001B2C3:00000002:65B9B5C1:verify_snapshot:store1\\x3avm-100-65B9A9A1:root@pam:')).toMatchObject({
      startTimeSec: 0x65b9b5c1,
      type: 'verify_snapshot',
      id: 'store1:vm/100/65B9A9A1',
    });
  });

  it('rejects what is not a UPID', () => {
    expect(parseUpid('UPID:pbs1:…')).toBeUndefined();
    expect(parseUpid('not a upid')).toBeUndefined();
    expect(parseUpid('UPID:n:1:2:ZZZZ:t:i:u:')).toBeUndefined();
  });
});
