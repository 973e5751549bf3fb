/**
 * ZFS restore commands and their readers on refusals recorded from real
 * zfs-fuse (marked "zfs-fuse") and reconstructed from OpenZFS's sources
 * ("openzfs"): which newer snapshots a rollback -r destroys, clones that
 * block it, a target that changed or exists, and a send that failed inside
 * a pipe whose exit code says 0.
 */
import { describe, expect, it } from 'vitest';
import {
  newerSnapshots,
  parseMountpoint,
  parseSnapshotOrder,
  parseZfsChange,
  RECV_SCRIPT,
  snapshotDirectory,
  zfsCloneCommand,
  zfsReceiveFromReplicaCommand,
  zfsRollbackCommand,
  zfsSnapshotOrderCommand,
} from '../../../src/adapters/zfs/restore.js';
import type { Result } from '../../../src/domain/types.js';
import { fixture } from '../../helpers/fixtures.js';

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected a value, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

const change = (name: string) => {
  const f = fixture('zfs', name);
  return parseZfsChange('zfs', { pipe: name.startsWith('recv-') })(f.stdout, f.stderr, f.exitCode);
};

describe('zfs restore commands', () => {
  it('reads the mountpoint and the snapshots in txg order, and what a rollback -r destroys', () => {
    const m = fixture('zfs', 'mountpoint-zfs-fuse');
    expect(value(parseMountpoint(m.stdout, m.stderr, m.exitCode))).toEqual({ path: '/tank/data' });
    expect(value(parseMountpoint('-\n', '', 0))).toEqual({ none: 'volume' });
    expect(value(parseMountpoint('legacy\n', '', 0))).toEqual({ none: 'legacy' });
    const o = fixture('zfs', 'snapshot-order-zfs-fuse');
    const order = value(parseSnapshotOrder('tank/data')(o.stdout, o.stderr, o.exitCode));
    expect(order).toEqual(['s1', 's2', 's3']);
    expect(newerSnapshots(order, 's1')).toEqual(['s2', 's3']);
    expect(newerSnapshots(order, 'nope')).toBeUndefined();
    expect(zfsSnapshotOrderCommand('tank/data').argv).toEqual(['zfs', 'list', '-H', '-t', 'snapshot', '-o', 'name,createtxg', '-s', 'createtxg', '-d', '1', 'tank/data']);
  });

  it('names the snapshot directory of OpenZFS', () => {
    expect(snapshotDirectory('/tank/data/', 'autosnap_2024-01-31_00:00:00_daily', '/documents/')).toBe('/tank/data/.zfs/snapshot/autosnap_2024-01-31_00:00:00_daily/documents');
    expect(snapshotDirectory('/tank/data', 'daily')).toBe('/tank/data/.zfs/snapshot/daily');
    expect(() => snapshotDirectory('/tank/data', '../..')).toThrow(/snapshot name/);
  });

  it('reads a rollback refusal with the snapshots (and bookmarks) -r would destroy, and clones that need -R', () => {
    expect(value(change('rollback-zfs-fuse-newer'))).toEqual({ done: false, refusal: 'newer-snapshots', blocking: ['tank/data@s3', 'tank/data@s2'], error: "cannot rollback to 'tank/data@s1': more recent snapshots exist" });
    expect(value(change('rollback-openzfs-newer')).blocking).toEqual(['tank/data@autosnap_2024-01-30_00:00:00_daily', 'tank/data#before-upgrade', 'tank/data@autosnap_2024-01-31_00:00:00_daily']);
    expect(value(change('rollback-zfs-fuse-clones'))).toMatchObject({ refusal: 'clones', blocking: ['tank/data-restore'] });
  });

  it('reads clone refusals and a missing snapshot', () => {
    expect(value(change('clone-zfs-fuse-exists')).refusal).toBe('snapshot-exists');
    expect(value(change('clone-zfs-fuse-parent-missing')).refusal).toBe('parent-missing');
    expect(change('clone-zfs-fuse-missing-snapshot')).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });

  it('reads receive refusals, and a send that failed inside a pipe that exited 0', () => {
    expect(value(change('recv-zfs-fuse-modified')).refusal).toBe('target-modified');
    expect(value(change('recv-zfs-fuse-exists')).refusal).toBe('target-exists');
    expect(value(change('recv-openzfs-no-match')).refusal).toBe('no-common-snapshot');
    const failed = value(change('recv-zfs-fuse-send-failed'));
    expect(fixture('zfs', 'recv-zfs-fuse-send-failed').exitCode).toBe(0);
    expect(failed).toMatchObject({ done: false, refusal: 'no-common-snapshot' });
    expect(value(change('recv-zfs-fuse-force-ok'))).toEqual({ done: true });
  });

  it('builds clone, rollback and the receive pipe with names as parameters', () => {
    expect(zfsCloneCommand({ dataset: 'tank/data', snapshot: 'daily', target: 'tank/restore/data', parents: true, readonly: true }).argv).toEqual(['zfs', 'clone', '-p', '-o', 'readonly=on', 'tank/data@daily', 'tank/restore/data']);
    expect(zfsRollbackCommand({ dataset: 'tank/data', snapshot: 'daily', destroyNewer: true }).argv).toEqual(['zfs', 'rollback', '-r', 'tank/data@daily']);
    expect(zfsRollbackCommand({ dataset: 'tank/data', snapshot: 'daily', destroyNewer: false }).argv).toEqual(['zfs', 'rollback', 'tank/data@daily']);
    expect(zfsReceiveFromReplicaCommand({ replica: 'backup/data', snapshot: 's3', from: 's1', target: 'tank/data', force: true }).argv).toEqual(['sh', '-c', RECV_SCRIPT.incrementalForce, 'sh', 'backup/data@s1', 'backup/data@s3', 'tank/data']);
    expect(zfsReceiveFromReplicaCommand({ replica: 'backup/data', snapshot: 's3', target: 'tank/data-restored', force: false }).argv).toEqual(['sh', '-c', 'zfs send "$1" | zfs recv "$2"', 'sh', 'backup/data@s3', 'tank/data-restored']);
    expect(() => zfsCloneCommand({ dataset: '-o x', snapshot: 's', target: 't' })).toThrow(/dataset/);
  });
});
