/**
 * The file and dataset restore engine end to end, through the one
 * composition root and the real SSH runner, against the lab: sources of a
 * path or dataset on every layer that holds it (restic, PBS host archives,
 * ZFS snapshots, the replica, the Glacier copy with its thaw), browsing a
 * directory at a time, restores that end with a check reading the data
 * back, the typed word for what destroys, and evidence in the journal.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateInventory } from '../../src/domain/inventory.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { usbRanksFirst } from '../helpers/lab/fresher.js';
import { composeServices, type Services } from '../../src/services/root.js';
import { RestoreError, type FileRestoreEvent } from '../../src/services/restore/files-api.js';

let lab: Lab;
let services: Services;
let env: Record<string, string>;

beforeAll(async () => {
  lab = await startLab({ scenario: 'healthy', timeScale: 0.05 });
  const v = validateInventory(lab.config);
  if (!v.ok) throw new Error('lab inventory invalid');
  env = { STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-file-restore-')), USER: 'tester' };
  services = composeServices({ inventory: v.inventory, configPath: lab.configPath, env, filePollMs: 50 });
});
afterAll(async () => {
  await services?.close();
  await lab?.stop();
});

const files = (host: string, prefix: string) => Object.keys(lab.state.hosts[host]!.fs.files).filter((p) => p.startsWith(prefix)).sort();
const journal = () => readFileSync(join(env.STRATA_STATE_DIR!, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
async function refused(p: Promise<unknown>, code: RestoreError['code']): Promise<RestoreError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(RestoreError);
  expect((e as RestoreError).code).toBe(code);
  return e as RestoreError;
}

const docker = () => lab.state.hosts.docker1!;
const sourceOn = async (q: { path?: string; dataset?: string; point?: { kind: 'at'; timeSec: number } }, layerId: string) => {
  const list = await services.fileRestore.sources(q);
  const s = list.sources.find((x) => x.layerId === layerId);
  if (!s) throw new Error(`no source on ${layerId}: ${list.sources.map((x) => x.id).join(', ')}`);
  return s;
};

describe('sources and browsing', () => {
  it('a path: every layer holding it, ranked, each with what it covers and the steps it needs', async () => {
    const app = await services.fileRestore.sources({ path: 'docker1:/srv/app/config' });
    // Which of the two ranks first depends on the time of day (test/helpers/lab/fresher.ts).
    const usbFirst = usbRanksFirst(app.sources);
    expect(app.sources.map((s) => [s.rank, s.layerId, s.kind, s.location])).toEqual(
      usbFirst
        ? [
            [1, 'restic-usb', 'restic', 'same-host'],
            [2, 'restic-cloud', 'restic', 'off-site'],
          ]
        : [
            [1, 'restic-cloud', 'restic', 'off-site'],
            [2, 'restic-usb', 'restic', 'same-host'],
          ],
    );
    expect(app.sources.find((s) => s.layerId === 'restic-usb')).toMatchObject({ covers: '/srv/app', start: '/srv/app/config', methods: ['files'], plannable: true, estimate: { basis: 'size' } });
    const etc = await services.fileRestore.sources({ path: 'pve1:/etc/pve' });
    expect(etc.sources.map((s) => [s.layerId, s.kind, s.covers])).toEqual([
      ['pbs-local', 'pbs-archive', '/etc'],
      ['pbs-remote', 'pbs-archive', '/etc'],
    ]);
    await refused(services.fileRestore.sources({ path: 'docker1:/nowhere' }), 'not-found');
    await refused(services.fileRestore.sources({ path: 'no-such-host:/etc' }), 'not-found');
    await refused(services.fileRestore.sources({ path: 'etc/nginx' }), 'invalid');
  });

  it('a dataset: its snapshots (clone, rollback), the replica (receive) and the Glacier copy with a thaw first', async () => {
    const ds = await services.fileRestore.sources({ dataset: 'tank/data' });
    const by = Object.fromEntries(ds.sources.map((s) => [s.layerId, s]));
    expect(ds.sources.map((s) => s.layerId)).toEqual(['nas-snap', 'nas-repl', 'nas-glacier']);
    expect(by['nas-snap']).toMatchObject({ kind: 'zfs-snapshot', methods: ['clone', 'rollback', 'files'], covers: '/tank/data', steps: [{ kind: 'clone' }] });
    expect(by['nas-repl']).toMatchObject({ kind: 'zfs-replica', methods: ['receive', 'files'] });
    expect(by['nas-glacier']).toMatchObject({ kind: 'rclone', location: 'off-site', steps: [{ kind: 'thaw' }, { kind: 'restore' }], cold: { storageClass: 'GLACIER' } });
    expect(by['nas-glacier']!.cold!.tiers.map((t) => [t.priority, t.wait])).toEqual([
      ['Expedited', '1-5 minutes'],
      ['Standard', '3-5 hours'],
      ['Bulk', '5-12 hours'],
    ]);
    expect(by['nas-glacier']!.estimate.text).toContain('after a thaw of 3-5 hours');
  });

  it('browses one directory at a time in host paths, whatever the tool: restic, a PBS catalog, a snapshot directory, rclone', async () => {
    const restic = await sourceOn({ path: 'docker1:/srv/app' }, 'restic-usb');
    const app = await services.fileRestore.browse(restic.id, '/srv/app');
    expect(app.entries.map((e) => [e.name, e.kind, e.path])).toEqual([
      ['config', 'dir', '/srv/app/config'],
      ['data', 'dir', '/srv/app/data'],
      ['docker-compose.yml', 'file', '/srv/app/docker-compose.yml'],
    ]);
    const pbs = await sourceOn({ path: 'pve1:/etc' }, 'pbs-local');
    const etc = await services.fileRestore.browse(pbs.id, '/etc');
    expect(etc.entries.find((e) => e.name === 'pve')).toMatchObject({ kind: 'dir', path: '/etc/pve' });
    const zfs = await sourceOn({ path: 'nas1:/tank/data' }, 'nas-snap');
    const top = await services.fileRestore.browse(zfs.id, '/tank/data');
    expect(top.entries.length).toBeGreaterThan(0);
    expect(top.entries.every((e) => e.path.startsWith('/tank/data/'))).toBe(true);
    const glacier = await sourceOn({ path: 'nas1:/tank/data' }, 'nas-glacier');
    const cold = await services.fileRestore.browse(glacier.id, '/tank/data');
    expect(cold.entries.map((e) => e.name)).toContain('db');
    const bounded = await services.fileRestore.browse(zfs.id, '/tank/data', { limit: 1 });
    expect(bounded).toMatchObject({ truncated: top.entries.length > 1 });
    expect(bounded.entries).toHaveLength(1);
    await refused(services.fileRestore.browse(restic.id, '/etc'), 'invalid');
    await refused(services.fileRestore.browse('restic-usb@nope', '/srv/app'), 'no-source');
  });
});

describe('restic', () => {
  it('restores chosen paths to an alternate directory, with progress, a check that reads them back and a journal entry', async () => {
    const s = await sourceOn({ path: 'docker1:/srv/app' }, 'restic-usb');
    const plan = await services.fileRestore.plan({ sourceId: s.id, paths: ['/srv/app/config', '/srv/app/docker-compose.yml'], target: { kind: 'alternate', dir: '/restore/a1' } });
    expect(plan).toMatchObject({ method: 'files', ready: true, destroys: [], confirmWord: null, progress: 'percent', target: { host: 'docker1', path: '/restore/a1', overwrites: false } });
    expect(plan.commands.map((c) => c.command).join('\n')).toMatch(/restic restore [0-9a-f]{64} --target \/restore\/a1 --include \/srv\/app\/config --include \/srv\/app\/docker-compose\.yml --verify --json/);
    expect(plan.commands.join('')).not.toContain(lab.state.hosts.docker1!.fs.files['/root/.restic-pass']?.content?.trim() ?? 'no-such-secret');
    const events: FileRestoreEvent[] = [];
    const r = await services.fileRestore.run(plan, { onEvent: (e) => events.push(e) });
    expect(r).toMatchObject({ state: 'restored', exitCode: 0 });
    expect(r.checks).toMatchObject([{ state: 'passed', detail: expect.stringContaining('2 files') }]);
    expect(events.some((e) => e.type === 'progress' && e.progress.format === 'restic')).toBe(true);
    expect(files('docker1', '/restore/a1/')).toEqual(['/restore/a1/srv/app/config/app.yaml', '/restore/a1/srv/app/docker-compose.yml']);
    const end = journal().filter((e) => e.type === 'action-end').at(-1) as { request: { kind: string; layerId: string; files: { paths: string[]; targetPath: string } }; state: string };
    expect(end).toMatchObject({ state: 'ok', request: { kind: 'restore', layerId: 'restic-usb', files: { paths: ['/srv/app/config', '/srv/app/docker-compose.yml'], targetPath: '/restore/a1' } } });
  });

  it('over the original: 0.17 needs an overwrite policy, 0.14 says it overwrites everything; the host name is the typed word', async () => {
    const s = await sourceOn({ path: 'docker1:/srv/app/config' }, 'restic-usb');
    await refused(services.fileRestore.plan({ sourceId: s.id, target: { kind: 'original' } }), 'invalid');
    const v17 = await services.fileRestore.plan({ sourceId: s.id, target: { kind: 'original', overwrite: 'if-changed' } });
    expect(v17.commands.map((c) => c.command).join('\n')).toContain('--overwrite if-changed');
    docker().tools = { restic: '0.14.0' };
    try {
      const plan = await services.fileRestore.plan({ sourceId: s.id, target: { kind: 'original' } });
      expect(plan).toMatchObject({ confirmWord: 'docker1', progress: 'bytes', target: { path: '/', overwrites: true } });
      expect(plan.destroys.join(' ')).toContain('always overwrites');
      await refused(services.fileRestore.run(plan), 'confirmation-required');
      await refused(services.fileRestore.run(plan, { confirm: 'nas1' }), 'confirmation-mismatch');
      docker().fs.files['/srv/app/config/app.yaml']!.content = 'broken: true\n';
      const r = await services.fileRestore.run(plan, { confirm: 'docker1' });
      expect(r).toMatchObject({ state: 'restored', exitCode: 0 });
      expect(docker().fs.files['/srv/app/config/app.yaml']!.content).not.toBe('broken: true\n');
    } finally {
      docker().tools = {};
    }
  });
});

describe('a restore that fails part way', () => {
  it('restic goes on past write errors (a warning), and the check that reads the files back fails: exit 1', async () => {
    const s = await sourceOn({ path: 'docker1:/srv/app' }, 'restic-usb');
    lab.inject('docker1', { kind: 'failing-job', program: 'restic', message: 'no space left on device' });
    try {
      const r = await services.fileRestore.run(await services.fileRestore.plan({ sourceId: s.id, target: { kind: 'alternate', dir: '/restore/full-disk' } }));
      expect(r).toMatchObject({ state: 'check-failed', exitCode: 1 });
      expect(r.checks[0]).toMatchObject({ state: 'failed', detail: expect.stringContaining('missing') });
      expect(r.outcome!.details!.join(' ')).toMatch(/but 3 errors \(.*no space left on/);
    } finally {
      lab.clear('docker1');
    }
  });
});

describe('restic 0.14 progress', () => {
  it('no percent from this restic: elapsed time and the bytes measured under the target while it runs', async () => {
    docker().tools = { restic: '0.14.0' };
    try {
      const s = await sourceOn({ path: 'docker1:/srv/app/data' }, 'restic-usb');
      const plan = await services.fileRestore.plan({ sourceId: s.id, target: { kind: 'alternate', dir: '/restore/slow' } });
      expect(plan.progress).toBe('bytes');
      const events: FileRestoreEvent[] = [];
      const r = await services.fileRestore.run(plan, { onEvent: (e) => events.push(e) });
      expect(r).toMatchObject({ state: 'restored' });
      const bytes = events.flatMap((e) => (e.type === 'progress' ? [e.progress] : []));
      expect(bytes.length).toBeGreaterThan(0);
      expect(bytes.every((p) => p.format === 'files' && p.percent === null)).toBe(true);
    } finally {
      docker().tools = {};
    }
  });
});

describe('PBS', () => {
  it("restores a directory of pve1's /etc from the host backup with --pattern, checked against the catalog", async () => {
    const s = await sourceOn({ path: 'pve1:/etc/pve' }, 'pbs-local');
    const plan = await services.fileRestore.plan({ sourceId: s.id, target: { kind: 'alternate', dir: '/restore/etc' } });
    expect(plan.commands.map((c) => c.command).join('\n')).toMatch(/proxmox-backup-client restore host\/pve1\/\S+ etc\.pxar \/restore\/etc --pattern \/pve/);
    expect(plan.commands.map((c) => c.command).join('\n')).not.toMatch(/PBS_PASSWORD=/);
    const r = await services.fileRestore.run(plan);
    expect(r).toMatchObject({ state: 'restored' });
    expect(r.checks[0]).toMatchObject({ state: 'passed', detail: expect.stringContaining('as the source') });
    expect(files('pbs1', '/restore/etc/').every((p) => p.startsWith('/restore/etc/pve/'))).toBe(true);
    expect(files('pbs1', '/restore/etc/').length).toBeGreaterThan(0);
  });

  it('an encryption key by reference: --keyfile in argv, its passphrase only in the environment, by name', async () => {
    const withKey = { ...lab.config, layers: lab.config.layers.map((l) => (l.id === 'pbs-local' ? { ...l, keyfile: '/root/pbs-enc.key', keySecret: { file: '/root/.pbs-key-pass' } } : l)) };
    const v = validateInventory(withKey);
    if (!v.ok) throw new Error(JSON.stringify(v.problems));
    const keyed = composeServices({ inventory: v.inventory, configPath: lab.configPath, env });
    try {
      const s = (await keyed.fileRestore.sources({ path: 'pve1:/etc/pve', layerId: 'pbs-local' })).sources[0]!;
      const plan = await keyed.fileRestore.plan({ sourceId: s.id, target: { kind: 'alternate', dir: '/restore/keyed' } });
      const cmd = plan.commands.find((c) => c.command.includes('proxmox-backup-client restore'))!.command;
      expect(cmd).toContain('--keyfile /root/pbs-enc.key');
      expect(cmd).toMatch(/PBS_ENCRYPTION_PASSWORD\w*=\S*\/root\/.pbs-key-pass/);
      expect(plan.action.steps.find((x) => x.command.argv.includes('--keyfile'))!.command.argv.join(' ')).not.toContain('pbs-key-pass');
    } finally {
      await keyed.close();
    }
  });

  it('a 3.x client without --pattern extracts each path with proxmox-file-restore', async () => {
    lab.state.hosts.pbs1!.tools = { pbsClient: '3.2.7' };
    try {
      const s = await sourceOn({ path: 'pve1:/etc/pve' }, 'pbs-local');
      const plan = await services.fileRestore.plan({ sourceId: s.id, target: { kind: 'alternate', dir: '/restore/etc3' } });
      expect(plan.commands.map((c) => c.command).join('\n')).toContain('proxmox-file-restore extract');
      const r = await services.fileRestore.run(plan);
      expect(r).toMatchObject({ state: 'restored' });
      expect(files('pbs1', '/restore/etc3/').length).toBe(files('pbs1', '/restore/etc/').length);
    } finally {
      lab.state.hosts.pbs1!.tools = {};
    }
  });
});

describe("a guest's files from PBS", () => {
  it("a container's file from its root.pxar: catalog browse, restore by --pattern, checked", async () => {
    const s = await sourceOn({ path: 'ct/102:/etc' }, 'pbs-local');
    expect(s).toMatchObject({ kind: 'pbs-archive', covers: '/', start: '/etc' });
    const etc = await services.fileRestore.browse(s.id, '/etc');
    expect(etc.entries.map((e) => e.name)).toContain('hostname');
    const r = await services.fileRestore.run(await services.fileRestore.plan({ sourceId: s.id, paths: ['/etc/hostname'], target: { kind: 'alternate', dir: '/restore/ct102' } }));
    expect(r).toMatchObject({ state: 'restored' });
    expect(lab.state.hosts.pbs1!.fs.files['/restore/ct102/etc/hostname']).toBeDefined();
  });

  it("a VM's file from its disk image through proxmox-file-restore: list the partitions, extract, checked", async () => {
    const s = await sourceOn({ path: 'vm/100:/' }, 'pbs-local');
    expect(s).toMatchObject({ kind: 'pbs-image', covers: '/' });
    const top = await services.fileRestore.browse(s.id, '/');
    const image = top.entries.find((e) => e.kind === 'image')!.name;
    const etc = await services.fileRestore.browse(s.id, `/${image}/part/2/etc`);
    expect(etc.entries.find((e) => e.name === 'hosts')).toMatchObject({ kind: 'file', path: `/${image}/part/2/etc/hosts` });
    await refused(services.fileRestore.plan({ sourceId: s.id }), 'invalid');
    const plan = await services.fileRestore.plan({ sourceId: s.id, paths: [`/${image}/part/2/etc/hosts`, `/${image}/part/2/etc/ssh`], target: { kind: 'alternate', dir: '/restore/vm100' } });
    expect(plan.commands[1]!.command).toMatch(/^PBS_PASSWORD=<secret from file \/root\/.strata-pbs-token> proxmox-file-restore extract /);
    expect(plan.commands.filter((c) => c.command.includes('proxmox-file-restore extract'))).toHaveLength(2);
    const r = await services.fileRestore.run(plan);
    expect(r).toMatchObject({ state: 'restored' });
    expect(r.checks[0]).toMatchObject({ state: 'passed', detail: expect.stringContaining('2 files') });
    expect(lab.state.hosts.pbs1!.fs.files['/restore/vm100/hosts']!.content).toContain('localhost');
    expect(lab.state.hosts.pbs1!.fs.files['/restore/vm100/ssh/sshd_config']).toBeDefined();
  });
});

describe('ZFS', () => {
  it('a rollback lists every newer snapshot -r destroys and runs only with the dataset typed', async () => {
    const snaps = lab.state.hosts.nas1!.zfs!.datasets['tank/data']!.snapshots;
    const older = [...snaps].sort((a, b) => a.createtxg - b.createtxg).at(-3)!;
    const d = await sourceOn({ dataset: 'tank/data', point: { kind: 'at', timeSec: older.creation } }, 'nas-snap');
    expect(d.point.ref).toBe(`tank/data@${older.name}`);
    const plan = await services.fileRestore.plan({ sourceId: d.id, method: 'rollback' });
    expect(plan.confirmWord).toBe('tank/data');
    expect(plan.destroys.join(' ')).toMatch(/destroys 2 newer snapshots/);
    await refused(services.fileRestore.run(plan), 'confirmation-required');
    const r = await services.fileRestore.run(plan, { confirm: 'tank/data' });
    expect(r).toMatchObject({ state: 'restored' });
    expect(lab.state.hosts.nas1!.zfs!.datasets['tank/data']!.snapshots.map((x) => x.name).at(-1)).toBe(older.name);
  });

  it("files from the replica: the same path of the original, read from the replica's snapshot directory", async () => {
    const s = await sourceOn({ path: 'nas1:/tank/data/db' }, 'nas-repl');
    expect(s).toMatchObject({ kind: 'zfs-replica', covers: '/tank/data', start: '/tank/data/db' });
    const plan = await services.fileRestore.plan({ sourceId: s.id, target: { kind: 'alternate', dir: '/restore/from-replica' } });
    expect(plan.commands.map((c) => c.command).join('\n')).toContain('/backup/data/.zfs/snapshot/');
    const r = await services.fileRestore.run(plan);
    expect(r).toMatchObject({ state: 'restored', checks: [{ state: 'passed' }] });
    expect(files('nas1', '/restore/from-replica/db/').length).toBeGreaterThan(0);
  });

  it('copies files out of the snapshot directory, and clones the whole dataset by default', async () => {
    const s = await sourceOn({ path: 'nas1:/tank/data/db' }, 'nas-snap');
    const plan = await services.fileRestore.plan({ sourceId: s.id, target: { kind: 'alternate', dir: '/restore/db' } });
    expect(plan.commands.map((c) => c.command).join('\n')).toContain('.zfs/snapshot/');
    const r = await services.fileRestore.run(plan);
    expect(r).toMatchObject({ state: 'restored' });
    expect(files('nas1', '/restore/db/db/').length).toBeGreaterThan(0);
    const d = await sourceOn({ dataset: 'tank/data' }, 'nas-snap');
    const clone = await services.fileRestore.plan({ sourceId: d.id, cloneName: 'tank/data-back' });
    expect(clone).toMatchObject({ method: 'clone', destroys: [], confirmWord: null });
    const c = await services.fileRestore.run(clone);
    expect(c).toMatchObject({ state: 'restored' });
    expect(c.checks[0]).toMatchObject({ state: 'passed' });
  });
});

describe('cold storage', () => {
  it('requests a thaw after saying its wait and cost, saves it, and a new engine resumes it once thawed', async () => {
    const s = await sourceOn({ path: 'nas1:/tank/data' }, 'nas-glacier');
    const plan = await services.fileRestore.plan({ sourceId: s.id, target: { kind: 'alternate', dir: '/restore/cold' }, thaw: { priority: 'Bulk', lifetimeDays: 2 } });
    expect(plan.thaw).toMatchObject({ priority: 'Bulk', wait: '5-12 hours', cost: 'lowest', storageClass: 'GLACIER' });
    // Every archived object under the path, not only those the layer's points name.
    const bucket = lab.state.cloud.buckets['strata-nas']!;
    const archived = Object.entries(bucket).filter(([k, o]) => k.startsWith('data/') && o.tier === 'GLACIER').map(([k]) => k.slice('data/'.length)).sort();
    expect(archived.length).toBeGreaterThan(1);
    expect([...plan.thaw!.objects].sort()).toEqual(archived);
    expect(plan.thaw!.command.command).toMatch(/rclone backend restore glacier:strata-nas\/data --include '\/\*\*' -o '?priority=Bulk'? -o '?lifetime=2'?$/);
    const r = await services.fileRestore.run(plan);
    expect(r.state).toBe('thawing');
    const id = r.thaw!.id;
    expect(r.thaw).toMatchObject({ readBy: 'restore-status', ready: false });
    expect(r.thaw!.counts.thawing).toBe(archived.length);
    expect((await services.fileRestore.thaws()).map((t) => t.id)).toContain(id);
    // A restart: a new composition root over the same state directory.
    const v = validateInventory(lab.config);
    if (!v.ok) throw new Error('inventory');
    const again = composeServices({ inventory: v.inventory, configPath: lab.configPath, env });
    try {
      let res = await again.fileRestore.resume(id);
      for (let i = 0; i < 160 && res.state === 'thawing'; i++) {
        await new Promise((f) => setTimeout(f, 250));
        res = await again.fileRestore.resume(id);
      }
      expect(res).toMatchObject({ state: 'restored', exitCode: 0 });
      expect(res.checks).toMatchObject([{ state: 'passed', detail: expect.stringContaining('rclone check --download') }]);
      expect(files('nas1', '/restore/cold/').length).toBeGreaterThan(0);
      expect((await again.fileRestore.thaws()).find((t) => t.id === id)?.state).toBe('restored');
    } finally {
      await again.close();
    }
  }, 120_000);

  it('rclone before 1.64 has no restore-status: a copy attempt tells frozen objects ("Object in GLACIER") from thawed ones', async () => {
    lab.state.hosts.nas1!.tools = { rclone: '1.60.1' };
    try {
      const s = await sourceOn({ path: 'nas1:/tank/data/db' }, 'nas-glacier');
      const plan = await services.fileRestore.plan({ sourceId: s.id, target: { kind: 'alternate', dir: '/restore/cold160' }, thaw: { priority: 'Bulk' } });
      expect(plan.thaw).toMatchObject({ priority: 'Bulk', wait: '5-12 hours', cost: 'lowest' });
      const r = await services.fileRestore.run(plan);
      expect(r).toMatchObject({ state: 'thawing', thaw: { readBy: 'copy-attempt', ready: false } });
      let res = await services.fileRestore.resume(r.thaw!.id);
      for (let i = 0; i < 160 && res.state === 'thawing'; i++) {
        await new Promise((f) => setTimeout(f, 250));
        res = await services.fileRestore.resume(r.thaw!.id);
      }
      expect(res).toMatchObject({ state: 'restored', thaw: { readBy: 'copy-attempt', ready: true } });
    } finally {
      lab.state.hosts.nas1!.tools = {};
    }
  }, 120_000);
});
