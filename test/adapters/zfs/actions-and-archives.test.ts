import { describe, expect, it } from 'vitest';
import { archiveListCommand, parseArchiveListing } from '../../../src/adapters/config-backup/verify.js';
import {
  FULL_PIPE,
  INCREMENTAL_PIPE,
  parseCtime,
  parsePoolScan,
  strataSnapshotName,
  zfsSendRecvCommand,
  zfsSnapshotCommand,
  zpoolStatusPoolCommand,
} from '../../../src/adapters/zfs/actions.js';
import { fixture } from '../../helpers/fixtures.js';

const scan = (name: string) => {
  const f = fixture('zfs', name);
  return parsePoolScan(f.stdout, f.stderr, f.exitCode);
};

describe('zfs action commands', () => {
  it('names snapshots strata_YYYY-MM-DD_HH:MM:SS in UTC', () => {
    expect(strataSnapshotName(Date.parse('2024-01-31T02:00:01.900Z') / 1000)).toBe('strata_2024-01-31_02:00:01');
    expect(zfsSnapshotCommand('tank/data', 'strata_2024-01-31_02:00:01').argv).toEqual(['zfs', 'snapshot', 'tank/data@strata_2024-01-31_02:00:01']);
    expect(() => zfsSnapshotCommand('-r tank', 'x')).toThrow();
  });

  it('pipes send into recv through sh -c with every name as a positional parameter', () => {
    expect(zfsSendRecvCommand({ source: 'tank/data', snapshot: 'n2', target: 'backup/data', from: 'n1' }).argv).toEqual([
      'sh', '-c', INCREMENTAL_PIPE, 'sh', 'tank/data@n1', 'tank/data@n2', 'backup/data',
    ]);
    expect(zfsSendRecvCommand({ source: 'tank/data', snapshot: 'n2', target: 'backup/data' }).argv).toEqual(['sh', '-c', FULL_PIPE, 'sh', 'tank/data@n2', 'backup/data']);
    // A common snapshot named by another tool (syncoid's `GMT+01:00`) is sent from as the host lists it.
    expect(zfsSendRecvCommand({ source: 'tank/data', snapshot: 'n2', target: 'backup/data', from: 'syncoid_nas1_2024-01-31:02:00:01-GMT+01:00' }).argv[4]).toBe('tank/data@syncoid_nas1_2024-01-31:02:00:01-GMT+01:00');
    expect(() => zfsSendRecvCommand({ source: 'tank/data', snapshot: 'n+2', target: 'backup/data' })).toThrow();
    // The script is fixed text: nothing of the inventory is ever pasted into it. -I sends every snapshot in between.
    expect(INCREMENTAL_PIPE).toBe('zfs send -I "$1" "$2" | zfs recv -F "$3"');
  });

  it('reads a pool status in UTC and the C locale', () => {
    expect(zpoolStatusPoolCommand('tank')).toEqual({ argv: ['zpool', 'status', 'tank'], env: { LC_ALL: 'C', TZ: 'UTC' } });
  });

  it('reads ctime dates, single-digit days padded', () => {
    expect(parseCtime('on Sun Jan  7 02:27:05 2024')).toBe(Date.parse('2024-01-07T02:27:05Z') / 1000);
    expect(parseCtime('on Someday')).toBeUndefined();
  });
});

describe('pool scan lines', () => {
  it('reads real zfs-fuse: never scrubbed, then a finished scrub with its time', () => {
    expect(scan('zpool-status-pool-zfs-fuse-never-scrubbed')).toMatchObject({ ok: true, value: { pool: 'zxp', state: 'ONLINE', scan: 'none', dataErrors: 0 } });
    const r = scan('zpool-status-pool-zfs-fuse-scrubbed');
    expect(r).toMatchObject({ ok: true, value: { scan: 'scrubbed', scrubErrors: 0, atSec: expect.any(Number) } });
  });

  it('reads OpenZFS: clean scrub, scrub errors with data errors, a running scrub, a resilver on a degraded pool', () => {
    expect(scan('zpool-status-pool-openzfs-scrubbed')).toMatchObject({ ok: true, value: { scan: 'scrubbed', scrubErrors: 0, atSec: Date.parse('2024-01-14T00:36:32Z') / 1000 } });
    expect(scan('zpool-status-pool-openzfs-scrub-errors')).toMatchObject({ ok: true, value: { scan: 'scrubbed', scrubErrors: 2, dataErrors: 2 } });
    expect(scan('zpool-status-pool-openzfs-scrubbing')).toMatchObject({ ok: true, value: { scan: 'scrubbing' } });
    expect(scan('zpool-status-pool-openzfs-resilvered-degraded')).toMatchObject({ ok: true, value: { scan: 'resilver', state: 'DEGRADED' } });
  });

  it('says a missing pool is missing and refuses text it does not know', () => {
    expect(scan('zpool-status-pool-zfs-fuse-missing')).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(parsePoolScan('  pool: a\n state: ONLINE\n  scan: defragmented yesterday\n', '', 0)).toMatchObject({ ok: false, error: { kind: 'parse' } });
    expect(parsePoolScan('', '', 0)).toMatchObject({ ok: false, error: { kind: 'parse' } });
  });
});

describe('config archive listing (real tar)', () => {
  const listing = (name: string) => {
    const f = fixture('config-backup', name);
    return parseArchiveListing(['/etc/pve', '/etc/network/'])(f.stdout, f.stderr, f.exitCode);
  };

  it('lists with tar -tzf', () => {
    expect(archiveListCommand('/var/backups/strata/a.tar.gz').argv).toEqual(['tar', '-tzf', '/var/backups/strata/a.tar.gz']);
  });

  it('finds every configured path, or names the missing ones', () => {
    expect(listing('tar-list-normal')).toEqual({ ok: true, value: { entries: 6, missing: [] } });
    expect(listing('tar-list-missing-path')).toEqual({ ok: true, value: { entries: 4, missing: ['/etc/network'] } });
  });

  it('fails on an archive tar cannot read through', () => {
    expect(listing('tar-list-truncated')).toMatchObject({ ok: false, error: { message: expect.stringContaining('unexpected end of file') } });
  });
});
