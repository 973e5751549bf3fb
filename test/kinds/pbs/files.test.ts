/**
 * The PBS file rule on its own (src/kinds/pbs/files.ts, files-plan.ts):
 * which snapshot and pxar archive hold a path (from the snapshot list's
 * manifests), a VM's image browsed through proxmox-file-restore, one
 * directory of a catalog, and the exact restore or extract a plan runs,
 * answered with the recorded PBS outputs of test/fixtures/pbs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LayerObservation, RecoveryPoint } from '../../../src/domain/types.js';
import type { FileSourcesInput } from '../../../src/kinds/files-rule.js';
import type { FileTarget } from '../../../src/kinds/files-types.js';
import { pbsFiles } from '../../../src/kinds/pbs/files.js';
import { judgeFilesMatch } from '../../../src/kinds/shared/files/checks.js';
import type { LayerOf } from '../../../src/kinds/planner-context.js';
import { FakeRunner, type FakeReply } from '../../helpers/fake-runner.js';
import { argvOf, fileContext, internalSources, refusal } from '../../helpers/file-rules.js';
import { fixture, reply } from '../../helpers/fixtures.js';
import { inventoryOf, layerObs } from '../../helpers/observations.js';

const FP = 'ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab';
const REPO = 'strata@pbs!ro@pbs1:usb';
const PASSWORD = 'pbs-token-secret-1f2e';
const KEY_PASSPHRASE = 'key-passphrase-9c8b';
const NOW = 1_706_700_000;

// The snapshots of snapshot-list-normal: ct/101 (root.pxar, encrypted), host/pve1 (etc.pxar), vm/100 twice.
const CT = 'ct/101/2024-01-31T02:01:00Z';
const HOST = 'host/pve1/2024-01-31T03:00:00Z';
const VM_NEW = 'vm/100/2024-01-31T02:00:01Z';
const VM_OLD = 'vm/100/2024-01-30T02:00:01Z';

const layer = inventoryOf({
  hosts: [{ name: 'pve1' }],
  layers: [{ id: 'pbs-usb', kind: 'pbs', host: 'pve1', repository: REPO, fingerprint: FP, secret: { env: 'PBS_PW' }, keyfile: '/root/pbs.key', keySecret: { env: 'PBS_KEY_PW' } }],
}).layers[0] as LayerOf<'pbs'>;

const point = (assetId: string, timeSec: number, ref: string, extra: Partial<RecoveryPoint> = {}): RecoveryPoint => ({ layerId: 'pbs-usb', assetId, timeSec, ref, ...extra });
const obs = layerObs('pbs-usb', [
  point('ct/101', 1706666460, CT),
  point('host/pve1', 1706670000, HOST),
  point('vm/100', 1706666401, VM_NEW),
  point('vm/100', 1706580001, VM_OLD),
]);

// What each command carries: the password as a secret, the key passphrase as a secret, the key file in argv.
const LIST_ENV = { env: { PBS_FINGERPRINT: FP }, secrets: { PBS_PASSWORD: PASSWORD } };
const FILE_ENV = { env: { PBS_FINGERPRINT: FP }, secrets: { PBS_PASSWORD: PASSWORD, PBS_ENCRYPTION_PASSWORD: KEY_PASSPHRASE } };
const REPO_ARGS = ['--repository', REPO, '--keyfile', '/root/pbs.key'];
const SNAPSHOT_LIST = ['proxmox-backup-client', 'snapshot', 'list', '--repository', REPO, '--output-format', 'json'];
const b64 = (p: string) => Buffer.from(p, 'utf8').toString('base64');

let host: FakeRunner;
const ctx = () => fileContext({ pve1: host }, { env: { PBS_PW: PASSWORD, PBS_KEY_PW: KEY_PASSPHRASE }, nowSec: NOW });
afterEach(() => host?.assertDone());

const input = (target: FileTarget, wanted: FileSourcesInput['wanted'] = { kind: 'latest' }, observation: LayerObservation | undefined = obs): FileSourcesInput => ({ target, wanted, observation, mountpoints: new Map(), mirrors: [] });
const guest = (assetId: string, path: string): FileTarget => ({ kind: 'guest', assetId, path });
const onHost = (path: string): FileTarget => ({ kind: 'path', host: 'pve1', path });


/** The host's catalog: catalog-dump-ct's /etc as the etc.pxar archive of a host backup. */
const hostCatalog = (): FakeReply => {
  const f = fixture('pbs', 'catalog-dump-ct');
  const lines = f.stderr
    .split('\n')
    .filter((l) => l.includes('"./root.pxar.didx/etc'))
    .map((l) => l.replace('"./root.pxar.didx/etc', '"./etc.pxar.didx'));
  return { stdout: f.stdout, stderr: `${lines.join('\n')}\n`, exitCode: 0 };
};

async function sourceOf(target: FileTarget) {
  const drafts = await pbsFiles.sources(layer, input(target), ctx());
  return internalSources(layer, target, drafts, { nowSec: NOW })[0]!;
}

describe('PBS sources: which snapshot and archive hold a path', () => {
  it("a host path: the newest host backup's archive that holds it, by the manifests of the snapshot list", async () => {
    host = new FakeRunner('pve1').expect({ argv: SNAPSHOT_LIST, ...LIST_ENV, reply: reply('pbs', 'snapshot-list-normal') });
    const d = await pbsFiles.sources(layer, input(onHost('/etc/nginx')), ctx());
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ kind: 'pbs-archive', assetId: 'host/pve1', covers: '/etc', start: '/etc/nginx', methods: ['files'], origin: { kind: 'pbs-archive', snapshot: HOST, archive: 'etc.pxar.didx' } });
    expect(d[0]!.sourcePath('/etc/nginx/nginx.conf')).toBe('/nginx/nginx.conf');
  });

  it('of two archives that hold the path, the one nearest to it: etc.pxar for /etc/nginx, root.pxar for /var', async () => {
    // snapshot-list-normal's host backup with a root.pxar listed before its etc.pxar.
    const list = JSON.parse(fixture('pbs', 'snapshot-list-normal').stdout) as { 'backup-type': string; files: { filename: string; size?: number }[] }[];
    for (const s of list) if (s['backup-type'] === 'host') s.files.unshift({ filename: 'root.pxar.didx', size: 2147483648 });
    host = new FakeRunner('pve1').expect({ argv: SNAPSHOT_LIST, ...LIST_ENV, reply: { stdout: JSON.stringify(list) }, times: 2 });
    const nginx = await pbsFiles.sources(layer, input(onHost('/etc/nginx')), ctx());
    expect(nginx.map((x) => [x.covers, x.origin])).toEqual([['/etc', { kind: 'pbs-archive', snapshot: HOST, archive: 'etc.pxar.didx' }]]);
    const vz = await pbsFiles.sources(layer, input(onHost('/var/lib/vz')), ctx());
    expect(vz.map((x) => [x.covers, x.start, x.sourcePath('/var/lib/vz')])).toEqual([['/', '/var/lib/vz', '/var/lib/vz']]);
  });

  it("a layer read well but whose snapshot list (the manifests) cannot be read now is unreadable, with PBS's words, not a layer that lacks the path", async () => {
    host = new FakeRunner('pve1').expect({ argv: SNAPSHOT_LIST, ...LIST_ENV, reply: reply('pbs', 'snapshot-list-unreachable') });
    const e = await refusal(pbsFiles.sources(layer, input(onHost('/etc/nginx')), ctx()));
    expect(e.code).toBe('unreadable');
    expect(e.message).toBe(`the archives of ${HOST}: proxmox-backup-client exited with 255: Error: error trying to connect: tcp connect error: Connection refused (os error 111)`);
  });

  it('a host path no archive holds gives no source', async () => {
    host = new FakeRunner('pve1').expect({ argv: SNAPSHOT_LIST, ...LIST_ENV, reply: reply('pbs', 'snapshot-list-normal') });
    expect(await pbsFiles.sources(layer, input(onHost('/var/lib/vz')), ctx())).toEqual([]);
    expect(await pbsFiles.sources(layer, input({ kind: 'dataset', dataset: 'tank/data' }), ctx())).toEqual([]);
  });

  it("a container's path: its root.pxar archive, which holds /", async () => {
    host = new FakeRunner('pve1').expect({ argv: SNAPSHOT_LIST, ...LIST_ENV, reply: reply('pbs', 'snapshot-list-normal') });
    const d = await pbsFiles.sources(layer, input(guest('ct/101', '/etc/nginx')), ctx());
    expect(d.map((x) => [x.kind, x.covers, x.start, x.point.ref, x.origin])).toEqual([['pbs-archive', '/', '/etc/nginx', CT, { kind: 'pbs-archive', snapshot: CT, archive: 'root.pxar.didx' }]]);
  });

  it("a VM's path: its image, browsed from the archives (no manifest read); a wanted time picks the snapshot at or before it", async () => {
    host = new FakeRunner('pve1');
    const latest = await pbsFiles.sources(layer, input(guest('vm/100', '/etc/hosts')), ctx());
    expect(latest.map((x) => [x.kind, x.covers, x.start, x.point.ref])).toEqual([['pbs-image', '/', '/', VM_NEW]]);
    const inImage = await pbsFiles.sources(layer, input(guest('vm/100', '/drive-scsi0.img.fidx/part/2/etc')), ctx());
    expect(inImage[0]!.start).toBe('/drive-scsi0.img.fidx/part/2/etc');
    const older = await pbsFiles.sources(layer, input(guest('vm/100', '/'), { kind: 'at', timeSec: 1706666400 }), ctx());
    expect(older.map((x) => x.point.ref)).toEqual([VM_OLD]);
    expect(await pbsFiles.sources(layer, input(guest('vm/100', '/'), { kind: 'at', timeSec: 1706580000 }), ctx())).toEqual([]);
  });

  it('a snapshot still being written (no manifest yet), or a layer not read, gives no source', async () => {
    host = new FakeRunner('pve1');
    const partial = layerObs('pbs-usb', [point('vm/100', 1706666401, VM_NEW, { partial: true }), point('vm/100', 1706580001, VM_OLD)]);
    expect((await pbsFiles.sources(layer, input(guest('vm/100', '/'), { kind: 'latest' }, partial), ctx())).map((x) => x.point.ref)).toEqual([VM_OLD]);
    expect(await pbsFiles.sources(layer, { ...input(guest('vm/100', '/')), observation: undefined }, ctx())).toEqual([]);
    expect(await pbsFiles.sources(layer, input(guest('vm/999', '/')), ctx())).toEqual([]);
  });
});

describe("PBS browse: one directory of a catalog or a VM's image", () => {
  const CATALOG = ['proxmox-backup-client', 'catalog', 'dump', CT, ...REPO_ARGS];

  it("lists a container's directory from one catalog dump (on stderr), its local times read in the host's zone", async () => {
    host = new FakeRunner('pve1')
      .expect({ argv: SNAPSHOT_LIST, ...LIST_ENV, reply: reply('pbs', 'snapshot-list-normal') })
      .on(['date', '+%z'], '+0100\n')
      .expect({ argv: CATALOG, ...FILE_ENV, reply: reply('pbs', 'catalog-dump-ct') });
    const c = ctx();
    const t = guest('ct/101', '/etc');
    const s = internalSources(layer, t, await pbsFiles.sources(layer, input(t), c), { nowSec: NOW })[0]!;
    const etc = await pbsFiles.browse(layer, s, '/etc', c, { limit: 100 });
    expect(etc.truncated).toBe(false);
    expect(etc.entries.map((e) => [e.name, e.kind, e.sizeBytes])).toEqual([
      ['hostname', 'file', 6],
      ['hosts', 'file', 186],
      ['localtime', 'symlink', undefined],
      ['nginx', 'dir', undefined],
    ]);
    // 03:00:01 local time (marked Z by the client) on a host one hour east of UTC.
    expect(etc.entries[0]!.mtimeMs).toBe(Date.UTC(2024, 0, 31, 2, 0, 1));
    const nginx = await pbsFiles.browse(layer, s, '/etc/nginx', c, { limit: 100 });
    expect(nginx.entries.map((e) => [e.name, e.kind])).toEqual([
      ['hardlinked.conf', 'hardlink'],
      ['nginx.conf', 'file'],
      ['sites-enabled', 'dir'],
    ]);
    expect(c.treeReads()).toBe(1);
  });

  it("a host archive that holds /etc is browsed in host paths: /etc/nginx is the archive's /nginx", async () => {
    host = new FakeRunner('pve1')
      .expect({ argv: SNAPSHOT_LIST, ...LIST_ENV, reply: reply('pbs', 'snapshot-list-normal') })
      .on(['date', '+%z'], '+0000\n')
      .expect({ argv: ['proxmox-backup-client', 'catalog', 'dump', HOST, ...REPO_ARGS], ...FILE_ENV, reply: hostCatalog() });
    const c = ctx();
    const t = onHost('/etc');
    const s = internalSources(layer, t, await pbsFiles.sources(layer, input(t), c), { nowSec: NOW })[0]!;
    expect((await pbsFiles.browse(layer, s, '/etc/nginx', c, { limit: 100 })).entries.map((e) => e.name)).toEqual(['hardlinked.conf', 'nginx.conf', 'sites-enabled']);
    expect((await pbsFiles.browse(layer, s, '/etc', c, { limit: 100 })).entries.map((e) => e.name)).toEqual(['hostname', 'hosts', 'localtime', 'nginx']);
    const e = await refusal(pbsFiles.browse(layer, s, '/etc/ssh', c, { limit: 100 }));
    expect(e.code).toBe('no-source');
    expect(e.message).toContain('/etc/ssh is not in pbs-usb@host/pve1/2024-01-31T03:00:00Z');
  });

  it("a catalog PBS refuses is an error with PBS's words, not an empty directory", async () => {
    host = new FakeRunner('pve1')
      .expect({ argv: SNAPSHOT_LIST, ...LIST_ENV, reply: reply('pbs', 'snapshot-list-normal') })
      .on(['date', '+%z'], '+0100\n')
      .expect({ argv: CATALOG, ...FILE_ENV, reply: reply('pbs', 'catalog-dump-auth-failed') });
    const c = ctx();
    const t = guest('ct/101', '/etc');
    const s = internalSources(layer, t, await pbsFiles.sources(layer, input(t), c), { nowSec: NOW })[0]!;
    const e = await refusal(pbsFiles.browse(layer, s, '/etc', c, { limit: 100 }));
    expect(e.code).toBe('unreadable');
    expect(e.message).toContain('authentication failed');
  });

  it("a VM image's directory through proxmox-file-restore list (base64 path, PBS_PASSWORD as a secret for its VM)", async () => {
    const dir = '/drive-scsi0.img.fidx/part/2/etc';
    host = new FakeRunner('pve1').expect({
      argv: ['proxmox-file-restore', 'list', VM_NEW, b64(dir), '--base64', ...REPO_ARGS, '--output-format', 'json', '--timeout', '120'],
      ...FILE_ENV,
      reply: reply('pbs', 'file-restore-list-vm-dir'),
    });
    const t = guest('vm/100', dir);
    const s = await sourceOf(t);
    const l = await pbsFiles.browse(layer, s, dir, ctx(), { limit: 100 });
    expect(l.entries.map((e) => [e.path, e.kind, e.sizeBytes, e.mtimeMs])).toEqual([
      [`${dir}/hostname`, 'file', 6, 1706666401_000],
      [`${dir}/nginx`, 'dir', undefined, undefined],
    ]);
  });

  it('an image listing that did not finish (JSON error on stdout, exit 0) is an error with its message', async () => {
    host = new FakeRunner('pve1').expect({
      argv: ['proxmox-file-restore', 'list', VM_NEW, b64('/drive-scsi0.img.fidx'), '--base64', ...REPO_ARGS, '--output-format', 'json', '--timeout', '120'],
      ...FILE_ENV,
      reply: reply('pbs', 'file-restore-list-timeout'),
    });
    const s = await sourceOf(guest('vm/100', '/'));
    const e = await refusal(pbsFiles.browse(layer, s, '/drive-scsi0.img.fidx', ctx(), { limit: 100 }));
    expect(e.code).toBe('unreadable');
    expect(e.message).toContain('list not finished in time (code 503)');
  });
});

describe('PBS plan: the exact restore or extract, and its check', () => {
  const DIR = '/srv/restore';
  const CATALOG = ['proxmox-backup-client', 'catalog', 'dump', CT, ...REPO_ARGS];
  const VERSION = ['proxmox-backup-client', 'version', '--output-format', 'json'];

  function containerHost(version: 'version-3.2' | 'version-4.0-text') {
    return new FakeRunner('pve1')
      .expect({ argv: SNAPSHOT_LIST, ...LIST_ENV, reply: reply('pbs', 'snapshot-list-normal') })
      .on(['date', '+%z'], '+0100\n')
      .expect({ argv: CATALOG, ...FILE_ENV, reply: reply('pbs', 'catalog-dump-ct') })
      .on(VERSION, reply('pbs', version));
  }

  async function containerSource(c: ReturnType<typeof ctx>) {
    const t = guest('ct/101', '/etc');
    return internalSources(layer, t, await pbsFiles.sources(layer, input(t), c), { nowSec: NOW })[0]!;
  }

  it("client 4.x: one restore --pattern into a new directory, secrets in the environment, the catalog's files and sizes read back", async () => {
    host = containerHost('version-4.0-text');
    const c = ctx();
    const s = await containerSource(c);
    const p = await pbsFiles.plan(layer, s, { request: { sourceId: s.source.id, target: { kind: 'alternate', dir: DIR } }, method: 'files', paths: ['/etc/hosts', '/etc/hostname'] }, c);
    expect(p.target).toEqual({ host: 'pve1', path: DIR, overwrites: false });
    expect(p.steps.map((x) => x.command.argv)).toEqual([
      ['mkdir', '-p', '--', DIR],
      ['proxmox-backup-client', 'restore', CT, 'root.pxar', DIR, '--pattern', '/etc/hosts', '--pattern', '/etc/hostname', '--allow-existing-dirs', ...REPO_ARGS],
    ]);
    expect(p.steps[1]!.command.env).toEqual({ PBS_FINGERPRINT: FP });
    expect(p.steps[1]!.command.secrets).toEqual({ PBS_PASSWORD: PASSWORD, PBS_ENCRYPTION_PASSWORD: KEY_PASSPHRASE });
    expect(argvOf(p).join(' ')).not.toMatch(new RegExp(`${PASSWORD}|${KEY_PASSPHRASE}`));
    expect(p.destroys).toEqual([]);
    expect(p.confirmWord).toBeNull();
    expect(p.checks.map((x) => x.output)).toEqual([{ kind: 'files-match', root: DIR, files: 2, bytes: 186 + 6, expect: { 'etc/hosts': 186, 'etc/hostname': 6 } }]);
    expect(p.pollDir).toBe(DIR);
  });

  it('a directory holding a hard link (the catalog gives it no size): a faithful restore passes its check, which compares the sizes it knows', async () => {
    host = containerHost('version-4.0-text').on(VERSION, reply('pbs', 'version-4.0-text'), { times: 2 });
    const c = ctx();
    const s = await containerSource(c);
    const p = await pbsFiles.plan(layer, s, { request: { sourceId: s.source.id, target: { kind: 'alternate', dir: DIR } }, method: 'files', paths: ['/etc/nginx'] }, c);
    const check = p.checks[0]!.output;
    if (check.kind !== 'files-match') throw new Error('not a files-match check');
    // What GNU find reads back after pxar restored /etc/nginx: the hard link is a regular file of its target's size.
    const rec = (type: string, size: number, path: string) => `${type}\t${size}\t1706670000.0000000000\t${path}\0`;
    const restored = [rec('d', 4096, ''), rec('d', 4096, 'etc'), rec('d', 4096, 'etc/nginx'), rec('f', 1490, 'etc/nginx/nginx.conf'), rec('f', 1490, 'etc/nginx/hardlinked.conf'), rec('d', 4096, 'etc/nginx/sites-enabled'), rec('l', 11, 'etc/nginx/sites-enabled/default')].join('');
    expect(judgeFilesMatch(check, restored, '', 0)).toMatchObject({ state: 'passed' });
    // The file it can compare is still compared.
    expect(judgeFilesMatch(check, restored.replace('f\t1490\t1706670000.0000000000\tetc/nginx/nginx.conf', 'f\t1489\t1706670000.0000000000\tetc/nginx/nginx.conf'), '', 0)).toMatchObject({ state: 'failed' });
    expect(check.unknownWhy).toContain('1 hard link');
    // The hard link chosen on its own.
    const one = await pbsFiles.plan(layer, s, { request: { sourceId: s.source.id, target: { kind: 'alternate', dir: DIR } }, method: 'files', paths: ['/etc/nginx/hardlinked.conf'] }, c);
    expect(one.checks[0]!.output).toEqual({ kind: 'files-match', root: DIR, expect: {}, unknownWhy: expect.stringContaining('1 hard link') });
    // And a directory above it.
    const etc = await pbsFiles.plan(layer, s, { request: { sourceId: s.source.id, target: { kind: 'alternate', dir: DIR } }, method: 'files', paths: ['/etc'] }, c);
    expect(etc.checks[0]!.output).toMatchObject({ expect: { 'etc/hosts': 186, 'etc/nginx/nginx.conf': 1490 }, unknownWhy: expect.stringContaining('1 hard link') });
    expect(etc.checks[0]!.output).not.toHaveProperty('bytes');
  });

  it('client 3.2 has no --pattern: one proxmox-file-restore extract per path into its parent directory', async () => {
    host = containerHost('version-3.2');
    const c = ctx();
    const s = await containerSource(c);
    const p = await pbsFiles.plan(layer, s, { request: { sourceId: s.source.id, target: { kind: 'alternate', dir: DIR } }, method: 'files', paths: ['/etc/nginx'] }, c);
    expect(p.steps.map((x) => x.command.argv)).toEqual([
      ['mkdir', '-p', '--', DIR],
      ['mkdir', '-p', '--', `${DIR}/etc`],
      ['proxmox-file-restore', 'extract', CT, b64('/root.pxar.didx/etc/nginx'), `${DIR}/etc`, '--base64', ...REPO_ARGS],
    ]);
    expect(p.steps[2]!.command.secrets).toEqual({ PBS_PASSWORD: PASSWORD, PBS_ENCRYPTION_PASSWORD: KEY_PASSPHRASE });
    expect(p.steps[2]!.measuresRestore).toBe(true);
    expect(p.notes.join('\n')).toContain('no restore --pattern');
    expect(p.checks[0]!.output).toEqual({ kind: 'files-match', root: DIR, expect: { 'etc/nginx/nginx.conf': 1490 }, unknownWhy: expect.stringContaining('hard link') });
  });

  it('the whole archive needs no pattern; the default target is a new directory under /var/tmp/strata-restore', async () => {
    host = containerHost('version-3.2');
    const c = ctx();
    const s = await containerSource(c);
    const p = await pbsFiles.plan(layer, s, { request: { sourceId: s.source.id }, method: 'files', paths: ['/'] }, c);
    const dir = p.target.path;
    expect(dir).toMatch(/^\/var\/tmp\/strata-restore\/20240131T\d{6}Z$/);
    expect(p.steps.map((x) => x.command.argv)).toEqual([
      ['mkdir', '-p', '--', dir],
      ['proxmox-backup-client', 'restore', CT, 'root.pxar', dir, '--allow-existing-dirs', ...REPO_ARGS],
    ]);
  });

  it('over the original, or a path the catalog lacks, is refused', async () => {
    host = containerHost('version-4.0-text').on(VERSION, reply('pbs', 'version-4.0-text'));
    const c = ctx();
    const s = await containerSource(c);
    const over = await refusal(pbsFiles.plan(layer, s, { request: { sourceId: s.source.id, target: { kind: 'original' } }, method: 'files', paths: ['/etc/hosts'] }, c));
    expect(over.code).toBe('unsupported');
    expect(over.message).toContain('restore to a directory there');
    const missing = await refusal(pbsFiles.plan(layer, s, { request: { sourceId: s.source.id }, method: 'files', paths: ['/etc/shadow'] }, c));
    expect(missing.code).toBe('invalid');
    expect(missing.message).toContain(`/etc/shadow is not in ${CT}`);
  });

  it("a VM image's file: proxmox-file-restore extract into a new directory, checked against the image's listing", async () => {
    const file = '/drive-scsi0.img.fidx/part/2/etc/hostname';
    host = new FakeRunner('pve1').expect({
      argv: ['proxmox-file-restore', 'list', VM_NEW, b64('/drive-scsi0.img.fidx/part/2/etc'), '--base64', ...REPO_ARGS, '--output-format', 'json', '--timeout', '120'],
      ...FILE_ENV,
      reply: reply('pbs', 'file-restore-list-vm-dir'),
    });
    const s = await sourceOf(guest('vm/100', '/'));
    const p = await pbsFiles.plan(layer, s, { request: { sourceId: s.source.id, target: { kind: 'alternate', dir: DIR } }, method: 'files', paths: [file] }, ctx());
    expect(p.steps.map((x) => x.command.argv)).toEqual([
      ['mkdir', '-p', '--', DIR],
      ['proxmox-file-restore', 'extract', VM_NEW, b64(file), DIR, '--base64', ...REPO_ARGS],
    ]);
    expect(p.steps[1]!.command.secrets).toEqual({ PBS_PASSWORD: PASSWORD, PBS_ENCRYPTION_PASSWORD: KEY_PASSPHRASE });
    expect(p.target.overwrites).toBe(false);
    expect(p.checks[0]!.output).toEqual({ kind: 'files-match', root: DIR, files: 1, bytes: 6, expect: { hostname: 6 } });
  });

  it('a VM image path outside a partition, or over the original, is refused before anything runs', async () => {
    host = new FakeRunner('pve1');
    const s = await sourceOf(guest('vm/100', '/'));
    const bare = await refusal(pbsFiles.plan(layer, s, { request: { sourceId: s.source.id }, method: 'files', paths: ['/drive-scsi0.img.fidx'] }, ctx()));
    expect(bare.code).toBe('invalid');
    expect(bare.message).toContain('not a path inside a partition');
    const over = await refusal(pbsFiles.plan(layer, s, { request: { sourceId: s.source.id, target: { kind: 'original' } }, method: 'files', paths: ['/drive-scsi0.img.fidx/part/2/etc/hostname'] }, ctx()));
    expect(over.code).toBe('unsupported');
  });
});
