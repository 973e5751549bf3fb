/**
 * The chains step on strict fake hosts (chain-commands.md 1-7): restic on
 * the PBS host restores the lost datastore's directory from the copy with
 * the copy's secrets read where they live and sent only as secrets, the
 * directory becomes a datastore the surviving token reads, the node gets it
 * as a storage; the state is saved after each phase. A resume after a kill
 * mid-restore restores again and creates the datastore once; restic missing,
 * a wrong password and no snapshot stop the step with what to do.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DrPlan, PlannedGuest } from '../../../src/domain/dr/types.js';
import type { ChainRun, RebuildEvent, RebuildState } from '../../../src/services/dr/api.js';
import { loadRebuild, saveRebuild } from '../../../src/services/dr/rebuild-file.js';
import { rebuiltInventory, RebuildRun, type RebuildDeps } from '../../../src/services/dr/rebuild.js';
import { FakeHosts } from '../../helpers/actions/fakes.js';
import { MemoryJournal } from '../../helpers/actions/memory-journal.js';
import { chainRebuildDeps, stateAtChains as atChains } from '../../helpers/dr-chain-rebuild.js';
import { inventoryOf, NOW } from '../../helpers/observations.js';

const SECRET = { restic: 'cloud repository passphrase 2024', keyId: 'AKIAEXAMPLEKEYID', key: 's3-secret-key-value', pbs: 'pbs2-token-secret-uuid' };
const FP = 'e1:55:0b:9c:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb';
const REPO = 's3:https://s3.example.com/strata-restic';
const DIR = '/mnt/datastore/strata-pbs-local';
const STORE = `${DIR}/mnt/usb/pbs`;

const inventory = inventoryOf({
  hosts: [
    { name: 'pve1', node: 'pve1', address: '10.0.0.1' },
    { name: 'pbs1' },
    { name: 'pbs2' },
    { name: 'docker1' },
  ],
  layers: [
    { id: 'pbs-local', kind: 'pbs', host: 'pbs1', repository: 'strata@pbs!ro@127.0.0.1:usb', secret: { file: '/root/.strata-pbs-token' } },
    { id: 'pbs-remote', kind: 'pbs', host: 'pbs2', repository: 'strata@pbs!ro@127.0.0.1:offsite', secret: { file: '/root/.strata-pbs-token' }, offsite: true, copyOf: ['pbs-local'] },
    {
      id: 'restic-cloud',
      kind: 'restic',
      host: 'docker1',
      repository: REPO,
      secret: { file: '/root/.restic-cloud-pass' },
      secretEnv: { AWS_ACCESS_KEY_ID: { file: '/root/.s3-key-id' }, AWS_SECRET_ACCESS_KEY: { command: 'pass show s3/strata' } },
      env: { AWS_DEFAULT_REGION: 'eu-central-1' },
      offsite: true,
      copyOf: ['pbs-local'],
      carriers: ['files/docker1:/mnt/usb/pbs'],
    },
  ],
  tiers: [{ name: 'tier1', rpo: '1d', copies: 2, media: 2, offsite: 1, assets: ['vm/130'] }],
});

const copyPoint = NOW - 3 * 86_400;
const guest: PlannedGuest = {
  assetId: 'vm/130',
  type: 'qemu',
  vmid: 130,
  name: 'archive',
  tier: 'tier1',
  path: {
    kind: 'chain',
    layerId: 'restic-cloud',
    host: 'docker1',
    via: ['pbs-local'],
    point: { ref: `pbs-local datastore as copied to restic-cloud at 2026-01-30T02:40:00Z (files/docker1:/mnt/usb/pbs)`, timeSec: copyPoint },
    ageSeconds: 3 * 86_400,
    steps: [],
    expectedSeconds: null,
    estimate: 'unknown',
  },
  paths: [],
};
const plan: DrPlan = {
  readAtSec: NOW,
  lost: { host: 'pve1', node: 'pve1', address: '10.0.0.1', answers: false },
  copies: [
    { layerId: 'pbs-local', kind: 'pbs', host: 'pbs1', offsite: false, state: 'gone', guests: 0 },
    { layerId: 'pbs-remote', kind: 'pbs', host: 'pbs2', offsite: true, state: 'answers', guests: 0 },
    { layerId: 'restic-cloud', kind: 'restic', host: 'docker1', offsite: true, state: 'answers', guests: 0 },
  ],
  prerequisites: [{ id: 'fingerprint:pbs-remote', kind: 'pbs-fingerprint', label: 'fp', state: 'present', detail: '', where: FP }],
  guests: [guest],
  tiers: [{ name: 'tier1', rtoSeconds: null, guests: ['vm/130'], expectedSeconds: null, expectedUpAfterSeconds: null, meetsRto: null }],
  steps: [],
  parallelPerStorage: 2,
  blockers: [],
};

const stateAtChains = () => atChains(plan, inventory, NOW);

let hosts: FakeHosts;
let journal: MemoryJournal;
let dir: string;
let events: RebuildEvent[];

beforeEach(async () => {
  hosts = new FakeHosts();
  journal = new MemoryJournal();
  events = [];
  dir = await mkdtemp(join(tmpdir(), 'strata-chain-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const deps = (): RebuildDeps => chainRebuildDeps({ inventory, hosts, journal, dir, nowSec: () => NOW });

const RESTIC_SECRETS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'RESTIC_PASSWORD'];
const RESTIC_ENV = { AWS_DEFAULT_REGION: 'eu-central-1' };
const SNAPSHOTS = ['restic', '-r', REPO, 'snapshots', '--json', '--path', '/mnt/usb/pbs', 'latest'];
const SNAPSHOT_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const SNAPSHOTS_JSON = JSON.stringify([{ time: '2026-01-30T05:40:12.123456789Z', tree: 'ff'.repeat(32), paths: ['/mnt/usb/pbs'], hostname: 'docker1', username: 'root', id: SNAPSHOT_ID, short_id: SNAPSHOT_ID.slice(0, 8) }]);
const RESTORE = ['restic', '-r', REPO, 'restore', SNAPSHOT_ID, '--target', DIR, '--include', '/mnt/usb/pbs'];
const CHUNKS = ['stat', '-c', '%F', `${STORE}/.chunks`];
const OWNER = ['stat', '-c', '%U:%G', STORE, `${STORE}/.chunks`];
const DS_LIST = ['proxmox-backup-manager', 'datastore', 'list', '--output-format', 'json'];
const DS_CREATE = ['proxmox-backup-manager', 'datastore', 'create', 'usb-restored', STORE, '--reuse-datastore', 'true'];
const ACL_LIST = ['proxmox-backup-manager', 'acl', 'list', '--output-format', 'json'];
const ACL_UPDATE = ['proxmox-backup-manager', 'acl', 'update', '/datastore/usb-restored', 'DatastoreReader', '--auth-id', 'strata@pbs!ro'];
const PVESM_STATUS = ['pvesm', 'status', '--storage', 'usb-restored'];
const ACTIVE = 'Name             Type     Status           Total            Used       Available        %\nusb-restored      pbs     active      1000000000       500000000       500000000   50.00%\n';
const DS_THERE = JSON.stringify([{ name: 'offsite', path: '/mnt/offsite' }, { name: 'usb-restored', path: STORE }]);
const ACL_THERE = JSON.stringify([{ path: '/datastore/usb-restored', ugid: 'strata@pbs!ro', ugid_type: 'token', roleid: 'DatastoreReader', propagate: true }]);

function copySecretsRead(times = 1) {
  const docker = hosts.host('docker1');
  docker.on(['cat', '/root/.restic-cloud-pass'], `${SECRET.restic}\n`, { times });
  docker.on(['cat', '/root/.s3-key-id'], `${SECRET.keyId}\n`, { times });
  docker.on(['sh', '-c', 'pass show s3/strata'], `${SECRET.key}\n`, { times });
}

/** Phases 4-7 on hosts where nothing of them is done yet. */
function afterRestore() {
  const pbs2 = hosts.host('pbs2');
  pbs2.on(OWNER, 'root:root\nroot:root\n');
  pbs2.on(['chown', '-R', 'backup:backup', STORE]);
  pbs2.on(DS_LIST, JSON.stringify([{ name: 'offsite', path: '/mnt/offsite' }]));
  pbs2.on(DS_CREATE);
  pbs2.on(DS_LIST, DS_THERE);
  pbs2.on(ACL_LIST, '[]');
  pbs2.on(ACL_UPDATE);
  pbs2.on(ACL_LIST, ACL_THERE);
  pbs2.on(['cat', '/root/.strata-pbs-token'], `${SECRET.pbs}\n`);
  const pve1 = hosts.host('pve1');
  // Not there: the chain's check, then the add's own look at what a stopped run left.
  pve1.on(PVESM_STATUS, { stderr: "storage 'usb-restored' does not exist\n", exitCode: 2 }, { times: 2 });
  pve1.on(['pvesh', 'get', '/storage', '--output-format', 'json'], JSON.stringify([{ storage: 'pbs1', type: 'pbs', server: 'pbs1', datastore: 'usb', content: 'backup' }]));
  pve1.on(['stat', '-c', '%s', '/etc/pve/priv/storage/pbs1.enc'], '557\n');
  // Added disabled without a password, the secret written by the shell's printf from the channel, then enabled: the secret is on no argv.
  pve1.expect({ argv: ['pvesm', 'add', 'pbs', 'usb-restored', '--server', 'pbs2', '--datastore', 'usb-restored', '--username', 'strata@pbs!ro', '--fingerprint', FP, '--encryption-key', '/etc/pve/priv/storage/pbs1.enc', '--disable', '1'] });
  pve1.expect({ argv: ['sh', '-c', 'umask 077 && mkdir -p "$1" && printf "%s\\n" "$PBS_PASSWORD" > "$2"', 'sh', '/etc/pve/priv/storage', '/etc/pve/priv/storage/usb-restored.pw'], secrets: { PBS_PASSWORD: SECRET.pbs } });
  pve1.expect({ argv: ['pvesm', 'set', 'usb-restored', '--disable', '0'] });
  pve1.on(PVESM_STATUS, ACTIVE);
}

const chainOf = (s: RebuildState): ChainRun => s.chains![0]!;

describe('the chain made from the plan', () => {
  it('names H, NAME, DIR and STORE as chain-commands.md does, and the guest waits on it instead of having no source', () => {
    const s = stateAtChains();
    expect(s.chains).toEqual([
      expect.objectContaining({ id: 'restic-cloud:pbs-local', copyLayerId: 'restic-cloud', copyHost: 'docker1', originLayerId: 'pbs-local', carriedPath: '/mnt/usb/pbs', host: 'pbs2', pbsLayerId: 'pbs-remote', name: 'usb-restored', dir: DIR, store: STORE, restoredLayerId: 'pbs-local-restored', snapshot: null, reached: null, restoreRuns: 0, state: 'pending', guests: ['vm/130'] }),
    ]);
    const g = s.steps.find((x) => x.id === 'tier:tier1')!.guests![0]!;
    expect(g).toMatchObject({ assetId: 'vm/130', state: 'pending', chainId: 'restic-cloud:pbs-local', sourceId: null });
    const shown = s.steps.find((x) => x.id === 'chains')!.commands.map((c) => `${c.host}: ${c.command}`);
    expect(shown).toContain(`pbs2: AWS_DEFAULT_REGION=eu-central-1 RESTIC_PASSWORD=<secret> AWS_ACCESS_KEY_ID=<secret> AWS_SECRET_ACCESS_KEY=<secret> restic -r ${REPO} snapshots --json --path /mnt/usb/pbs latest`);
    expect(shown).toContain(`pbs2: proxmox-backup-manager datastore create usb-restored ${STORE} --reuse-datastore true`);
    expect(shown.some((c) => c.startsWith('pve1: PBS_PASSWORD=<secret> sh -c'))).toBe(true);
    // Step 7 as it runs: added disabled without a password, the .pw by the shell's printf, then enabled.
    const node = shown.filter((c) => c.startsWith('pve1: '));
    expect(node).toEqual([
      "pve1: pvesm add pbs usb-restored --server pbs2 --datastore usb-restored --username 'strata@pbs!ro' --fingerprint '<fingerprint of pbs2>' --disable 1",
      `pve1: PBS_PASSWORD=<secret> sh -c 'umask 077 && mkdir -p "$1" && printf "%s\\n" "$PBS_PASSWORD" > "$2"' sh /etc/pve/priv/storage /etc/pve/priv/storage/usb-restored.pw`,
      'pve1: pvesm set usb-restored --disable 0',
    ]);
  });

  it('a rebuild saved before chains ran (no chains field) still loads, and its chains step has nothing to run', async () => {
    const { chains: _gone, ...old } = stateAtChains();
    const noChainGuests = { ...old, steps: old.steps.map((st) => (st.guests ? { ...st, guests: [] } : st)) };
    await saveRebuild(join(dir, 'dr-rebuild.json'), noChainGuests as RebuildState);
    const loaded = (await loadRebuild(join(dir, 'dr-rebuild.json')))!;
    expect(loaded.chains).toBeUndefined();
    const run = new RebuildRun(deps(), loaded);
    expect((await run.run('chains', { confirm: true })).state).toBe('already-done');
    hosts.assertAll();
  });
});

describe('the chains step runs the chain', () => {
  it('restores, adds and shares the datastore, saving each phase; secrets only as secrets, never in the journal or an argv', async () => {
    const pbs2 = hosts.host('pbs2');
    // check(), and run()'s own check first: nothing is in place.
    pbs2.on(CHUNKS, { stderr: `stat: cannot statx '${STORE}/.chunks': No such file or directory\n`, exitCode: 1, }, { times: 2 });
    pbs2.on(['restic', 'version'], 'restic 0.14.0 compiled with go1.19.8 on linux/amd64\n');
    copySecretsRead();
    pbs2.expect({ argv: SNAPSHOTS, env: RESTIC_ENV, secrets: { RESTIC_PASSWORD: SECRET.restic, AWS_ACCESS_KEY_ID: SECRET.keyId, AWS_SECRET_ACCESS_KEY: SECRET.key }, reply: { stdout: SNAPSHOTS_JSON } });
    pbs2.on(CHUNKS, { stderr: 'No such file or directory\n', exitCode: 1 });
    pbs2.expect({ argv: RESTORE, env: RESTIC_ENV, secretNames: RESTIC_SECRETS, reply: { stdout: `restoring <Snapshot ${SNAPSHOT_ID.slice(0, 8)} of [/mnt/usb/pbs] at 2026-01-30 05:40:12 by root@docker1> to ${DIR}\n` } });
    pbs2.on(CHUNKS, 'directory\n');
    afterRestore();

    const state = stateAtChains();
    await saveRebuild(join(dir, 'dr-rebuild.json'), state);
    const run = new RebuildRun(deps(), state);
    expect((await run.check('chains')).state).toBe('pending');
    const saves: (string | null)[] = [];
    const step = await run.run('chains', {
      confirm: true,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'chain') saves.push(e.chain.reached);
      },
    });
    expect(step.state).toBe('done');
    hosts.assertAll();
    expect(step.detail).toContain(`usb-restored on pbs2 from restic-cloud (snapshot ${SNAPSHOT_ID.slice(0, 8)}) for vm/130`);
    expect([...new Set(saves)]).toEqual([null, 'tool', 'source', 'restore', 'owner', 'datastore', 'acl', 'storage']);
    const saved = (await loadRebuild(join(dir, 'dr-rebuild.json')))!;
    expect(chainOf(saved)).toMatchObject({ state: 'done', reached: 'storage', restoreRuns: 1, snapshot: { id: SNAPSHOT_ID, timeSec: Date.parse('2026-01-30T05:40:12Z') / 1000 } });
    // restic's lines are the step's output.
    expect(events.some((e) => e.type === 'output' && e.stepId === 'chains' && e.line.text.startsWith('restoring <Snapshot'))).toBe(true);
    // The journal has each command that wrote, its secrets by name only.
    expect(journal.commands).toEqual(
      expect.arrayContaining([
        `AWS_DEFAULT_REGION=eu-central-1 RESTIC_PASSWORD=<secret> AWS_ACCESS_KEY_ID=<secret> AWS_SECRET_ACCESS_KEY=<secret> restic -r ${REPO} restore ${SNAPSHOT_ID} --target ${DIR} --include /mnt/usb/pbs`,
        `chown -R backup:backup ${STORE}`,
        DS_CREATE.join(' '),
        "proxmox-backup-manager acl update /datastore/usb-restored DatastoreReader --auth-id 'strata@pbs!ro'",
      ]),
    );
    const text = JSON.stringify(journal.entries) + (await readFile(join(dir, 'dr-rebuild.json'), 'utf8')) + JSON.stringify(events);
    const argvs = [...hosts.host('pbs2').calls, ...hosts.host('pve1').calls].map((c) => c.argv.join(' ')).join('\n');
    for (const v of Object.values(SECRET)) {
      expect(text).not.toContain(v);
      expect(argvs).not.toContain(v);
    }
  });

  it('the rebuilt inventory gains the restored datastore as a PBS layer once the chain is done, with the surviving layer\'s access', () => {
    const state = stateAtChains();
    const before = rebuiltInventory(inventory, state, '/kh');
    expect(before.layers.map((l) => l.id)).not.toContain('pbs-local-restored');
    const done = { ...state, chains: state.chains!.map((c) => ({ ...c, state: 'done' as const, reached: 'storage' as const })) };
    const layer = rebuiltInventory(inventory, done, '/kh').layers.find((l) => l.id === 'pbs-local-restored');
    expect(layer).toMatchObject({ kind: 'pbs', host: 'pbs2', repository: 'strata@pbs!ro@127.0.0.1:usb-restored', datastore: 'usb-restored', secret: { file: '/root/.strata-pbs-token' }, fingerprint: FP });
    expect(layer).not.toHaveProperty('copyOf');
  });

  it('a resume after a kill during the restore restores again into DIR, and a datastore already created is not created again', async () => {
    // Killed while restic ran: the snapshot chosen and the restore started are saved; .chunks is half there.
    const state = stateAtChains();
    const killed: RebuildState = {
      ...state,
      chains: [{ ...chainOf(state), state: 'running', reached: 'source', restoreRuns: 1, snapshot: { id: SNAPSHOT_ID, timeSec: NOW - 86_400 } }],
      steps: state.steps.map((s) => (s.id === 'chains' ? { ...s, state: 'running', runs: 1 } : s)),
    };
    const pbs2 = hosts.host('pbs2');
    pbs2.on(CHUNKS, 'directory\n'); // the check: half a directory is no chain in place
    pbs2.on(OWNER, 'root:root\nroot:root\n');
    copySecretsRead();
    pbs2.expect({ argv: RESTORE, env: RESTIC_ENV, secretNames: RESTIC_SECRETS, reply: { stdout: 'restoring ...\n' } });
    pbs2.on(CHUNKS, 'directory\n');
    pbs2.on(OWNER, 'backup:backup\nbackup:backup\n');
    pbs2.on(DS_LIST, DS_THERE); // created before the kill by someone: taken as it is
    pbs2.on(ACL_LIST, ACL_THERE);
    hosts.host('pve1').on(PVESM_STATUS, ACTIVE);
    const run = new RebuildRun(deps(), killed);
    const step = await run.run('chains', { confirm: true });
    expect([step.state, step.detail]).toEqual(['done', expect.stringContaining('usb-restored on pbs2')]);
    hosts.assertAll();
    expect(chainOf(run.state())).toMatchObject({ restoreRuns: 2, reached: 'storage', state: 'done' });
    expect(hosts.host('pbs2').calls.filter((c) => c.argv.includes('create'))).toHaveLength(0);
    expect(hosts.host('pbs2').calls.filter((c) => c.argv[0] === 'restic' && c.argv.includes('restore'))).toHaveLength(1);
  });

  it('a chain put in place by hand is found done by the check: nothing runs', async () => {
    const pbs2 = hosts.host('pbs2');
    pbs2.on(CHUNKS, 'directory\n');
    pbs2.on(OWNER, 'backup:backup\nbackup:backup\n');
    pbs2.on(DS_LIST, DS_THERE);
    pbs2.on(ACL_LIST, ACL_THERE);
    hosts.host('pve1').on(PVESM_STATUS, ACTIVE);
    const run = new RebuildRun(deps(), stateAtChains());
    expect((await run.run('chains')).state).toBe('already-done');
    expect(chainOf(run.state())).toMatchObject({ state: 'done', reached: 'storage', restoreRuns: 0 });
    expect(journal.entries).toHaveLength(0);
    hosts.assertAll();
  });
});

describe('the chains step refuses with what to do', () => {
  const nothingInPlace = () => hosts.host('pbs2').on(CHUNKS, { stderr: 'No such file or directory\n', exitCode: 1 });

  it('restic missing on H: blocked, apt install restic there', async () => {
    nothingInPlace();
    hosts.host('pbs2').on(['restic', 'version'], { stderr: 'sh: 1: restic: not found\n', exitCode: 127 });
    const run = new RebuildRun(deps(), stateAtChains());
    const step = await run.run('chains', { confirm: true });
    expect(step.state).toBe('blocked');
    expect(step.detail).toMatch(/^restic-cloud:pbs-local: restic is not installed on pbs2 .*: apt install restic there, then resume$/);
    expect(chainOf(run.state())).toMatchObject({ state: 'blocked', reached: null });
    hosts.assertAll();
  });

  it('a wrong password: blocked, naming where the secrets are read (never their values)', async () => {
    nothingInPlace();
    hosts.host('pbs2').on(['restic', 'version'], 'restic 0.14.0 compiled with go1.19.8 on linux/amd64\n');
    copySecretsRead();
    hosts.host('pbs2').expect({ argv: SNAPSHOTS, env: RESTIC_ENV, secretNames: RESTIC_SECRETS, reply: { stderr: 'Fatal: wrong password or no key found\n', exitCode: 1 } });
    const run = new RebuildRun(deps(), stateAtChains());
    const step = await run.run('chains', { confirm: true });
    expect(step.state).toBe('blocked');
    expect(step.detail).toContain(`restic-cloud's password does not open ${REPO}`);
    expect(step.detail).toContain('RESTIC_PASSWORD: file /root/.restic-cloud-pass on docker1');
    for (const v of Object.values(SECRET)) expect(step.detail).not.toContain(v);
    expect(chainOf(run.state())).toMatchObject({ reached: 'tool', snapshot: null });
    hosts.assertAll();
  });

  it('no snapshot of the datastore directory in the copy: blocked, and nothing restored', async () => {
    nothingInPlace();
    hosts.host('pbs2').on(['restic', 'version'], 'restic 0.14.0 compiled with go1.19.8 on linux/amd64\n');
    copySecretsRead();
    hosts.host('pbs2').expect({ argv: SNAPSHOTS, env: RESTIC_ENV, secretNames: RESTIC_SECRETS, reply: { stdout: '[]\n' } });
    const run = new RebuildRun(deps(), stateAtChains());
    const step = await run.run('chains', { confirm: true });
    expect(step.state).toBe('blocked');
    expect(step.detail).toContain('restic-cloud holds no snapshot of /mnt/usb/pbs');
    expect(journal.entries).toHaveLength(0);
    hosts.assertAll();
  });

  it('the tier waits: its chain guest is not restored before the chain is done', async () => {
    const state = stateAtChains();
    const atTier = { ...state, steps: state.steps.map((s) => (s.id === 'chains' ? { ...s, state: 'done' as const } : s)) };
    hosts.host('pve1').on(['pvesh', 'get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'], '[]', { times: 2 });
    const run = new RebuildRun(deps(), atTier);
    const step = await run.run('tier:tier1', { confirm: true });
    expect(step.state).toBe('failed');
    expect(step.detail).toContain('vm/130: failed (the chain restic-cloud:pbs-local is not done: run the chains step first)');
  });
});
