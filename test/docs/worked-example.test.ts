/**
 * The worked example of docs/inventory.md, as a new user would follow it:
 * its JSON taken from the page, only moved into a temporary directory (paths
 * under it, pools with unique names, the address and port of a real OpenSSH
 * sshd standing in for nas1), and the world it describes built with the real
 * tools: zfs-fuse pools with a snapshot replicated by send/receive, a restic
 * repository backed up with `--host nas1`, and an rclone copy of it synced
 * and marked with the README's own lines. `strata config check` accepts it
 * and `strata status` reports what the page says it reports. Then the page's
 * host-key steps: without the pinned fingerprint the host is refused, naming
 * the fingerprint to compare, until `ssh-keyscan` adds it to known_hosts.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostFile, InventoryFile, LayerFile, ZfsReplicationLayerFile } from '../../src/domain/inventory-file.js';
import { startSshd, type SshdHost } from '../helpers/sshd.js';
import { describeWithTools } from '../helpers/tools.js';
import { destroyPool, sh, useZfsFuse, type ZfsFuse } from '../helpers/zfs-fuse.js';
import { assetOf, hostOf, statusJson, strata } from '../helpers/status/run-strata.js';
import { blockAfter, fillMarkScript, readDoc, readmeMarkScript } from '../helpers/docs.js';

const HEADING = '## Worked example: restic, rclone and ZFS on one host';

function run(argv: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/**
 * The example moved under `dir`: every absolute path of a layer or an asset
 * id gets `dir` in front, every pool a unique name. Nothing else changes.
 */
function relocate(example: InventoryFile, dir: string, pools: ReadonlyMap<string, string>): InventoryFile {
  const dataset = (d: string) => {
    const [pool, ...rest] = d.split('/');
    const renamed = pools.get(pool!);
    if (renamed === undefined) throw new Error(`the worked example uses pool ${pool}, which this test does not create`);
    return [renamed, ...rest].join('/');
  };
  const asset = (id: string) =>
    id.startsWith('dataset/') ? `dataset/${dataset(id.slice('dataset/'.length))}` : id.replace(/^(files\/[^:]+:)(\/.*)$/, (_, h: string, p: string) => `${h}${dir}${p}`);
  const move = (v: unknown, key: string): unknown => {
    if (typeof v === 'string') {
      if (key === 'datasets' || key === 'dataset') return dataset(v);
      if (key === 'assets' || key === 'carriers') return asset(v);
      return v.startsWith('/') ? `${dir}${v}` : v;
    }
    if (Array.isArray(v)) return v.map((x) => move(x, key));
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, move(x, k)]));
    return v;
  };
  return { ...example, layers: move(example.layers, 'layers') as LayerFile[], ...(example.tiers ? { tiers: move(example.tiers, 'tiers') as InventoryFile['tiers'] } : {}) };
}

function layer<K extends LayerFile['kind']>(inv: InventoryFile, kind: K): Extract<LayerFile, { kind: K }> {
  const found = inv.layers.filter((l) => l.kind === kind);
  if (found.length !== 1) throw new Error(`the worked example has ${found.length} ${kind} layers; this test builds one`);
  return found[0] as Extract<LayerFile, { kind: K }>;
}

describeWithTools(['sshd', 'ssh', 'restic', 'rclone', 'zfs-fuse'], 'the worked example of docs/inventory.md, on real sshd, restic, rclone and ZFS', () => {
  const example = JSON.parse(blockAfter(readDoc('docs/inventory.md'), HEADING, 'json')) as InventoryFile;
  let dir = '';
  let zfs: ZfsFuse | undefined;
  let sshd: SshdHost | undefined;
  let inventory: InventoryFile;
  let configPath = '';
  const unique = Math.random().toString(36).slice(2, 7);
  const pools = new Map([
    ['tank', `we${unique}t`],
    ['backup', `we${unique}b`],
  ]);
  const created: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-worked-example-'));
    zfs = await useZfsFuse(dir);
    sshd = await startSshd({ name: 'nas1' });

    // The host as the page writes it, reached at this sshd; the key where its identityFile says (`~` is HOME).
    expect(example.hosts).toHaveLength(1);
    const host = example.hosts[0]!;
    expect(host).toMatchObject({ name: 'nas1', identityFile: '~/.ssh/strata_ed25519', hostKeyFingerprint: expect.stringMatching(/^SHA256:/) });
    mkdirSync(join(homedir(), '.ssh'), { recursive: true, mode: 0o700 });
    copyFileSync(sshd.clientKeyPath, join(homedir(), '.ssh/strata_ed25519'));
    chmodSync(join(homedir(), '.ssh/strata_ed25519'), 0o600);
    const hosts: HostFile[] = [{ ...host, address: sshd.host, port: sshd.port, user: sshd.user, hostKeyFingerprint: sshd.hostKeyFingerprint }];
    inventory = { ...relocate(example, dir, pools), hosts };

    // ZFS: the pools, a snapshot of the live dataset, replicated into the backup pool.
    for (const pool of pools.values()) {
      sh(`truncate -s 256M ${dir}/${pool}.img && zpool create -m ${dir}/mnt/${pool} ${pool} ${dir}/${pool}.img`);
      created.push(pool);
    }
    const snap = layer(inventory, 'zfs-snapshots');
    for (const d of snap.datasets) sh(`zfs create -p ${d} && zfs snapshot ${d}@autosnap_hourly`);
    const repl: ZfsReplicationLayerFile = layer(inventory, 'zfs-replication');
    sh(`zfs send ${repl.source.dataset}@autosnap_hourly | zfs recv ${repl.target.dataset}`);

    // restic: the password file the secret names, the repository, a backup recorded under the inventory's host name.
    const restic = layer(inventory, 'restic');
    if (!('file' in restic.secret)) throw new Error('the worked example\'s restic secret is no longer a file');
    mkdirSync(join(restic.secret.file, '..'), { recursive: true });
    writeFileSync(restic.secret.file, 'correct horse battery staple\n', { mode: 0o600 });
    for (const p of restic.paths ?? []) {
      mkdirSync(p, { recursive: true });
      writeFileSync(join(p, 'config.yml'), 'version: 1\n');
    }
    const resticEnv = { RESTIC_REPOSITORY: restic.repository, RESTIC_PASSWORD_FILE: restic.secret.file, ...restic.env };
    run(['restic', 'init'], resticEnv);
    run(['restic', 'backup', '--host', host.name, ...(restic.paths ?? [])], resticEnv);

    // rclone: its config (the remote an alias of a local directory, standing in for S3), the secret key file, then the README's sync and mark.
    const rclone = layer(inventory, 'rclone');
    const remoteName = rclone.remote.slice(0, rclone.remote.indexOf(':'));
    mkdirSync(join(rclone.configFile!, '..'), { recursive: true });
    writeFileSync(rclone.configFile!, `[${remoteName}]\ntype = alias\nremote = ${dir}/cloud\n`);
    for (const ref of Object.values(rclone.secretEnv ?? {})) if ('file' in ref) writeFileSync(ref.file, 'not-a-real-key\n', { mode: 0o600 });
    const marked = spawnSync('sh', ['-c', fillMarkScript(readmeMarkScript(), rclone.source!, rclone.remote)], {
      encoding: 'utf8',
      env: { ...process.env, RCLONE_CONFIG: rclone.configFile! },
    });
    if (marked.status !== 0) throw new Error(`the README's rclone lines failed: ${marked.stderr}`);

    configPath = join(dir, 'config.json');
    writeFileSync(configPath, JSON.stringify(inventory, null, 2));
  });

  afterAll(async () => {
    await sshd?.stop();
    const destroyed = await Promise.allSettled(created.map((pool) => destroyPool(pool)));
    await zfs?.release();
    if (dir) rmSync(dir, { recursive: true, force: true });
    for (const d of destroyed) if (d.status === 'rejected') throw d.reason;
  });

  it('passes strata config check', async () => {
    const r = await strata(['config', 'check', '--config', configPath]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('is valid: 1 host, 4 layers, 2 tiers');
  });

  it('reads every layer OK, with the copies, media and off-site copies the page says', async () => {
    const r = await strata(['status', '--json', '--config', configPath]);
    expect(r.stderr).toBe('');
    const report = statusJson(r);
    expect(report.layers.map((l) => [l.id, l.health, l.points, l.reasons])).toEqual(inventory.layers.map((l) => [l.id, 'ok', 1, []]));
    expect(report.overall).toBe('ok');
    expect(r.code).toBe(0);
    const restic = layer(inventory, 'restic');
    const rclone = layer(inventory, 'rclone');
    const live = layer(inventory, 'zfs-snapshots').datasets[0]!;
    expect(assetOf(report, `files/nas1:${restic.paths![0]}`)).toMatchObject({ tier: 'important', health: 'ok', copies: 3, media: 2, offsite: 1 });
    expect(assetOf(report, `files/nas1:${restic.paths![0]}`).layers.find((l) => l.layerId === rclone.id)?.via).toEqual([restic.id]);
    const data = assetOf(report, `dataset/${live}`);
    expect(data).toMatchObject({ tier: 'bulk', health: 'ok', copies: 2, media: 1 });
    expect(data.layers.map((l) => [l.layerId, l.countsAsCopy])).toEqual([
      ['nas-snap', false],
      ['nas-repl', true],
    ]);
    expect(assetOf(report, `files/nas1:${rclone.source}`)).toMatchObject({ tier: null, health: 'ok', copies: 2, media: 1, offsite: 1 });
  });

  it('refuses the host without its pinned fingerprint, naming the one to compare, until ssh-keyscan adds it to ~/.ssh/known_hosts', async () => {
    const { hostKeyFingerprint: _pinned, ...unpinned } = inventory.hosts[0]!;
    const path = join(dir, 'unpinned.json');
    writeFileSync(path, JSON.stringify({ ...inventory, hosts: [unpinned] }));
    rmSync(join(homedir(), '.ssh/known_hosts'), { force: true });

    const refused = statusJson(await strata(['status', '--json', '--config', path]));
    expect(hostOf(refused, 'nas1')).toMatchObject({ reachable: false, health: 'unknown' });
    expect(hostOf(refused, 'nas1').error).toContain(`host key of nas1 is not known (offered ${sshd!.hostKeyFingerprint})`);
    expect(refused.layers.every((l) => l.health === 'unknown')).toBe(true);

    // The page's step: scan, compare with `ssh-keygen -lf` on the host's console, append.
    const scanned = run(['ssh-keyscan', '-p', String(sshd!.port), sshd!.host]);
    const fingerprints = spawnSync('ssh-keygen', ['-lf', '-'], { input: scanned, encoding: 'utf8' }).stdout;
    expect(fingerprints).toContain(sshd!.hostKeyFingerprint);
    writeFileSync(join(homedir(), '.ssh/known_hosts'), scanned, { flag: 'a' });
    const after = await strata(['status', '--json', '--config', path]);
    expect(statusJson(after).overall).toBe('ok');
    expect(after.code).toBe(0);
  });
});
