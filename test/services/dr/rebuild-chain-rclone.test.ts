/**
 * A chain through an rclone copy of the lost datastore, on strict fake hosts:
 * a cold copy is thawed first on the copy's host and the step waits
 * ("thawing N of M") until every object is readable; a resume goes on, reads
 * the remote's settings with `rclone config dump` where the copy lives and
 * passes them to H only as RCLONE_CONFIG_<NAME>_* secrets for `rclone copy`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DrPlan } from '../../../src/domain/dr/types.js';
import type { RebuildState } from '../../../src/services/dr/api.js';
import { loadRebuild, saveRebuild } from '../../../src/services/dr/rebuild-file.js';
import { RebuildRun, type RebuildDeps } from '../../../src/services/dr/rebuild.js';
import { FakeHosts } from '../../helpers/actions/fakes.js';
import { MemoryJournal } from '../../helpers/actions/memory-journal.js';
import { chainRebuildDeps, stateAtChains as atChains } from '../../helpers/dr-chain-rebuild.js';
import { inventoryOf, NOW } from '../../helpers/observations.js';

const FP = 'e1:55:0b:9c:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb';
const SECRET = { keyId: 'AKIAGLACIERKEYID', key: 'glacier-secret-access-key' };
const STORE = '/mnt/datastore/strata-pbs-local/mnt/usb/pbs';
const CONF = '/root/.config/rclone/rclone.conf';

const inventory = inventoryOf({
  hosts: [{ name: 'pve1', node: 'pve1', address: '10.0.0.1' }, { name: 'pbs1' }, { name: 'pbs2' }, { name: 'nas1' }],
  layers: [
    { id: 'pbs-local', kind: 'pbs', host: 'pbs1', repository: 'strata@pbs!ro@127.0.0.1:usb', secret: { file: '/root/.strata-pbs-token' } },
    { id: 'pbs-remote', kind: 'pbs', host: 'pbs2', repository: 'strata@pbs!ro@127.0.0.1:offsite', secret: { file: '/root/.strata-pbs-token' }, offsite: true, copyOf: ['pbs-local'] },
    {
      id: 'pbs-glacier',
      kind: 'rclone',
      host: 'nas1',
      remote: 'glacier_s3:strata-pbs/usb',
      source: '/mnt/usb/pbs',
      configFile: CONF,
      secretEnv: { RCLONE_CONFIG_PASS: { file: '/root/.rclone-pass' } },
      offsite: true,
      copyOf: ['pbs-local'],
      carriers: ['files/nas1:/mnt/usb/pbs'],
    },
  ],
  tiers: [{ name: 'tier1', rpo: '1d', copies: 2, media: 2, offsite: 1, assets: ['vm/130'] }],
});

const plan: DrPlan = {
  readAtSec: NOW,
  lost: { host: 'pve1', node: 'pve1', address: '10.0.0.1', answers: false },
  copies: [
    { layerId: 'pbs-remote', kind: 'pbs', host: 'pbs2', offsite: true, state: 'answers', guests: 0 },
    { layerId: 'pbs-glacier', kind: 'rclone', host: 'nas1', offsite: true, state: 'answers', guests: 0 },
  ],
  prerequisites: [{ id: 'fingerprint:pbs-remote', kind: 'pbs-fingerprint', label: 'fp', state: 'present', detail: '', where: FP }],
  guests: [
    {
      assetId: 'vm/130',
      type: 'qemu',
      vmid: 130,
      tier: 'tier1',
      path: {
        kind: 'chain',
        layerId: 'pbs-glacier',
        host: 'nas1',
        via: ['pbs-local'],
        point: { ref: 'pbs-local datastore as copied to pbs-glacier at 2026-01-30T02:40:00Z (files/nas1:/mnt/usb/pbs)', timeSec: NOW - 86_400 },
        ageSeconds: 86_400,
        steps: [{ kind: 'thaw', label: 'thaw the objects of pbs-glacier', expectedSeconds: null }],
        expectedSeconds: null,
        estimate: 'unknown',
      },
      paths: [],
    },
  ],
  tiers: [{ name: 'tier1', rtoSeconds: null, guests: ['vm/130'], expectedSeconds: null, expectedUpAfterSeconds: null, meetsRto: null }],
  steps: [],
  parallelPerStorage: 2,
  blockers: [],
};

const stateAtChains = () => atChains(plan, inventory, NOW);

let hosts: FakeHosts;
let journal: MemoryJournal;
let dir: string;
let now = NOW;
beforeEach(async () => {
  hosts = new FakeHosts();
  journal = new MemoryJournal();
  dir = await mkdtemp(join(tmpdir(), 'strata-chain-rclone-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const deps = (): RebuildDeps => chainRebuildDeps({ inventory, hosts, journal, dir, nowSec: () => now });

const CHUNKS = ['stat', '-c', '%F', `${STORE}/.chunks`];
const ON_NAS = { env: { RCLONE_CONFIG: CONF }, secretsFrom: { RCLONE_CONFIG_PASS: { file: '/root/.rclone-pass' } } };
const THAW = ['rclone', 'backend', 'restore', 'glacier_s3:strata-pbs/usb', '-o', 'priority=Standard', '-o', 'lifetime=7'];
const STATUS = ['rclone', 'backend', 'restore-status', 'glacier_s3:strata-pbs/usb', '-o', 'all'];
const status = (thawing: number, thawed: number) =>
  JSON.stringify([
    ...Array.from({ length: thawing }, (_, i) => ({ Remote: `.chunks/000${i}.pack`, StorageClass: 'GLACIER', RestoreStatus: { IsRestoreInProgress: true, RestoreExpiryDate: 'null' } })),
    ...Array.from({ length: thawed }, (_, i) => ({ Remote: `.chunks/100${i}.pack`, StorageClass: 'GLACIER', RestoreStatus: { IsRestoreInProgress: false, RestoreExpiryDate: '2026-02-09T00:00:00Z' } })),
  ]);

describe('a chain through a cold rclone copy', () => {
  it('asks the thaw once and waits, "thawing N of M"; resumed once thawed, copies with the remote passed as secrets and finishes', async () => {
    const s = stateAtChains();
    expect(s.chains![0]).toMatchObject({ copyKind: 'rclone', cold: true, thaw: null, copyHost: 'nas1', host: 'pbs2', store: STORE });
    const shown = s.steps.find((x) => x.id === 'chains')!.commands.map((c) => `${c.host}: ${c.command}`);
    expect(shown).toContain(`nas1: RCLONE_CONFIG=${CONF} RCLONE_CONFIG_PASS=<secret from file /root/.rclone-pass> rclone backend restore glacier_s3:strata-pbs/usb -o 'priority=Standard' -o 'lifetime=7'`);
    expect(shown).toContain(`pbs2: RCLONE_CONFIG_GLACIER_S3_TYPE=<secret> rclone copy glacier_s3:strata-pbs/usb ${STORE} --stats 10s --stats-one-line --stats-log-level NOTICE`);

    const pbs2 = hosts.host('pbs2');
    const nas1 = hosts.host('nas1');
    pbs2.on(CHUNKS, { stderr: 'No such file or directory\n', exitCode: 1 }, { times: 1 });
    pbs2.on(['rclone', 'version'], 'rclone v1.66.0\n- os/version: debian 12\n');
    nas1.expect({ argv: THAW, ...ON_NAS, reply: { stdout: JSON.stringify([{ Status: 'OK', Remote: '.chunks/0000.pack' }, { Status: 'OK', Remote: '.chunks/1000.pack' }, { Status: 'OK', Remote: '.chunks/1001.pack' }]) } });
    nas1.expect({ argv: STATUS, ...ON_NAS, reply: { stdout: status(2, 1) } });
    await saveRebuild(join(dir, 'dr-rebuild.json'), s);
    const first = new RebuildRun(deps(), s);
    const waiting = await first.run('chains', { confirm: true });
    expect(waiting.state).toBe('blocked');
    expect(waiting.detail).toMatch(/thawing 2 of 3 objects of glacier_s3:strata-pbs\/usb \(1 thawed; asked 0 min ago, Standard takes hours\): resume later/);
    hosts.assertAll();

    // Resumed three hours later: the thaw is not asked again.
    now += 3 * 3600;
    const saved = (await loadRebuild(join(dir, 'dr-rebuild.json')))!;
    expect(saved.chains![0]).toMatchObject({ reached: 'tool', thaw: { requestedAtSec: NOW, objects: 3 }, state: 'blocked' });
    pbs2.on(CHUNKS, { stderr: 'No such file or directory\n', exitCode: 1 }, { times: 2 });
    nas1.expect({ argv: STATUS, ...ON_NAS, reply: { stdout: status(0, 3) } });
    nas1.expect({
      argv: ['rclone', 'config', 'dump', '--ask-password=false'],
      ...ON_NAS,
      reply: { stdout: JSON.stringify({ 'glacier_s3': { type: 's3', provider: 'AWS', access_key_id: SECRET.keyId, secret_access_key: SECRET.key, storage_class: 'GLACIER' }, other: { type: 'local' } }) },
    });
    pbs2.expect({
      argv: ['rclone', 'copy', 'glacier_s3:strata-pbs/usb', STORE, '--stats', '10s', '--stats-one-line', '--stats-log-level', 'NOTICE'],
      secrets: { RCLONE_CONFIG_GLACIER_S3_TYPE: 's3', RCLONE_CONFIG_GLACIER_S3_PROVIDER: 'AWS', RCLONE_CONFIG_GLACIER_S3_ACCESS_KEY_ID: SECRET.keyId, RCLONE_CONFIG_GLACIER_S3_SECRET_ACCESS_KEY: SECRET.key, RCLONE_CONFIG_GLACIER_S3_STORAGE_CLASS: 'GLACIER' },
      reply: { stderr: 'Transferred: 1.055 TiB / 1.055 TiB, 100%, 110 MiB/s, ETA 0s\n' },
    });
    pbs2.on(CHUNKS, 'directory\n');
    pbs2.on(['stat', '-c', '%U:%G', STORE, `${STORE}/.chunks`], 'backup:backup\nbackup:backup\n');
    pbs2.on(['proxmox-backup-manager', 'datastore', 'list', '--output-format', 'json'], JSON.stringify([{ name: 'usb-restored', path: STORE }]));
    pbs2.on(['proxmox-backup-manager', 'acl', 'list', '--output-format', 'json'], JSON.stringify([{ path: '/datastore/usb-restored', ugid: 'strata@pbs!ro', roleid: 'DatastoreReader', propagate: true }]));
    hosts.host('pve1').on(['pvesm', 'status', '--storage', 'usb-restored'], 'usb-restored pbs active 1 1 1 50.00%\n');
    const resumed = new RebuildRun(deps(), saved);
    const done = await resumed.run('chains', { confirm: true });
    expect([done.state, done.detail]).toEqual(['done', 'usb-restored on pbs2 from pbs-glacier for vm/130']);
    hosts.assertAll();
    expect(journal.commands).toContain(
      `RCLONE_CONFIG_GLACIER_S3_TYPE=<secret> RCLONE_CONFIG_GLACIER_S3_PROVIDER=<secret> RCLONE_CONFIG_GLACIER_S3_ACCESS_KEY_ID=<secret> RCLONE_CONFIG_GLACIER_S3_SECRET_ACCESS_KEY=<secret> RCLONE_CONFIG_GLACIER_S3_STORAGE_CLASS=<secret> rclone copy glacier_s3:strata-pbs/usb ${STORE} --stats 10s --stats-one-line --stats-log-level NOTICE`,
    );
    const text = JSON.stringify(journal.entries) + JSON.stringify(resumed.state());
    const argvs = [...hosts.host('pbs2').calls, ...hosts.host('nas1').calls].map((c) => c.argv.join(' ')).join('\n');
    for (const v of Object.values(SECRET)) {
      expect(text).not.toContain(v);
      expect(argvs).not.toContain(v);
    }
    // The other remote of the config file stays where it is.
    expect(hosts.host('pbs2').calls.some((c) => Object.keys(c.secrets ?? {}).some((k) => k.startsWith('RCLONE_CONFIG_OTHER')))).toBe(false);
  });

  it('objects whose thaw expired before the copy: failed, and the thaw is forgotten so the resume asks again', async () => {
    const s = stateAtChains();
    const asked: RebuildState = { ...s, chains: s.chains!.map((c) => ({ ...c, reached: 'tool' as const, thaw: { requestedAtSec: NOW - 30 * 86_400, objects: 1 } })) };
    hosts.host('pbs2').on(CHUNKS, { stderr: 'No such file or directory\n', exitCode: 1 }, { times: 1 });
    hosts.host('nas1').expect({ argv: STATUS, ...ON_NAS, reply: { stdout: JSON.stringify([{ Remote: '.chunks/0000.pack', RestoreStatus: { IsRestoreInProgress: false, RestoreExpiryDate: '2026-01-01T00:00:00Z' } }]) } });
    const run = new RebuildRun(deps(), asked);
    const step = await run.run('chains', { confirm: true });
    expect([step.state, step.detail]).toEqual(['failed', expect.stringContaining('1 of 1 objects of glacier_s3:strata-pbs/usb were thawed and have expired before the copy: resume asks the thaw again')]);
    expect(run.state().chains![0]!.thaw).toBeNull();
    hosts.assertAll();
  });

  it('archived objects with no restore status (S3 drops an expired restore): failed, the thaw forgotten; objects in a class read at once do not count', async () => {
    const s = stateAtChains();
    const asked: RebuildState = { ...s, chains: s.chains!.map((c) => ({ ...c, reached: 'tool' as const, thaw: { requestedAtSec: NOW - 30 * 86_400, objects: 2 } })) };
    hosts.host('pbs2').on(CHUNKS, { stderr: 'No such file or directory\n', exitCode: 1 }, { times: 1 });
    const entries = [
      { Remote: '.chunks/0000.pack', VersionID: null, RestoreStatus: null, StorageClass: 'GLACIER' },
      { Remote: '.chunks/4000.pack', VersionID: null, RestoreStatus: { IsRestoreInProgress: false, RestoreExpiryDate: '2026-03-01T00:00:00Z' }, StorageClass: 'GLACIER' },
      { Remote: '.lock', VersionID: null, RestoreStatus: null, StorageClass: 'STANDARD' },
    ];
    hosts.host('nas1').expect({ argv: STATUS, ...ON_NAS, reply: { stdout: JSON.stringify(entries) } });
    const run = new RebuildRun(deps(), asked);
    const step = await run.run('chains', { confirm: true });
    expect([step.state, step.detail]).toEqual(['failed', expect.stringContaining('1 of 2 objects of glacier_s3:strata-pbs/usb are frozen with no thaw under way (a thaw expired, or was never asked for them): resume asks the thaw again')]);
    expect(run.state().chains![0]!.thaw).toBeNull();
    hosts.assertAll();
  });
});
