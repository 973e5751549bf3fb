/**
 * The ZFS adapter and readers against real zfs-fuse through the real
 * LocalRunner: file-backed pools, one healthy, one a mirror with a device
 * taken offline (DEGRADED), snapshots, and a send/receive replica. zfs-fuse has
 * no `-p` for `zfs list`/`zpool list`, so this proves the fallbacks for real.
 * The zfs-fuse daemon is shared with other test files (test/helpers/zfs-fuse.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listPools, listSnapshots, poolStatus } from '../../../src/adapters/zfs/index.js';
import { readLayer, type ReaderContext } from '../../../src/kinds/read.js';
import { LocalRunner } from '../../../src/transport/local-runner.js';
import { describeWithTools } from '../../helpers/tools.js';
import { sh, useZfsFuse, type ZfsFuse } from '../../helpers/zfs-fuse.js';

describeWithTools(['zfs-fuse'], 'zfs adapter against real zfs-fuse', () => {
  let zfs: ZfsFuse | undefined;
  let dir: string;
  const id = Math.random().toString(36).slice(2, 8);
  const tank = `st${id}t`;
  const mirror = `st${id}m`;
  const runner = new LocalRunner('here');
  let before = 0;
  let after = 0;
  const ctx = (): ReaderContext => ({
    runner,
    runnerFor: () => runner,
    node: 'here',
    nowSec: Math.floor(Date.now() / 1000),
    timeoutMs: 30_000,
    lookupEnv: () => undefined,
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-zfs-'));
    zfs = await useZfsFuse(dir);
    sh(`truncate -s 256M ${dir}/tank.img ${dir}/m1.img ${dir}/m2.img`);
    sh(`zpool create -m ${dir}/mnt-t ${tank} ${dir}/tank.img`);
    sh(`zpool create -m ${dir}/mnt-m ${mirror} mirror ${dir}/m1.img ${dir}/m2.img`);
    sh(`zpool offline ${mirror} ${dir}/m2.img`);
    sh(`zfs create ${tank}/data && zfs create ${tank}/data/child && zfs create ${tank}/replica && zfs create ${mirror}/data`);
    before = Math.floor(Date.now() / 1000);
    sh(`zfs snapshot -r ${tank}/data@autosnap_1 && zfs snapshot ${mirror}/data@autosnap_1`);
    sh(`zfs send ${tank}/data@autosnap_1 | zfs recv ${tank}/replica/data`);
    await new Promise((r) => setTimeout(r, 1100));
    sh(`zfs snapshot ${tank}/data@autosnap_2`);
    sh(`zfs send -i @autosnap_1 ${tank}/data@autosnap_2 | zfs recv ${tank}/replica/data`);
    // Pruned on the source after replication: the replica's copy is still a point.
    sh(`zfs destroy ${tank}/data@autosnap_1`);
    after = Math.floor(Date.now() / 1000);
  });

  afterAll(async () => {
    for (const pool of [tank, mirror]) spawnSync('zpool', ['destroy', '-f', pool]);
    await zfs?.release();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads snapshots through the zfs get fallback, with real creation times', async () => {
    const r = await listSnapshots(runner, { dataset: `${tank}/data` });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.map((s) => s.name)).toEqual([`${tank}/data/child@autosnap_1`, `${tank}/data@autosnap_2`]);
    for (const s of r.value) {
      expect(s.timeSec).toBeGreaterThanOrEqual(before - 1);
      expect(s.timeSec).toBeLessThanOrEqual(after + 1);
      expect(s.usedBytes).toBeGreaterThanOrEqual(0);
    }
  });

  it('reads pools without -p: sizes with units, health of each', async () => {
    const r = await listPools(runner);
    if (!r.ok) throw new Error(r.error.message);
    const mine = r.value.filter((p) => p.name === tank || p.name === mirror);
    expect(mine.map((p) => [p.name, p.health, p.exact])).toEqual(
      [
        [mirror, 'DEGRADED', false],
        [tank, 'ONLINE', false],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
    const t = mine.find((p) => p.name === tank)!;
    expect(t.sizeBytes).toBeGreaterThan(200 * 2 ** 20);
    expect(t.sizeBytes).toBeLessThanOrEqual(256 * 2 ** 20);
    expect(t.capPercent).toBeGreaterThanOrEqual(0);
  });

  it('finds the degraded pool in zpool status -x although it exits 0', async () => {
    const r = await poolStatus(runner);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.allHealthy).toBe(false);
    expect(r.value.problems.find((p) => p.name === mirror)).toMatchObject({ state: 'DEGRADED', dataErrors: 0 });
    expect(r.value.problems.find((p) => p.name === tank)).toBeUndefined();
  });

  it('reads a zfs-snapshots layer: points per dataset, the healthy pool and the degraded one', async () => {
    const o = await readLayer(ctx(), { id: 'zsnap', kind: 'zfs-snapshots', host: 'here', datasets: [`${tank}/data`, `${mirror}/data`] });
    expect(o.errors).toEqual([]);
    expect(o.points.map((p) => p.assetId).sort()).toEqual([`dataset/${mirror}/data`, `dataset/${tank}/data`, `dataset/${tank}/data/child`]);
    expect(o.pools?.map((p) => [p.name, p.state, p.healthy])).toEqual(
      [
        [mirror, 'DEGRADED', false],
        [tank, 'ONLINE', true],
      ].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)),
    );
    expect(o.pools?.every((p) => (p.capacity?.totalBytes ?? 0) > 0)).toBe(true);
  });

  it('reads a replication layer: the replica snapshots are points of the source, with the source creation times', async () => {
    const source = await listSnapshots(runner, { dataset: `${tank}/data` });
    const o = await readLayer(ctx(), {
      id: 'repl',
      kind: 'zfs-replication',
      host: 'here',
      source: { dataset: `${tank}/data` },
      target: { dataset: `${tank}/replica/data` },
    });
    expect(o.errors).toEqual([]);
    expect(o.points.map((p) => [p.assetId, p.ref])).toEqual([
      [`dataset/${tank}/data`, `${tank}/replica/data@autosnap_1`],
      [`dataset/${tank}/data`, `${tank}/replica/data@autosnap_2`],
    ]);
    const sourceTime = source.ok ? source.value.find((s) => s.snapshot === 'autosnap_2')?.timeSec : undefined;
    expect(o.points[1]!.timeSec).toBe(sourceTime);
    expect(o.points[0]!.timeSec).toBeLessThan(o.points[1]!.timeSec);
  });

  it('reports a dataset that does not exist as not-found', async () => {
    const r = await listSnapshots(runner, { dataset: `${tank}/nope` });
    expect(r.ok ? null : r.error.kind).toBe('not-found');
  });
});
