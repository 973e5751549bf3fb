/**
 * One directory is one workload, whatever the machine calls itself. Real
 * restic (0.14 here) records the machine's own hostname in each snapshot; the
 * inventory calls the host `docker1`. The reader, on that host, keys the
 * snapshots by the inventory name, so the restic backups and the real rclone
 * copy of the same directory are one workload that a tier can name.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { evaluate } from '../../../src/domain/evaluate.js';
import { validateInventory } from '../../../src/domain/inventory.js';
import { readLayer, type ReaderContext } from '../../../src/kinds/read.js';
import { LocalRunner } from '../../../src/transport/local-runner.js';
import { describeWithTools } from '../../helpers/tools.js';

describeWithTools(['restic', 'rclone'], 'restic client names against real restic and rclone', () => {
  let dir: string;
  let app: string;
  const env = () => ({ RESTIC_CACHE_DIR: join(dir, 'cache'), RESTIC_REPOSITORY: join(dir, 'repo'), RESTIC_PASSWORD_FILE: join(dir, 'pass') });
  const run = (argv: string[]) => {
    const r = spawnSync(argv[0]!, argv.slice(1), { env: { ...process.env, ...env() }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  // The machine this test runs on plays docker1 (its hostname is not docker1).
  const runner = new LocalRunner('docker1');
  const ctx = (): ReaderContext => ({ runner, runnerFor: () => runner, node: 'docker1', nowSec: Math.floor(Date.now() / 1000), timeoutMs: 30_000, lookupEnv: () => undefined });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-restic-names-'));
    app = join(dir, 'srv/app');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'data.txt'), 'hello');
    writeFileSync(join(dir, 'pass'), 'correct horse\n');
    run(['restic', 'init', '-q']);
    // As restic runs by default: no --host, so it records this machine's hostname.
    run(['restic', 'backup', '-q', app]);
    run(['rclone', 'copy', app, join(dir, 'copy')]);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the snapshot restic recorded under the machine hostname as docker1\'s, and counts it with the rclone copy as one workload', async () => {
    const recorded = JSON.parse(run(['restic', 'snapshots', '--json'])) as { hostname: string }[];
    expect(recorded.map((s) => s.hostname)).toEqual([hostname()]);
    expect(hostname()).not.toBe('docker1');

    const restic = await readLayer(ctx(), { id: 'restic-usb', kind: 'restic', host: 'docker1', repository: join(dir, 'repo'), secret: { file: join(dir, 'pass') }, env: { RESTIC_CACHE_DIR: join(dir, 'cache') }, paths: [app] });
    expect(restic.errors).toEqual([]);
    expect(restic.points.map((p) => p.assetId)).toEqual([`files/docker1:${app}`]);
    expect(restic.assets.map((a) => a.id)).toEqual([`files/docker1:${app}`]);

    const rclone = await readLayer(ctx(), { id: 'app-copy', kind: 'rclone', host: 'docker1', source: app, remote: join(dir, 'copy') });
    expect(rclone.errors).toEqual([]);

    const v = validateInventory({
      version: 1,
      hosts: [{ name: 'docker1', transport: 'local' }],
      layers: [
        { id: 'restic-usb', kind: 'restic', host: 'docker1', repository: join(dir, 'repo'), secret: { file: join(dir, 'pass') }, paths: [app], media: 'usb-ssd', rpo: '1d' },
        { id: 'app-copy', kind: 'rclone', host: 'docker1', source: app, remote: join(dir, 'copy'), media: 'hdd', rpo: '1d' },
      ],
      tiers: [{ name: 'tier1', rpo: '1d', copies: 3, media: 2, offsite: 0, assets: [`files/docker1:${app}`] }],
    });
    if (!v.ok) throw new Error(JSON.stringify(v.problems));
    const now = Math.floor(Date.now() / 1000);
    const report = evaluate(v.inventory, { hosts: [{ name: 'docker1', reachable: true, error: null, clockSkewSeconds: 0, readAtSec: now }], layers: [restic, rclone] }, now);
    expect(report.assets.map((a) => a.id)).toEqual([`files/docker1:${app}`]);
    expect(report.assets[0]).toMatchObject({ health: 'ok', copies: 3, media: 2, tier: 'tier1' });
    expect(Object.keys(report.assets[0]!.newest).sort()).toEqual(['app-copy', 'restic-usb']);
  });
});
