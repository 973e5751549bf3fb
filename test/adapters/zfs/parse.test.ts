import { describe, expect, it } from 'vitest';
import {
  lacksParsableFlag,
  parseSize,
  parseZfsGetSnapshots,
  parseZfsSnapshotList,
  parseZpoolList,
  parseZpoolStatus,
} from '../../../src/adapters/zfs/parse.js';
import type { Result } from '../../../src/domain/types.js';
import { fixture } from '../../helpers/fixtures.js';

function run<T>(parse: (o: string, e: string, c: number) => Result<T>, name: string): Result<T> {
  const f = fixture('zfs', name);
  return parse(f.stdout, f.stderr, f.exitCode);
}

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected a value, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

const kind = (r: Result<unknown>) => (r.ok ? null : r.error.kind);

describe('zfs list -H -p -t snapshot', () => {
  it('reads tab-separated exact values, oldest first, split into dataset and snapshot', () => {
    const snaps = value(run(parseZfsSnapshotList, 'zfs-list-snapshots-normal'));
    expect(snaps).toHaveLength(5);
    expect(snaps[0]).toEqual({
      name: 'rpool/data/vm-100-disk-0@autosnap_2024-01-30_02:00:01_daily',
      dataset: 'rpool/data/vm-100-disk-0',
      snapshot: 'autosnap_2024-01-30_02:00:01_daily',
      timeSec: 1706580001,
      usedBytes: 1048576,
    });
    expect(snaps.map((s) => s.timeSec)).toEqual([...snaps.map((s) => s.timeSec)].sort((a, b) => a - b));
  });

  it('reads a "-" value as absent', () => {
    const snaps = value(run(parseZfsSnapshotList, 'zfs-list-snapshots-dash'));
    expect(snaps[0]!.usedBytes).toBeUndefined();
    expect(snaps[0]!.snapshot).toBe('syncoid_pve1_2024-01-31:02:10:00-GMT00:00');
  });

  it('reads empty output (exit 0) as no snapshots and a missing dataset as not-found', () => {
    expect(value(run(parseZfsSnapshotList, 'zfs-list-snapshots-empty'))).toEqual([]);
    expect(kind(run(parseZfsSnapshotList, 'zfs-list-snapshots-missing-dataset'))).toBe('not-found');
  });

  it('recognises zfs-fuse refusing -p (real output) so the caller can fall back', () => {
    const f = fixture('zfs', 'zfs-list-snapshots-zfs-fuse-no-p');
    expect(lacksParsableFlag(f.stderr, f.exitCode)).toBe(true);
    expect(run(parseZfsSnapshotList, 'zfs-list-snapshots-zfs-fuse-no-p').ok).toBe(false);
    const ok = fixture('zfs', 'zfs-list-snapshots-missing-dataset');
    expect(lacksParsableFlag(ok.stderr, ok.exitCode)).toBe(false);
  });

  it('says the ZFS daemon is down (real zfs-fuse output)', () => {
    const r = run(parseZfsSnapshotList, 'zfs-list-snapshots-zfs-fuse-daemon-down');
    expect(r.ok ? '' : r.error.message).toMatch(/ZFS daemon\/library is not available/);
  });

  it('refuses human-readable values where -p promised exact ones', () => {
    const f = fixture('zfs', 'zfs-list-snapshots-normal');
    expect(parseZfsSnapshotList(f.stdout.replace('\t1048576', '\t1M'), '', 0).ok).toBe(false);
    expect(parseZfsSnapshotList('tank/data@a\tSat Nov 21 23:36 2026\t0\n', '', 0).ok).toBe(false);
  });
});

describe('zfs get -H -p -r creation,used (zfs-fuse fallback, real output)', () => {
  it('keeps only snapshots, with creation and used joined per snapshot', () => {
    const snaps = value(run(parseZfsGetSnapshots, 'zfs-get-snapshots-zfs-fuse'));
    expect(snaps.map((s) => s.name)).toEqual(['strtank/data@snap1', 'strtank/data/child@snap2', 'strtank/data@snap2']);
    expect(snaps[0]).toMatchObject({ dataset: 'strtank/data', snapshot: 'snap1', timeSec: 1795304205, usedBytes: 0 });
  });

  it('reads a missing dataset as not-found', () => {
    expect(kind(run(parseZfsGetSnapshots, 'zfs-get-snapshots-zfs-fuse-missing'))).toBe('not-found');
  });

  it('refuses a snapshot without a creation time', () => {
    expect(parseZfsGetSnapshots('tank/a@s\tused\t0\n', '', 0).ok).toBe(false);
  });
});

describe('zpool list', () => {
  it('reads exact values (-p) with cap as a plain integer', () => {
    const pools = value(run(parseZpoolList, 'zpool-list-normal'));
    expect(pools[1]).toEqual({
      name: 'tank',
      sizeBytes: 7999999967232,
      allocBytes: 7280000000000,
      freeBytes: 719999967232,
      capPercent: 91,
      health: 'ONLINE',
      exact: true,
    });
  });

  it('reads zfs-fuse sizes with units and cap with a percent sign (real output)', () => {
    expect(value(run(parseZpoolList, 'zpool-list-zfs-fuse'))).toEqual([
      { name: 'strtank', sizeBytes: 250 * 2 ** 20, allocBytes: 964 * 1024, freeBytes: 249 * 2 ** 20, capPercent: 0, health: 'ONLINE', exact: false },
    ]);
    const degraded = value(run(parseZpoolList, 'zpool-list-zfs-fuse-degraded'));
    expect(degraded.map((p) => [p.name, p.health])).toEqual([
      ['strmirror', 'DEGRADED'],
      ['strtank', 'ONLINE'],
    ]);
    expect(value(run(parseZpoolList, 'zpool-list-zfs-fuse-no-pools'))).toEqual([]);
    const f = fixture('zfs', 'zpool-list-zfs-fuse-no-p');
    expect(lacksParsableFlag(f.stderr, f.exitCode)).toBe(true);
  });

  it('reads a degraded pool as DEGRADED', () => {
    expect(value(run(parseZpoolList, 'zpool-list-degraded')).find((p) => p.name === 'tank')?.health).toBe('DEGRADED');
  });

  it('reads sizes with units, 1024-based', () => {
    expect([parseSize('964K'), parseSize('1.50G'), parseSize('512'), parseSize('-'), parseSize('12 GB')]).toEqual([
      987136,
      1610612736,
      512,
      undefined,
      null,
    ]);
  });
});

describe('zpool status -x', () => {
  it('reads "all pools are healthy" and "pool X is healthy" as healthy', () => {
    expect(value(run(parseZpoolStatus, 'zpool-status-healthy'))).toEqual({ allHealthy: true, noPools: false, problems: [] });
    expect(value(run(parseZpoolStatus, 'zpool-status-one-pool-healthy')).allHealthy).toBe(true);
  });

  it('reads a degraded pool although the exit code is 0 (real zfs-fuse output)', () => {
    const f = fixture('zfs', 'zpool-status-degraded-zfs-fuse');
    expect(f.exitCode).toBe(0);
    const s = value(run(parseZpoolStatus, 'zpool-status-degraded-zfs-fuse'));
    expect(s.allHealthy).toBe(false);
    expect(s.problems).toEqual([
      expect.objectContaining({ name: 'strmirror', state: 'DEGRADED', dataErrors: 0, status: expect.stringMatching(/taken offline/) }),
    ]);
  });

  it('reads OpenZFS reports: DEGRADED, data errors on an ONLINE pool, FAULTED', () => {
    const degraded = value(run(parseZpoolStatus, 'zpool-status-degraded-openzfs'));
    expect(degraded.problems[0]).toMatchObject({ name: 'tank', state: 'DEGRADED', dataErrors: 0, action: "Replace the device using 'zpool replace'." });
    const errs = value(run(parseZpoolStatus, 'zpool-status-data-errors'));
    expect(errs.problems.map((p) => [p.name, p.state, p.dataErrors])).toEqual([
      ['rpool', 'ONLINE', 2],
      ['tank', 'FAULTED', null],
    ]);
    expect(errs.allHealthy).toBe(false);
  });

  it('reads "no pools available" (stdout on zfs-fuse, stderr on OpenZFS)', () => {
    expect(value(run(parseZpoolStatus, 'zpool-status-no-pools-zfs-fuse')).noPools).toBe(true);
    expect(value(run(parseZpoolStatus, 'zpool-status-no-pools-openzfs')).noPools).toBe(true);
  });

  it('never reads unknown text or an empty reply as healthy', () => {
    expect(parseZpoolStatus('', '', 0).ok).toBe(false);
    expect(parseZpoolStatus('everything is fine\n', '', 0).ok).toBe(false);
    expect(run(parseZpoolStatus, 'zpool-status-zfs-fuse-daemon-down').ok).toBe(false);
  });
});
