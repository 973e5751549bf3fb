/**
 * The NAS's ZFS for file and dataset restores, read with Strata's zfs and
 * files adapters over the lab's SSH: every snapshot's files under
 * `.zfs/snapshot/<name>/` (OpenZFS, unlike zfs-fuse), copied out with their
 * relative paths, a clone with the snapshot's files, a rollback that names
 * what `-r` destroys and then puts the files back, and the dataset received
 * back from its replica with `-F`.
 */
import { describe, expect, it } from 'vitest';
import { measureBytes, makeDirectory } from '../../src/adapters/files/index.js';
import { browseSnapshot, clone, copyFromSnapshot, destroyClone, mountpoint, receiveFromReplica, rollback, snapshotOrder } from '../../src/adapters/zfs/index.js';
import { newerSnapshots } from '../../src/adapters/zfs/restore.js';
import type { Lab } from '../../src/lab/index.js';
import { useLab, type LabRunners } from '../helpers/lab/lab-runner.js';

let lab: Lab;
let runners: LabRunners;
useLab({ scenario: 'healthy', timeScale: 0.05 }, (l, r) => ((lab = l), (runners = r)));

const nas = () => lab.state.hosts.nas1!;
const runner = () => runners.get('nas1');
const snaps = (ds: string) => [...nas().zfs!.datasets[ds]!.snapshots].sort((a, b) => a.createtxg - b.createtxg);
const files = (prefix: string) => Object.keys(nas().fs.files).filter((p) => p.startsWith(prefix)).sort();

describe('ZFS restores on the lab', () => {
  it('shows every snapshot under .zfs/snapshot, the files as they were', async () => {
    const m = await mountpoint(runner(), 'tank/data');
    expect(m).toEqual({ ok: true, value: { path: '/tank/data' } });
    const daily = snaps('tank/data').filter((s) => s.name.endsWith('_daily')).at(-3)!;
    const top = await browseSnapshot(runner(), { mountpoint: '/tank/data', snapshot: daily.name, dir: '/' });
    if (!top.ok) throw new Error(top.error.message);
    expect(top.value.entries.map((e) => [e.path, e.kind])).toEqual([
      ['/db', 'dir'],
      ['/documents', 'dir'],
      ['/notes', 'dir'],
      ['/photos', 'dir'],
    ]);
    const db = await browseSnapshot(runner(), { mountpoint: '/tank/data', snapshot: daily.name, dir: '/db' });
    expect(db.ok && db.value.entries).toEqual([{ path: '/db/nextcloud.sqlite', name: 'nextcloud.sqlite', kind: 'file', sizeBytes: 2.4e9, mtimeMs: daily.files!['/db/nextcloud.sqlite']!.mtime * 1000 }]);
    expect(daily.files!['/db/nextcloud.sqlite']!.mtime).toBeLessThanOrEqual(daily.creation);
    const missing = await browseSnapshot(runner(), { mountpoint: '/tank/data', snapshot: 'nope', dir: '/' });
    expect(missing.ok ? null : missing.error.kind).toBe('not-found');
  });

  it('copies chosen paths out of a snapshot into an alternate directory, relative paths kept', async () => {
    const daily = snaps('tank/data').filter((s) => s.name.endsWith('_daily')).at(-3)!;
    expect((await makeDirectory(runner(), '/restore/files')).ok).toBe(true);
    const r = await copyFromSnapshot(runner(), { mountpoint: '/tank/data', snapshot: daily.name, paths: ['/notes/todo.md', '/documents/contracts'], to: '/restore/files' });
    expect(r).toEqual({ ok: true, value: { done: true } });
    expect(files('/restore/files/')).toEqual([
      ...Object.keys(daily.files!).filter((p) => p.startsWith('/documents/contracts/')).map((p) => `/restore/files${p}`),
      '/restore/files/notes/todo.md',
    ].sort());
    expect(nas().fs.files['/restore/files/notes/todo.md']).toEqual(daily.files!['/notes/todo.md']);
    const bytes = await measureBytes(runner(), '/restore/files');
    expect(bytes.ok && bytes.value).toBeGreaterThan(180_000);
  });

  it('clones a snapshot as a new dataset with its files (-p makes the parents); nothing else changes', async () => {
    // The second oldest: a rollback to the oldest would destroy the clone's origin.
    const origin = snaps('tank/data')[1]!;
    const before = snaps('tank/data').length;
    expect(await clone(runner(), { dataset: 'tank/data', snapshot: origin.name, target: 'tank/restore/data', parents: true, readonly: true })).toEqual({ ok: true, value: { done: true } });
    expect(nas().zfs!.datasets['tank/restore/data']).toMatchObject({ mountpoint: '/tank/restore/data', origin: `tank/data@${origin.name}`, readonly: true });
    expect(files('/tank/restore/data/')).toEqual(Object.keys(origin.files!).map((p) => `/tank/restore/data${p}`).sort());
    expect(snaps('tank/data')).toHaveLength(before);
    // The clone blocks a rollback past its origin until it is gone.
    const blocked = await rollback(runner(), { dataset: 'tank/data', snapshot: snaps('tank/data')[0]!.name, destroyNewer: true });
    expect(blocked.ok && blocked.value).toMatchObject({ done: false, refusal: 'clones', blocking: ['tank/restore/data'] });
    expect(await destroyClone(runner(), 'tank/restore/data')).toEqual({ ok: true, value: { done: true } });
    expect(files('/tank/restore/data/')).toEqual([]);
  });

  it('a rollback names every newer snapshot, then with -r destroys exactly those and puts the files back', async () => {
    const hourly = snaps('tank/data').filter((s) => s.name.endsWith('_hourly')).at(-4)!;
    const order = await snapshotOrder(runner(), 'tank/data');
    if (!order.ok) throw new Error(order.error.message);
    const destroys = newerSnapshots(order.value, hourly.name)!;
    expect(destroys.length).toBeGreaterThan(3);
    const refused = await rollback(runner(), { dataset: 'tank/data', snapshot: hourly.name, destroyNewer: false });
    expect(refused.ok && refused.value).toMatchObject({ done: false, refusal: 'newer-snapshots', blocking: destroys.map((s) => `tank/data@${s}`) });
    delete nas().fs.files['/tank/data/notes/todo.md'];
    expect(await rollback(runner(), { dataset: 'tank/data', snapshot: hourly.name, destroyNewer: true })).toEqual({ ok: true, value: { done: true } });
    expect(snaps('tank/data').at(-1)!.name).toBe(hourly.name);
    expect(nas().fs.files['/tank/data/notes/todo.md']).toEqual(hourly.files!['/notes/todo.md']);
    expect(nas().fs.files['/tank/data/db/nextcloud.sqlite']!.mtime).toBe(hourly.files!['/db/nextcloud.sqlite']!.mtime);
  });

  it('receives the dataset back from its replica: refused while changed, then -F brings the replica state', async () => {
    const replica = snaps('backup/data');
    const newestOnReplica = replica.at(-1)!;
    const sourceGuids = new Set(snaps('tank/data').map((s) => s.guid));
    const common = [...replica].reverse().find((s) => sourceGuids.has(s.guid) && s !== newestOnReplica)!;
    nas().fs.files['/tank/data/notes/scratch.txt'] = { size: 5, mtime: Date.now() / 1000, content: 'typo\n' };
    const refused = await receiveFromReplica(runner(), { replica: 'backup/data', snapshot: newestOnReplica.name, from: common.name, target: 'tank/data', force: false });
    expect(refused.ok && refused.value.refusal).toBe('target-modified');
    const r = await receiveFromReplica(runner(), { replica: 'backup/data', snapshot: newestOnReplica.name, from: common.name, target: 'tank/data', force: true });
    expect(r).toEqual({ ok: true, value: { done: true } });
    expect(snaps('tank/data').at(-1)!.guid).toBe(newestOnReplica.guid);
    expect(files('/tank/data/')).toEqual(Object.keys(newestOnReplica.files!).map((p) => `/tank/data${p}`).sort());
  });
});
