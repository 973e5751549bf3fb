/**
 * Dataset and file restores on real zfs-fuse through the real LocalRunner.
 * zfs-fuse has no `.zfs` directory (not even with snapdir=visible), so a
 * snapshot's files are read there from a read-only clone; the rest is as on
 * OpenZFS: a clone (nothing destroyed), a rollback that refuses and names the
 * newer snapshots until `-r`, and a dataset sent back from its replica with
 * `zfs send -I | zfs recv -F`. The daemon is shared (test/helpers/zfs-fuse.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listDirectory, makeDirectory } from '../../../src/adapters/files/index.js';
import { clone, copyFromSnapshot, destroyClone, mountpoint, receiveFromReplica, rollback, snapshotOrder } from '../../../src/adapters/zfs/index.js';
import { copyOut } from '../../../src/adapters/files/index.js';
import { newerSnapshots, snapshotDirectory } from '../../../src/adapters/zfs/restore.js';
import { LocalRunner } from '../../../src/transport/local-runner.js';
import { describeWithTools } from '../../helpers/tools.js';
import { destroyPool, sh, useZfsFuse, type ZfsFuse } from '../../helpers/zfs-fuse.js';

/** zfs-fuse keeps a dataset busy for a moment after it was read: a destroy is tried for a few seconds. */
async function destroyed(runner: LocalRunner, dataset: string): Promise<unknown> {
  for (let i = 0; ; i++) {
    const r = await destroyClone(runner, dataset);
    if (!(r.ok && r.value.refusal === 'busy') || i === 30) return r;
    await new Promise((res) => setTimeout(res, 200));
  }
}

describeWithTools(['zfs-fuse'], 'zfs restores against real zfs-fuse', () => {
  let zfs: ZfsFuse | undefined;
  let dir = '';
  const id = Math.random().toString(36).slice(2, 8);
  const pool = `st${id}r`;
  const runner = new LocalRunner('here');
  const mnt = () => join(dir, 'mnt');
  const write = (rel: string, text: string) => writeFileSync(join(mnt(), rel), text);
  const read = (rel: string) => readFileSync(join(mnt(), rel), 'utf8');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-zfs-restore-'));
    zfs = await useZfsFuse(dir);
    sh(`truncate -s 256M ${dir}/pool.img`);
    sh(`zpool create -m ${mnt()} ${pool} ${dir}/pool.img`);
    sh(`zfs create ${pool}/data && zfs create ${pool}/backup`);
    write('data/ledger.ods', 'ledger v1');
    sh(`mkdir -p ${mnt()}/data/notes && echo todo-v1 > ${mnt()}/data/notes/todo.md`);
    sh(`zfs snapshot ${pool}/data@s1`);
    sh(`zfs send ${pool}/data@s1 | zfs recv ${pool}/backup/data`);
    write('data/ledger.ods', 'ledger v2');
    sh(`zfs snapshot ${pool}/data@s2`);
    write('data/ledger.ods', 'ledger v3');
    sh(`rm ${mnt()}/data/notes/todo.md`);
    sh(`zfs snapshot ${pool}/data@s3`);
    sh(`zfs send -I @s1 ${pool}/data@s3 | zfs recv ${pool}/backup/data`);
  }, 60_000);

  afterAll(async () => {
    if (spawnSync('zpool', ['list', pool]).status === 0) await destroyPool(pool);
    await zfs?.release();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds the mountpoint; zfs-fuse has no .zfs/snapshot, a read-only clone serves instead', async () => {
    const m = await mountpoint(runner, `${pool}/data`);
    expect(m).toEqual({ ok: true, value: { path: join(mnt(), 'data') } });
    const viaSnapdir = await listDirectory(runner, { dir: snapshotDirectory(join(mnt(), 'data'), 's1') });
    expect(viaSnapdir.ok ? 'listed' : viaSnapdir.error.kind).toBe('not-found');

    const browse = `${pool}/data-s1-browse`;
    expect(await clone(runner, { dataset: `${pool}/data`, snapshot: 's1', target: browse, readonly: true })).toEqual({ ok: true, value: { done: true } });
    const at = await mountpoint(runner, browse);
    if (!at.ok || !('path' in at.value)) throw new Error('the clone has no mountpoint');
    const l = await listDirectory(runner, { dir: at.value.path, as: '/' });
    if (!l.ok) throw new Error(l.error.message);
    expect(l.value.entries.map((e) => [e.path, e.kind, e.sizeBytes])).toEqual([
      ['/ledger.ods', 'file', 9],
      ['/notes', 'dir', undefined],
    ]);
    // Copy out what was lost since: the relative paths stay.
    const to = join(dir, 'restored');
    expect((await makeDirectory(runner, to)).ok).toBe(true);
    expect(await copyOut(runner, { from: at.value.path, paths: ['notes/todo.md', 'ledger.ods'], to })).toEqual({ ok: true, value: { done: true } });
    expect(readFileSync(join(to, 'notes/todo.md'), 'utf8')).toBe('todo-v1\n');
    expect(readFileSync(join(to, 'ledger.ods'), 'utf8')).toBe('ledger v1');
    expect(await destroyed(runner, browse)).toEqual({ ok: true, value: { done: true } });
    // The OpenZFS route names its paths the same way; on zfs-fuse there is no such directory to copy from.
    const direct = await copyFromSnapshot(runner, { mountpoint: join(mnt(), 'data'), snapshot: 's1', paths: ['/ledger.ods'], to });
    expect(direct.ok).toBe(false);
  });

  it('restores a dataset as a clone with -p: nothing destroyed, the snapshot content under a new name', async () => {
    const r = await clone(runner, { dataset: `${pool}/data`, snapshot: 's2', target: `${pool}/restore/data-s2`, parents: true });
    expect(r).toEqual({ ok: true, value: { done: true } });
    expect(read('restore/data-s2/ledger.ods')).toBe('ledger v2');
    expect(read('data/ledger.ods')).toBe('ledger v3');
    const again = await clone(runner, { dataset: `${pool}/data`, snapshot: 's2', target: `${pool}/restore/data-s2` });
    expect(again.ok && again.value.refusal).toBe('snapshot-exists');
    expect(await destroyed(runner, `${pool}/restore/data-s2`)).toEqual({ ok: true, value: { done: true } });
  });

  it('a rollback refuses and names every newer snapshot; with -r it destroys exactly those', async () => {
    const order = await snapshotOrder(runner, `${pool}/data`);
    if (!order.ok) throw new Error(order.error.message);
    expect(order.value).toEqual(['s1', 's2', 's3']);
    const destroys = newerSnapshots(order.value, 's1')!;
    const refused = await rollback(runner, { dataset: `${pool}/data`, snapshot: 's1', destroyNewer: false });
    if (!refused.ok) throw new Error(refused.error.message);
    expect(refused.value.refusal).toBe('newer-snapshots');
    expect([...refused.value.blocking!].sort()).toEqual(destroys.map((s) => `${pool}/data@${s}`).sort());
    expect(read('data/ledger.ods')).toBe('ledger v3');
    expect(await rollback(runner, { dataset: `${pool}/data`, snapshot: 's1', destroyNewer: true })).toEqual({ ok: true, value: { done: true } });
    expect(read('data/ledger.ods')).toBe('ledger v1');
    expect(read('data/notes/todo.md')).toBe('todo-v1\n');
    const after = await snapshotOrder(runner, `${pool}/data`);
    expect(after.ok && after.value).toEqual(['s1']);
  });

  it('sends the dataset back from its replica: refused on a changed target, then with -F the replica content', async () => {
    // After the rollback the original holds s1 only; the replica holds s1..s3.
    write('data/ledger.ods', 'changed since s1');
    const refused = await receiveFromReplica(runner, { replica: `${pool}/backup/data`, snapshot: 's3', from: 's1', target: `${pool}/data`, force: false });
    if (!refused.ok) throw new Error(refused.error.message);
    expect(refused.value.refusal).toBe('target-modified');
    const r = await receiveFromReplica(runner, { replica: `${pool}/backup/data`, snapshot: 's3', from: 's1', target: `${pool}/data`, force: true });
    expect(r).toEqual({ ok: true, value: { done: true } });
    expect(read('data/ledger.ods')).toBe('ledger v3');
    const order = await snapshotOrder(runner, `${pool}/data`);
    expect(order.ok && order.value).toEqual(['s1', 's2', 's3']);
    // A send from a snapshot the replica lacks fails inside the pipe; the pipe itself exits 0 on zfs-fuse.
    const bad = await receiveFromReplica(runner, { replica: `${pool}/backup/data`, snapshot: 's3', from: 'gone', target: `${pool}/data`, force: true });
    expect(bad.ok && bad.value).toMatchObject({ done: false, refusal: 'no-common-snapshot' });
  });
});
