/**
 * The whole chain against real parts: real OpenSSH sshd hosts, a real restic
 * repository backed up twice at chosen times, real rclone (a local remote
 * from RCLONE_CONFIG and `rclone serve webdav` as the "cloud", defined by
 * RCLONE_CONFIG_CLOUD_* in the sshd's SetEnv) and a real zfs-fuse pool with
 * snapshots replicated by send/receive, read from two hosts. `strata status
 * --json` must report the points and ages the tools themselves report, in
 * process and as `node bin/strata.js`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostCommands } from '../../src/cli/commands-list.js';
import { composeServices } from '../../src/services/root.js';
import type { InventoryFile } from '../../src/domain/inventory-file.js';
import { parseInventoryText } from '../../src/domain/inventory.js';
import type { StatusReport } from '../../src/domain/status-report.js';
import { readStatus } from '../../src/services/status-service.js';
import { freePort, startSshd, type SshdHost } from '../helpers/sshd.js';
import { describeWithTools } from '../helpers/tools.js';
import { recording, unlisted, type RecordedCommand } from '../helpers/status/command-drift.js';
import { assetOf, layerOf, statusJson, strata } from '../helpers/status/run-strata.js';
import { hostEntry } from '../helpers/status/standin-lab.js';
import { sh, useZfsFuse, type ZfsFuse } from '../helpers/zfs-fuse.js';

const ROOT = resolve(import.meta.dirname, '../..');
const HOUR = 3600;

/** `restic backup --time` wants local time as `2006-01-02 15:04:05`. */
function localStamp(epoch: number): string {
  const d = new Date(epoch * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function run(argv: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function setMtimes(dir: string, epoch: number): void {
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = join(e.parentPath, e.name);
    if (e.isFile()) utimesSync(p, epoch, epoch);
  }
}

async function waitForWebdav(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`rclone serve webdav exited with ${child.exitCode}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`, { method: 'PROPFIND', headers: { Depth: '0' } });
      if (r.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('rclone serve webdav did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const newestModTime = (lsjson: string) => Math.max(...(JSON.parse(lsjson) as { ModTime: string }[]).map((o) => Date.parse(o.ModTime) / 1000));
const epochOf = (iso: string | null) => (iso === null ? null : Date.parse(iso) / 1000);

describeWithTools(['sshd', 'restic', 'rclone', 'zfs-fuse'], 'strata status against real sshd hosts with real restic, rclone and ZFS', () => {
  let dir: string;
  let zfs: ZfsFuse | undefined;
  let webdav: ChildProcess | undefined;
  const sshds: SshdHost[] = [];
  const pool = `st${Math.random().toString(36).slice(2, 8)}s`;
  let app: string;
  let config: string;
  let resticEnv: Record<string, string>;
  let rcloneEnv: Record<string, string>;
  const backupTimes: number[] = [];
  let usbNewest = 0;
  let cloudNewest = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-real-status-'));
    const now = Math.floor(Date.now() / 1000);

    // ZFS: a file-backed pool, two snapshots of pool/data, both received into pool/replica/data.
    zfs = await useZfsFuse(dir);
    sh(`truncate -s 256M ${dir}/pool.img`);
    sh(`zpool create -m ${dir}/mnt ${pool} ${dir}/pool.img`);
    sh(`zfs create ${pool}/data && zfs create ${pool}/replica`);
    writeFileSync(`${dir}/mnt/data/a.txt`, 'first');
    sh(`zfs snapshot ${pool}/data@autosnap_1 && zfs send ${pool}/data@autosnap_1 | zfs recv ${pool}/replica/data`);
    await new Promise((r) => setTimeout(r, 1100));
    writeFileSync(`${dir}/mnt/data/b.txt`, 'second');
    sh(`zfs snapshot ${pool}/data@autosnap_2 && zfs send -i @autosnap_1 ${pool}/data@autosnap_2 | zfs recv ${pool}/replica/data`);

    // restic: a repository of /app, backed up 30 h and 3 h ago.
    app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'config.yml'), 'version: 1\n');
    writeFileSync(join(dir, 'restic-pass'), 'correct horse battery staple\n');
    resticEnv = { RESTIC_REPOSITORY: join(dir, 'restic'), RESTIC_PASSWORD_FILE: join(dir, 'restic-pass'), RESTIC_CACHE_DIR: join(dir, 'restic-cache') };
    run(['restic', 'init'], resticEnv);
    backupTimes.push(now - 30 * HOUR, now - 3 * HOUR);
    for (const t of backupTimes) {
      writeFileSync(join(app, 'state.json'), JSON.stringify({ t }));
      run(['restic', 'backup', '--host', 'docker1', '--time', localStamp(t), app], resticEnv);
    }

    // rclone: /app copied to a local remote; the restic repository copied to the "cloud".
    mkdirSync(join(dir, 'usb-copy/app'), { recursive: true });
    writeFileSync(join(dir, 'usb-copy/app/config.yml'), 'version: 1\n');
    writeFileSync(join(dir, 'usb-copy/app/state.json'), '{}');
    usbNewest = now - 2 * HOUR;
    utimesSync(join(dir, 'usb-copy/app/config.yml'), now - 26 * HOUR, now - 26 * HOUR);
    utimesSync(join(dir, 'usb-copy/app/state.json'), usbNewest, usbNewest);
    mkdirSync(join(dir, 'cloud'));
    // As `rclone sync` leaves it: rclone creates no empty directories on the remote.
    sh(`cp -r ${dir}/restic ${dir}/cloud/repo && find ${dir}/cloud/repo -type d -empty -delete`);
    cloudNewest = now - HOUR;
    setMtimes(join(dir, 'cloud/repo'), cloudNewest);
    writeFileSync(join(dir, 'rclone.conf'), '[usb]\ntype = local\n');
    const port = await freePort();
    webdav = spawn('rclone', ['serve', 'webdav', join(dir, 'cloud'), '--addr', `127.0.0.1:${port}`], {
      env: { ...process.env, RCLONE_CONFIG: join(dir, 'rclone.conf') },
      stdio: 'ignore',
    });
    await waitForWebdav(port, webdav);
    rcloneEnv = {
      RCLONE_CONFIG: join(dir, 'rclone.conf'),
      RCLONE_CONFIG_CLOUD_TYPE: 'webdav',
      RCLONE_CONFIG_CLOUD_URL: `http://127.0.0.1:${port}/`,
      RCLONE_CONFIG_CLOUD_VENDOR: 'other',
    };

    const [docker1, nas1, nas2] = await Promise.all([
      startSshd({ name: 'docker1', env: rcloneEnv }),
      startSshd({ name: 'nas1' }),
      startSshd({ name: 'nas2' }),
    ]);
    sshds.push(docker1, nas1, nas2);
    const inventory: InventoryFile = {
      version: 1,
      hosts: [hostEntry('docker1', docker1), hostEntry('nas1', nas1), hostEntry('nas2', nas2)],
      layers: [
        {
          id: 'restic-usb',
          kind: 'restic',
          host: 'docker1',
          repository: join(dir, 'restic'),
          secret: { file: join(dir, 'restic-pass') },
          env: { RESTIC_CACHE_DIR: join(dir, 'restic-cache') },
          media: 'usb-ssd',
          rpo: '1d',
        },
        { id: 'rclone-usb', kind: 'rclone', host: 'docker1', remote: `usb:${join(dir, 'usb-copy/app')}`, source: app, media: 'hdd', rpo: '1d' },
        { id: 'rclone-cloud', kind: 'rclone', host: 'docker1', remote: 'cloud:repo', media: 'cloud', offsite: true, rpo: '7d', copyOf: ['restic-usb'] },
        { id: 'nas-snap', kind: 'zfs-snapshots', host: 'nas1', datasets: [`${pool}/data`], media: 'nvme', rpo: '1h' },
        {
          id: 'nas-repl',
          kind: 'zfs-replication',
          host: 'nas2',
          source: { host: 'nas1', dataset: `${pool}/data` },
          target: { dataset: `${pool}/replica/data` },
          media: 'hdd',
          rpo: '1d',
        },
      ],
      tiers: [{ name: 'tier1', rpo: '1d', copies: 3, media: 2, offsite: 1, assets: [`files/docker1:${app}`] }],
    };
    config = join(dir, 'inventory.json');
    writeFileSync(config, JSON.stringify(inventory, null, 2));
  });

  afterAll(async () => {
    await Promise.all(sshds.map((s) => s.stop()));
    if (webdav && webdav.exitCode === null) {
      const gone = new Promise((r) => webdav!.once('exit', r));
      webdav.kill('SIGTERM');
      await gone;
    }
    spawnSync('zpool', ['destroy', '-f', pool]);
    await zfs?.release();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let report: StatusReport;

  it('reports every layer ok (exit 0) with the points and times the tools themselves report', async () => {
    const r = await strata(['status', '--json', '--config', config]);
    expect(r.stderr).toBe('');
    report = statusJson(r);
    expect(report.layers.map((l) => [l.id, l.health, l.reasons])).toEqual([
      ['restic-usb', 'ok', []],
      ['rclone-usb', 'ok', []],
      ['rclone-cloud', 'ok', []],
      ['nas-snap', 'ok', []],
      ['nas-repl', 'ok', []],
    ]);
    expect(r.code).toBe(0);
    expect(report.overall).toBe('ok');
    for (const h of report.hosts) expect(h).toMatchObject({ reachable: true, error: null, health: 'ok' });

    // restic: what `restic snapshots --json` says, newest 3 h old.
    const snaps = JSON.parse(run(['restic', 'snapshots', '--json'], resticEnv)) as { time: string }[];
    expect(snaps.map((s) => Date.parse(s.time) / 1000).sort()).toEqual(backupTimes);
    const restic = layerOf(report, 'restic-usb');
    expect(restic.points).toBe(2);
    expect(epochOf(restic.lastPointAt)).toBe(Math.max(...snaps.map((s) => Date.parse(s.time) / 1000)));
    // Ages are the report's time minus the point's (the hosts' clocks are this machine's).
    const ageAt = (iso: string | null) => Date.parse(report.generatedAt) / 1000 - epochOf(iso)!;
    expect(Math.abs(restic.ageSeconds! - ageAt(restic.lastPointAt))).toBeLessThanOrEqual(2);
    expect(restic.ageSeconds!).toBeGreaterThanOrEqual(3 * HOUR);

    // rclone: the newest ModTime `rclone lsjson` lists, on the local remote and over webdav.
    const usbList = run(['rclone', 'lsjson', '-R', '--files-only', `usb:${join(dir, 'usb-copy/app')}`], rcloneEnv);
    expect(epochOf(layerOf(report, 'rclone-usb').lastPointAt)).toBe(newestModTime(usbList));
    expect(epochOf(layerOf(report, 'rclone-usb').lastPointAt)).toBe(usbNewest);
    const cloudList = run(['rclone', 'lsjson', '-R', '--files-only', 'cloud:repo'], rcloneEnv);
    expect(epochOf(layerOf(report, 'rclone-cloud').lastPointAt)).toBe(newestModTime(cloudList));
    expect(epochOf(layerOf(report, 'rclone-cloud').lastPointAt)).toBe(cloudNewest);
    expect(Math.abs(layerOf(report, 'rclone-cloud').ageSeconds! - ageAt(layerOf(report, 'rclone-cloud').lastPointAt))).toBeLessThanOrEqual(2);

    // ZFS: creation times as `zfs get -p creation` prints them; the replica's snapshots carry the source's.
    const creation = (snap: string) => Number(sh(`zfs get -H -p -o value creation ${snap}`).trim());
    const snap = layerOf(report, 'nas-snap');
    expect(snap.points).toBe(2);
    expect(epochOf(snap.lastPointAt)).toBe(creation(`${pool}/data@autosnap_2`));
    expect(snap.pools).toEqual([expect.objectContaining({ name: pool, state: 'ONLINE', healthy: true })]);
    const repl = layerOf(report, 'nas-repl');
    expect(repl.points).toBe(2);
    expect(epochOf(repl.lastPointAt)).toBe(creation(`${pool}/replica/data@autosnap_2`));
    expect(epochOf(repl.lastPointAt)).toBe(creation(`${pool}/data@autosnap_2`));
  });

  it('counts the copies of the files across restic, rclone and the off-site copy of the restic repository', () => {
    const files = assetOf(report, `files/docker1:${app}`);
    expect(files).toMatchObject({ tier: 'tier1', health: 'ok', copies: 4, media: 3, offsite: 1, reasons: [] });
    expect(Object.keys(files.newest).sort()).toEqual(['rclone-cloud', 'rclone-usb', 'restic-usb']);
    // The cloud holds the restic snapshot of 3 h ago, copied an hour ago.
    expect(epochOf(files.newest['rclone-cloud']!)).toBe(backupTimes[1]);
    const viaCloud = files.layers.find((l) => l.layerId === 'rclone-cloud')!;
    expect(viaCloud.via).toEqual(['restic-usb']);
    expect(viaCloud.hopLagSeconds).toEqual([cloudNewest - backupTimes[1]!]);
    // The pool's snapshots are rollback points; the replica is the copy.
    const data = assetOf(report, `dataset/${pool}/data`);
    expect(data).toMatchObject({ health: 'ok', copies: 2 });
    expect(data.layers.map((l) => [l.layerId, l.countsAsCopy])).toEqual([
      ['nas-snap', false],
      ['nas-repl', true],
    ]);
  });

  it('gives the same answer as a child process `node bin/strata.js status --json --config F`', () => {
    const child = spawnSync(process.execPath, [join(ROOT, 'bin/strata.js'), 'status', '--json', '--config', config], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 60_000,
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const again = statusJson({ code: child.status!, stdout: child.stdout, stderr: child.stderr });
    const summary = (r: StatusReport) => r.layers.map((l) => [l.id, l.health, l.lastPointAt, l.points]);
    expect(summary(again)).toEqual(summary(report));
    expect(again.assets.map((a) => [a.id, a.health, a.copies])).toEqual(report.assets.map((a) => [a.id, a.health, a.copies]));
  });

  it('lists in `strata commands` every command that ran on each host, zfs-fuse fallbacks included', async () => {
    const parsed = parseInventoryText(readFileSync(config, 'utf8'));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const session = composeServices({ inventory: parsed.inventory, configPath: config, env: {} });
    const ran: RecordedCommand[] = [];
    try {
      await readStatus(parsed.inventory, recording(session.collector, ran));
    } finally {
      await session.close();
    }
    const listed = await strata(['commands', '--json', '--config', config]);
    expect(listed.code).toBe(0);
    expect(unlisted(ran, JSON.parse(listed.stdout) as HostCommands[])).toEqual([]);
    // zfs-fuse has no `zfs list -p`: the fallback ran, on both replication hosts.
    const fallback = (host: string) => ran.some((r) => r.host === host && r.cmd.argv[0] === 'zfs' && r.cmd.argv[1] === 'get');
    expect([fallback('nas1'), fallback('nas2')]).toEqual([true, true]);
    // The restic password stayed a path on the host.
    const restic = ran.find((r) => r.cmd.argv[0] === 'restic')!;
    expect(restic.cmd.env).toMatchObject({ RESTIC_PASSWORD_FILE: join(dir, 'restic-pass') });
    expect(restic.cmd.secrets).toBeUndefined();
    expect(statSync(join(dir, 'restic-pass')).isFile()).toBe(true);
  });
});
