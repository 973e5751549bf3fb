/**
 * File and dataset restores through the engine against real tools on a real
 * sshd host: restic 0.14 (no JSON progress: elapsed time and bytes measured
 * under the target; over the original only with the typed host), rclone 1.60
 * (copy back from a local remote, `rclone check --download` on what came
 * back) and zfs-fuse (no .zfs directory: clone, rollback -r with the newer
 * snapshots named and typed, and the dataset back from its replica with
 * `zfs send -I | zfs recv -F`), each ending with a check that reads the data.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { InventoryFile } from '../../src/domain/inventory-file.js';
import { parseInventoryText } from '../../src/domain/inventory.js';
import { composeServices, type Services } from '../../src/services/root.js';
import { RestoreError, type FileRestoreEvent } from '../../src/services/restore/files-api.js';
import { startSshd, type SshdHost } from '../helpers/sshd.js';
import { hostEntry } from '../helpers/status/standin-lab.js';
import { describeWithTools } from '../helpers/tools.js';
import { destroyPool, sh, useZfsFuse, type ZfsFuse } from '../helpers/zfs-fuse.js';

function run(argv: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeWithTools(['sshd', 'restic', 'rclone', 'zfs-fuse'], 'file and dataset restores with real restic 0.14, rclone 1.60 and zfs-fuse', () => {
  let dir = '';
  let zfs: ZfsFuse | undefined;
  let sshd: SshdHost;
  let services: Services;
  let env: Record<string, string>;
  const pool = `st${Math.random().toString(36).slice(2, 8)}f`;
  let app = '';
  const mnt = () => join(dir, 'mnt');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-file-restore-real-'));
    app = join(dir, 'app');
    mkdirSync(join(app, 'conf.d'), { recursive: true });
    writeFileSync(join(app, 'conf.d/site.conf'), 'server { listen 80; }\n');
    writeFileSync(join(app, 'conf.d/it\'s "odd".conf'), 'odd\n');
    writeFileSync(join(app, 'big.bin'), Buffer.alloc(3_000_000, 7));
    writeFileSync(join(dir, 'restic-pass'), 'correct horse\n');
    const resticEnv = { RESTIC_REPOSITORY: join(dir, 'restic'), RESTIC_PASSWORD_FILE: join(dir, 'restic-pass'), RESTIC_CACHE_DIR: join(dir, 'restic-cache') };
    run(['restic', 'init', '-q'], resticEnv);
    run(['restic', 'backup', '-q', '--host', 'h1', app], resticEnv);
    // The rclone copy: a local remote holding what `rclone sync` left there.
    run(['rclone', 'copy', app, join(dir, 'usb-copy')]);
    writeFileSync(join(dir, 'rclone.conf'), '[usb]\ntype = local\n');

    zfs = await useZfsFuse(dir);
    sh(`truncate -s 256M ${dir}/pool.img`);
    sh(`zpool create -m ${mnt()} ${pool} ${dir}/pool.img`);
    sh(`zfs create ${pool}/data && zfs create ${pool}/backup`);
    writeFileSync(join(mnt(), 'data/ledger.ods'), 'ledger v1');
    sh(`zfs snapshot ${pool}/data@s1 && zfs send ${pool}/data@s1 | zfs recv ${pool}/backup/data`);
    await pause(1100);
    writeFileSync(join(mnt(), 'data/ledger.ods'), 'ledger v2');
    sh(`zfs snapshot ${pool}/data@s2`);
    await pause(1100);
    writeFileSync(join(mnt(), 'data/ledger.ods'), 'ledger v3');
    sh(`zfs snapshot ${pool}/data@s3 && zfs send -I @s1 ${pool}/data@s3 | zfs recv ${pool}/backup/data`);

    sshd = await startSshd({ name: 'h1', env: { RCLONE_CONFIG: join(dir, 'rclone.conf') } });
    const inventory: InventoryFile = {
      version: 1,
      hosts: [hostEntry('h1', sshd)],
      layers: [
        { id: 'restic-usb', kind: 'restic', host: 'h1', repository: join(dir, 'restic'), secret: { file: join(dir, 'restic-pass') }, env: { RESTIC_CACHE_DIR: join(dir, 'restic-cache') }, media: 'usb-ssd', rpo: '1d' },
        { id: 'rclone-usb', kind: 'rclone', host: 'h1', remote: `usb:${join(dir, 'usb-copy')}`, source: app, media: 'hdd', rpo: '1d' },
        { id: 'snap', kind: 'zfs-snapshots', host: 'h1', datasets: [`${pool}/data`], media: 'nvme', rpo: '1h' },
        { id: 'repl', kind: 'zfs-replication', host: 'h1', source: { dataset: `${pool}/data` }, target: { dataset: `${pool}/backup/data` }, media: 'hdd', rpo: '1d' },
      ],
      tiers: [{ name: 'tier1', rpo: '1d', copies: 2, media: 2, offsite: 0, assets: [`files/h1:${app}`, `dataset/${pool}/data`] }],
    };
    const config = join(dir, 'inventory.json');
    writeFileSync(config, JSON.stringify(inventory));
    const parsed = parseInventoryText(JSON.stringify(inventory));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    env = { STRATA_STATE_DIR: join(dir, 'state'), USER: 'tester' };
    services = composeServices({ inventory: parsed.inventory, configPath: config, env });
  }, 120_000);

  afterAll(async () => {
    await services?.close();
    await sshd?.stop();
    if (spawnSync('zpool', ['list', pool]).status === 0) await destroyPool(pool);
    await zfs?.release();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('restic 0.14: chosen paths to an alternate directory (no percent from this restic: the plan says bytes), read back and compared', async () => {
    const list = await services.fileRestore.sources({ path: `h1:${app}/conf.d` });
    // The rclone copy was made after the backup: newer, so first.
    expect(list.sources.map((s) => s.layerId)).toEqual(['rclone-usb', 'restic-usb']);
    const s = list.sources.find((x) => x.layerId === 'restic-usb')!;
    const browsed = await services.fileRestore.browse(s.id, `${app}/conf.d`);
    expect(browsed.entries.map((e) => e.name)).toEqual(['it\'s "odd".conf', 'site.conf']);
    const target = join(dir, 'restored');
    const plan = await services.fileRestore.plan({ sourceId: s.id, paths: [`${app}/conf.d`, `${app}/big.bin`], target: { kind: 'alternate', dir: target } });
    expect(plan).toMatchObject({ progress: 'bytes', confirmWord: null });
    const events: FileRestoreEvent[] = [];
    const r = await services.fileRestore.run(plan, { onEvent: (e) => events.push(e) });
    expect(r).toMatchObject({ state: 'restored', exitCode: 0 });
    expect(r.checks[0]).toMatchObject({ state: 'passed', detail: expect.stringContaining('3 files') });
    expect(readFileSync(join(target, app, 'conf.d/it\'s "odd".conf'), 'utf8')).toBe('odd\n');
    expect(events.filter((e) => e.type === 'step').length).toBe(2);
  });

  it('restic 0.14 over the original: says it overwrites, needs the host typed, puts the file back', async () => {
    const s = (await services.fileRestore.sources({ path: `h1:${app}/conf.d/site.conf` })).sources.find((x) => x.layerId === 'restic-usb')!;
    const plan = await services.fileRestore.plan({ sourceId: s.id, target: { kind: 'original' } });
    expect(plan.destroys.join(' ')).toContain('always overwrites');
    expect(plan.confirmWord).toBe('h1');
    writeFileSync(join(app, 'conf.d/site.conf'), 'broken\n');
    const wrong = await services.fileRestore.run(plan, { confirm: 'h2' }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(RestoreError);
    expect(readFileSync(join(app, 'conf.d/site.conf'), 'utf8')).toBe('broken\n');
    const r = await services.fileRestore.run(plan, { confirm: 'h1' });
    expect(r).toMatchObject({ state: 'restored' });
    expect(readFileSync(join(app, 'conf.d/site.conf'), 'utf8')).toBe('server { listen 80; }\n');
  });

  it('rclone 1.60: copies a directory back and checks it by downloading both sides', async () => {
    const s = (await services.fileRestore.sources({ path: `h1:${app}/conf.d` })).sources.find((x) => x.layerId === 'rclone-usb')!;
    const listing = await services.fileRestore.browse(s.id, app);
    expect(listing.entries.map((e) => e.name)).toEqual(['big.bin', 'conf.d']);
    const target = join(dir, 'from-rclone');
    const r = await services.fileRestore.run(await services.fileRestore.plan({ sourceId: s.id, target: { kind: 'alternate', dir: target } }));
    expect(r).toMatchObject({ state: 'restored' });
    expect(r.checks[0]).toMatchObject({ state: 'passed', detail: expect.stringContaining('2 files read on both sides') });
    expect(readFileSync(join(target, 'conf.d/site.conf'), 'utf8')).toBe('server { listen 80; }\n');
  });

  it('zfs-fuse: a clone by default, a rollback -r naming every newer snapshot, and the dataset back from its replica', async () => {
    const list = await services.fileRestore.sources({ dataset: `${pool}/data` });
    expect(list.sources.map((s) => s.layerId)).toEqual(['snap', 'repl']);
    const snap = list.sources[0]!;
    const clone = await services.fileRestore.plan({ sourceId: snap.id, cloneName: `${pool}/restored` });
    const c = await services.fileRestore.run(clone);
    expect(c).toMatchObject({ state: 'restored' });
    expect(c.checks[0]!.detail).toContain('not compared');
    expect(readFileSync(join(mnt(), 'restored/ledger.ods'), 'utf8')).toBe('ledger v3');
    sh(`zfs destroy ${pool}/restored || (sleep 2; zfs destroy ${pool}/restored)`);

    // The newest point at or before s1's own creation time (zfs get -p: epoch seconds).
    const s1At = Number(sh(`zfs get -Hp -o value creation ${pool}/data@s1`).trim());
    const s1 = (await services.fileRestore.sources({ dataset: `${pool}/data`, point: { kind: 'at', timeSec: s1At } })).sources.find((x) => x.layerId === 'snap')!;
    expect(s1.point.ref).toBe(`${pool}/data@s1`);
    const rollback = await services.fileRestore.plan({ sourceId: s1.id, method: 'rollback' });
    expect(rollback.confirmWord).toBe(`${pool}/data`);
    expect(rollback.destroys.join(' ')).toContain('destroys 2 newer snapshots: s2, s3');
    const rolled = await services.fileRestore.run(rollback, { confirm: `${pool}/data` });
    expect(rolled).toMatchObject({ state: 'restored' });
    expect(readFileSync(join(mnt(), 'data/ledger.ods'), 'utf8')).toBe('ledger v1');

    writeFileSync(join(mnt(), 'data/ledger.ods'), 'changed since s1');
    const repl = (await services.fileRestore.sources({ dataset: `${pool}/data` })).sources.find((x) => x.layerId === 'repl')!;
    expect(repl.point.ref).toBe(`${pool}/backup/data@s3`);
    const receive = await services.fileRestore.plan({ sourceId: repl.id, method: 'receive' });
    expect(receive.commands[0]!.command).toContain('zfs recv -F');
    expect(receive.destroys.join(' ')).toContain('every change since');
    const back = await services.fileRestore.run(receive, { confirm: `${pool}/data` });
    expect(back).toMatchObject({ state: 'restored' });
    expect(readFileSync(join(mnt(), 'data/ledger.ods'), 'utf8')).toBe('ledger v3');
  });
});
