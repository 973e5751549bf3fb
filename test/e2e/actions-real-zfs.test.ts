/**
 * zfs actions against real zfs-fuse through the real LocalRunner: snapshots,
 * a same-host replication (full, then incremental from the newest common
 * snapshot, carrying every snapshot taken in between) through the positional `sh -c` pipe, its verify, and the pool's
 * scrub state before and after a scrub. zfs-fuse has no `zfs list -p`, so the
 * plans use its `zfs get` listing. A running zfs-fuse daemon is reused.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithTools } from '../helpers/tools.js';
import { sh, useZfsFuse, type ZfsFuse } from '../helpers/zfs-fuse.js';
import { localActions } from '../helpers/actions/local.js';

describeWithTools(['zfs-fuse'], 'zfs actions against real zfs-fuse', () => {
  let zfs: ZfsFuse | undefined;
  let dir = '';
  const pool = `sa${Math.random().toString(36).slice(2, 8)}`;
  let actions: ReturnType<typeof localActions>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-act-zfs-'));
    zfs = await useZfsFuse(dir);
    sh(`truncate -s 256M ${dir}/pool.img`);
    sh(`zpool create -m ${dir}/mnt ${pool} ${dir}/pool.img`);
    sh(`zfs create ${pool}/data && zfs create ${pool}/backup && echo hello > ${dir}/mnt/data/hello.txt`);
    actions = localActions([
      { id: 'snaps', kind: 'zfs-snapshots', host: 'here', datasets: [`${pool}/data`] },
      { id: 'repl', kind: 'zfs-replication', host: 'here', source: { dataset: `${pool}/data` }, target: { dataset: `${pool}/backup/data` }, rpo: '1d' },
    ]);
  });

  afterAll(async () => {
    // zfs-fuse may still hold the pool busy for a moment after a receive.
    for (let i = 0; i < 10 && spawnSync('zpool', ['destroy', '-f', pool]).status !== 0; i++) {
      if (spawnSync('zpool', ['list', pool]).status !== 0) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    await zfs?.release();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('takes a snapshot that zfs then lists', async () => {
    const out = await actions.run({ kind: 'run', layerId: 'snaps' });
    expect(out.state).toBe('ok');
    expect(sh(`zfs list -H -t snapshot -o name -r ${pool}/data`)).toMatch(new RegExp(`${pool}/data@strata_\\d{4}-\\d{2}-\\d{2}_\\d{2}:\\d{2}:\\d{2}`));
  });

  it('replicates: a full send first, the target confirming the snapshot arrived', async () => {
    const plan = await actions.plan({ kind: 'run', layerId: 'repl' });
    expect(plan.title).toContain('full send');
    expect(plan.steps[2]!.command.argv.slice(0, 2)).toEqual(['zfs', 'get']);
    const out = await actions.execute(plan);
    expect(out).toMatchObject({ state: 'ok', summary: expect.stringContaining('is on the target') });
    expect(sh(`cat ${dir}/mnt/backup/data/hello.txt`)).toBe('hello\n');
  });

  it('replicates again incrementally from the newest common snapshot', async () => {
    await new Promise((r) => setTimeout(r, 1100)); // a new second, so a new snapshot name
    sh(`echo more > ${dir}/mnt/data/more.txt`);
    const plan = await actions.plan({ kind: 'run', layerId: 'repl' });
    expect(plan.title).toContain('incremental from @strata_');
    expect(await actions.execute(plan)).toMatchObject({ state: 'ok' });
    expect(sh(`cat ${dir}/mnt/backup/data/more.txt`)).toBe('more\n');
  });

  it('fails in zfs\'s own words when recv refuses the incremental stream', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    // A change on the target after its newest snapshot is kept only without -F; a snapshot the source lacks breaks -i.
    const plan = await actions.plan({ kind: 'run', layerId: 'repl' });
    sh(`zfs destroy ${plan.steps[1]!.command.argv[4]!.replace(`${pool}/data@`, `${pool}/backup/data@`)}`);
    const out = await actions.execute(plan);
    expect(out.state).toBe('failed');
    expect(out.details?.join('\n')).toMatch(/sh exited with \d+: cannot receive incremental stream: .*match incremental source/);
  });

  it('verifies the replication by comparing both sides', async () => {
    const out = await actions.run({ kind: 'verify', layerId: 'repl' });
    expect(out).toMatchObject({ state: 'ok', verified: 'ok', summary: expect.stringMatching(/^newest common @strata_.* newer on the source not yet on the target/) });
  });

  it('sends a snapshot taken on the source between two replications along to the target', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    sh(`echo between > ${dir}/mnt/data/between.txt && zfs snapshot ${pool}/data@between`);
    await new Promise((r) => setTimeout(r, 1100));
    sh(`echo after > ${dir}/mnt/data/after.txt`);
    const plan = await actions.plan({ kind: 'run', layerId: 'repl' });
    // Since the newest common one: the snapshot of the refused run before, and @between.
    expect(plan.steps[1]!.description).toMatch(/with the 3 snapshots taken since$/);
    expect(await actions.execute(plan)).toMatchObject({ state: 'ok' });
    const names = (ds: string) => sh(`zfs list -H -t snapshot -o name -r ${ds}`).trim().split('\n').map((n) => n.slice(n.indexOf('@')));
    expect(names(`${pool}/backup/data`)).toContain('@between');
    // Every snapshot since the first full send is on both sides (the one before it never went).
    const target = names(`${pool}/backup/data`);
    const source = names(`${pool}/data`);
    expect(target).toEqual(source.slice(source.indexOf(target[0]!)));
    // The source's own snapshot arrived (same guid), not one of the same name.
    const guid = (snap: string) => sh(`zfs get -Hp -o value guid ${snap}`).trim();
    expect(guid(`${pool}/backup/data@between`)).toBe(guid(`${pool}/data@between`));
    expect(sh(`cat ${dir}/mnt/backup/data/after.txt`)).toBe('after\n');
  });

  it('reads the scrub state: never scrubbed is a warning, a clean scrub proves the pool', async () => {
    const before = await actions.run({ kind: 'verify', layerId: 'snaps' });
    expect(before).toMatchObject({ state: 'warn', summary: expect.stringContaining('never scrubbed') });
    expect(before.verified).toBeUndefined();
    sh(`zpool scrub ${pool}`);
    const deadline = Date.now() + 20_000;
    while (/in progress/.test(sh(`zpool status ${pool}`)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const after = await actions.run({ kind: 'verify', layerId: 'snaps' });
    expect(after).toMatchObject({ state: 'ok', verified: 'ok', summary: expect.stringMatching(/last scrub \d+ s ago found no errors/) });
    expect(Math.abs(after.provenAtSec! - Date.now() / 1000)).toBeLessThan(120);
  });
});
