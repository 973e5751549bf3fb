/**
 * The lab variant `datastoreCopy: 'rclone-cold'`: pbs1's datastore directory
 * goes off-site as docker1's rclone copy `pbs-deep` in S3 DEEP_ARCHIVE, and
 * restic-cloud no longer carries it. The bucket holds the real datastore
 * layout (the snapshots PBS lists back from it, manifests and all, as
 * restic's copy does), every object frozen; it answers only to the keys of
 * docker1's remote, which reach another host as RCLONE_CONFIG_* variables.
 */
import { describe, expect, it } from 'vitest';
import { configDumpCommand, parseConfigDump, remoteConfigEnv } from '../../src/adapters/rclone/config-dump.js';
import type { Lab } from '../../src/lab/index.js';
import { emptyFs, writeFile } from '../../src/lab/state/fs.js';
import { readDatastoreLayout } from '../../src/lab/state/pbs-layout.js';
import { useLab, type LabRunners } from '../helpers/lab/lab-runner.js';

let lab: Lab;
let runners: LabRunners;
useLab({ scenario: 'disaster', timeScale: 0.05, datastoreCopy: 'rclone-cold' }, (l, r) => ((lab = l), (runners = r)));

const LSJSON = ['rclone', 'lsjson', 'pbsdeep:strata-pbs/usb/vm/111', '-R', '--files-only', '--no-mimetype'];

describe('the rclone-cold lab', () => {
  it('carries the datastore through pbs-deep, not restic-cloud', () => {
    const layers = Object.fromEntries(lab.config.layers.map((l) => [l.id, l]));
    expect(layers['pbs-deep']).toMatchObject({ kind: 'rclone', host: 'docker1', source: '/mnt/usb/pbs', remote: 'pbsdeep:strata-pbs/usb', copyOf: ['pbs-local'], carriers: ['files/docker1:/mnt/usb/pbs'] });
    expect(layers['restic-cloud']!.carriers).toBeUndefined();
    expect(layers['restic-cloud']!.copyOf).toBeUndefined();
    const cloud = lab.state.cloud.resticRepos['s3:https://s3.example.com/strata-restic']!;
    expect(cloud.snapshots.some((s) => s.paths.includes('/mnt/usb/pbs'))).toBe(false);
    expect(cloud.snapshots.some((s) => s.paths.includes('/srv/app'))).toBe(true);
    expect(lab.state.hosts.pbs2!.packages).toContain('rclone');
  });

  it('holds the real datastore layout in DEEP_ARCHIVE: the snapshots PBS would list from it, vm/111 among them', () => {
    const bucket = lab.state.cloud.buckets['strata-pbs']!;
    expect(Object.values(bucket).every((o) => o.tier === 'DEEP_ARCHIVE' && o.restoreReadyAt === undefined)).toBe(true);
    const fs = emptyFs();
    for (const [key, o] of Object.entries(bucket)) writeFile(fs, `/copy/${key.slice('usb/'.length)}`, { size: o.size, mtime: o.modTime, ...(o.content !== undefined ? { content: o.content } : {}) });
    const snapshots = readDatastoreLayout(fs, '/copy');
    expect(Object.keys(bucket).filter((k) => k.startsWith('usb/.chunks/')).length).toBeGreaterThan(0);
    const vm111 = snapshots.filter((s) => s.type === 'vm' && s.id === '111');
    expect(vm111.length).toBeGreaterThan(0);
    expect(vm111.every((s) => s.guest !== undefined)).toBe(true);
    // The layout docker1 last saw of the datastore (later than the last copy): a snapshot both hold is the same files.
    const mounted = new Map(readDatastoreLayout(lab.state.hosts.docker1!.fs, '/mnt/usb/pbs').map((s) => [`${s.type}/${s.id}/${s.time}`, s]));
    const both = snapshots.filter((s) => mounted.has(`${s.type}/${s.id}/${s.time}`));
    expect(both.length).toBeGreaterThan(snapshots.length / 2);
    for (const s of both) expect(s).toEqual(mounted.get(`${s.type}/${s.id}/${s.time}`));
  });

  it("answers only to the remote's keys: refused with the type alone, listed with docker1's settings as variables", async () => {
    const pbs2 = runners.get('pbs2');
    const bare = await pbs2.run({ argv: LSJSON, secrets: { RCLONE_CONFIG_PBSDEEP_TYPE: 's3' } });
    expect(bare.exitCode).toBe(1);
    expect(bare.stderr).toMatch(/ERROR : S3 bucket strata-pbs path usb\/vm\/111: error reading source root directory: AccessDenied: Access Denied\n\tstatus code: 403/);
    const dumped = await runners.get('docker1').run(configDumpCommand({}));
    const dump = parseConfigDump(dumped.stdout, dumped.stderr, dumped.exitCode);
    if (!dump.ok) throw new Error(dump.error.message);
    const env = remoteConfigEnv(dump.value, 'pbsdeep');
    if (!env.ok) throw new Error(env.error.message);
    const wrong = await pbs2.run({ argv: LSJSON, secrets: { ...env.value, RCLONE_CONFIG_PBSDEEP_SECRET_ACCESS_KEY: 'not the key' } });
    expect(wrong.stderr).toContain('SignatureDoesNotMatch');
    const listed = await pbs2.run({ argv: LSJSON, secrets: env.value });
    expect(listed.exitCode, listed.stderr).toBe(0);
    const items = JSON.parse(listed.stdout) as { Path: string; Tier: string }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.Tier === 'DEEP_ARCHIVE' && (i.Path === 'owner' || /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\/[^/]+$/.test(i.Path)))).toBe(true);
    // Frozen: rclone names GLACIER for a Deep Archive object too (backend/s3 turns InvalidObjectState into it).
    const frozen = await pbs2.run({ argv: ['rclone', 'copy', 'pbsdeep:strata-pbs/usb/vm/111', '/tmp/vm111'], secrets: env.value });
    expect(frozen.exitCode).toBe(1);
    expect(frozen.stderr).toMatch(/Failed to copy: failed to open source object: Object in GLACIER, restore first: bucket="strata-pbs", key="usb\/vm\/111\//);
  });

  it('restore-status: in progress without an expiry, then thawed until one; an expired restore leaves no status (S3 drops it)', async () => {
    const docker1 = runners.get('docker1');
    const dir = 'pbsdeep:strata-pbs/usb/vm/111';
    const asked = await docker1.run({ argv: ['rclone', 'backend', 'restore', dir, '-o', 'priority=Standard', '-o', 'lifetime=1'] });
    expect(asked.exitCode, asked.stderr).toBe(0);
    const status = async (all: boolean) => JSON.parse((await docker1.run({ argv: ['rclone', 'backend', 'restore-status', dir, ...(all ? ['-o', 'all'] : [])] })).stdout) as { RestoreStatus: { IsRestoreInProgress: boolean; RestoreExpiryDate: string | null } | null }[];
    const thawing = await status(false);
    expect(thawing.length).toBeGreaterThan(0);
    expect(thawing.every((e) => e.RestoreStatus?.IsRestoreInProgress === true && e.RestoreStatus.RestoreExpiryDate === null)).toBe(true);
    const objects = Object.entries(lab.state.cloud.buckets['strata-pbs']!).filter(([k]) => k.startsWith('usb/vm/111/')).map(([, o]) => o);
    const now = Date.now() / 1000;
    for (const o of objects) Object.assign(o, { restoreReadyAt: now - 60, restoredUntil: now + 3600 });
    expect((await status(false)).every((e) => e.RestoreStatus?.IsRestoreInProgress === false && typeof e.RestoreStatus.RestoreExpiryDate === 'string')).toBe(true);
    for (const o of objects) Object.assign(o, { restoreReadyAt: now - 2 * 86_400, restoredUntil: now - 86_400 });
    expect(await status(false)).toEqual([]);
    const all = await status(true);
    expect(all.length).toBe(thawing.length);
    expect(all.every((e) => e.RestoreStatus === null)).toBe(true);
  });
});
