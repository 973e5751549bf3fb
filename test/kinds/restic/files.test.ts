/**
 * The restic file rule on its own (src/kinds/restic/files.ts): which
 * snapshots hold a path, one directory of a snapshot from one `restic ls`,
 * and the exact `restic restore` a plan runs, answered with restic 0.14's
 * recorded output (test/fixtures/restic) and 0.17's version line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LayerOf } from '../../../src/kinds/planner-context.js';
import type { FileTarget } from '../../../src/kinds/files-types.js';
import type { FileSourcesInput } from '../../../src/kinds/files-rule.js';
import { resticFiles } from '../../../src/kinds/restic/files.js';
import type { LayerObservation, RecoveryPoint } from '../../../src/domain/types.js';
import { FakeRunner } from '../../helpers/fake-runner.js';
import { argvOf, fileContext, internalSources, refusal } from '../../helpers/file-rules.js';
import { reply } from '../../helpers/fixtures.js';
import { inventoryOf, layerObs } from '../../helpers/observations.js';

// The snapshot of ls-0.14-recursive: restic 0.14 on host "vm" backed up /tmp/strata-fx/src.
const SNAP = 'a95b5efcc3ea9e9290c6a00ed233f2b0863a88d758e3ed52843df4092571c3f3';
const SNAP_TIME = Math.floor(Date.parse('2026-12-03T09:48:05Z') / 1000);
const OLDER = 'b6f0e1d2c3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e';
const OLDER_TIME = SNAP_TIME - 86_400;
const ROOT = '/tmp/strata-fx/src';
const ASSET = `files/vm:${ROOT}`;
const NOW = SNAP_TIME + 3600;
const PASSWORD = 'hunter2-restic-secret';
const ACCESS = { env: { RESTIC_REPOSITORY: '/mnt/usb/restic' }, secrets: { RESTIC_PASSWORD: PASSWORD } };

const layer = inventoryOf({
  hosts: [{ name: 'vm' }],
  layers: [{ id: 'restic-usb', kind: 'restic', host: 'vm', repository: '/mnt/usb/restic', secret: { env: 'RESTIC_PW' } }],
}).layers[0] as LayerOf<'restic'>;

const pointOf = (ref: string, timeSec: number, extra: Partial<RecoveryPoint> = {}): RecoveryPoint => ({ layerId: 'restic-usb', assetId: ASSET, timeSec, ref, ...extra });
const twoPoints = layerObs('restic-usb', [pointOf(OLDER, OLDER_TIME), pointOf(SNAP, SNAP_TIME), pointOf('c0ffee00', SNAP_TIME - 3600, { assetId: 'files/vm:/var/lib/other' })]);

let host: FakeRunner;
const ctx = () => fileContext({ vm: host }, { env: { RESTIC_PW: PASSWORD }, nowSec: NOW });
afterEach(() => host?.assertDone());

function input(target: FileTarget, observation: LayerObservation | undefined = twoPoints, wanted: FileSourcesInput['wanted'] = { kind: 'latest' }): FileSourcesInput {
  return { target, wanted, observation, mountpoints: new Map(), mirrors: [] };
}
const at = (path: string): FileTarget => ({ kind: 'path', host: 'vm', path });

async function sourceOf(path: string) {
  const t = at(path);
  const drafts = await resticFiles.sources(layer, input(t), ctx());
  return internalSources(layer, t, drafts, { nowSec: NOW })[0]!;
}


describe('restic sources: which snapshots hold a path', () => {
  it('a path inside the backed-up directory: the newest snapshot of that directory, browsing from the path', async () => {
    host = new FakeRunner('vm');
    const d = await resticFiles.sources(layer, input(at(`${ROOT}/etc/nginx`)), ctx());
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ kind: 'restic', assetId: ASSET, covers: ROOT, start: `${ROOT}/etc/nginx`, methods: ['files'], origin: { kind: 'restic', snapshot: SNAP } });
    expect(d[0]!.point.ref).toBe(SNAP);
  });

  it('a parent of the backed-up directory: the directory itself is where browsing starts', async () => {
    host = new FakeRunner('vm');
    const d = await resticFiles.sources(layer, input(at('/tmp')), ctx());
    expect(d.map((x) => [x.assetId, x.covers, x.start])).toEqual([[ASSET, ROOT, ROOT]]);
  });

  it('a path outside every backed-up directory, or on another host, gives no source', async () => {
    host = new FakeRunner('vm');
    expect(await resticFiles.sources(layer, input(at('/var/log')), ctx())).toEqual([]);
    expect(await resticFiles.sources(layer, input(at('/tmp/strata-fx/srcfoo')), ctx())).toEqual([]);
    expect(await resticFiles.sources(layer, input({ kind: 'path', host: 'pve1', path: ROOT }), ctx())).toEqual([]);
    expect(await resticFiles.sources(layer, input({ kind: 'dataset', dataset: 'tank/data' }), ctx())).toEqual([]);
  });

  it('a wanted time picks the newest snapshot at or before it; before the oldest there is none', async () => {
    host = new FakeRunner('vm');
    const when = async (timeSec: number) => (await resticFiles.sources(layer, input(at(ROOT), twoPoints, { kind: 'at', timeSec }), ctx())).map((d) => d.point.ref);
    expect(await when(SNAP_TIME - 60)).toEqual([OLDER]);
    expect(await when(SNAP_TIME)).toEqual([SNAP]);
    expect(await when(OLDER_TIME)).toEqual([OLDER]);
    expect(await when(OLDER_TIME - 1)).toEqual([]);
  });

  it('a snapshot still being written is passed over for the newest whole one', async () => {
    host = new FakeRunner('vm');
    const obs = layerObs('restic-usb', [pointOf(OLDER, OLDER_TIME), pointOf(SNAP, SNAP_TIME, { partial: true })]);
    expect((await resticFiles.sources(layer, input(at(ROOT), obs), ctx())).map((d) => d.point.ref)).toEqual([OLDER]);
  });

  it('an unread or unreadable repository gives no source rather than one made up (the engine says why from the reading)', async () => {
    host = new FakeRunner('vm');
    expect(await resticFiles.sources(layer, { ...input(at(ROOT)), observation: undefined }, ctx())).toEqual([]);
    const unreadable = layerObs('restic-usb', [], { errors: [{ kind: 'auth', message: 'restic snapshots: Fatal: wrong password or no key found' }] as LayerObservation['errors'] });
    expect(await resticFiles.sources(layer, input(at(ROOT), unreadable), ctx())).toEqual([]);
  });
});

describe('restic browse: one directory of a snapshot', () => {
  it('lists names, kinds, sizes and times from one restic ls of the whole snapshot, read once for every directory', async () => {
    host = new FakeRunner('vm').expect({ argv: ['restic', 'ls', '--json', '--', SNAP], ...ACCESS, reply: reply('restic', 'ls-0.14-recursive') });
    const c = ctx();
    const s = await (async () => {
      const t = at(ROOT);
      return internalSources(layer, t, await resticFiles.sources(layer, input(t), c), { nowSec: NOW })[0]!;
    })();
    const nginx = await resticFiles.browse(layer, s, `${ROOT}/etc/nginx`, c, { limit: 100 });
    expect(nginx.truncated).toBe(false);
    expect(nginx.entries.map((e) => [e.name, e.kind, e.sizeBytes])).toEqual([
      ['current', 'symlink', undefined],
      ['nginx.conf', 'file', 22],
      ['sites', 'dir', undefined],
    ]);
    expect(nginx.entries[1]).toMatchObject({ path: `${ROOT}/etc/nginx/nginx.conf`, mtimeMs: Date.parse('2026-12-03T09:48:05.278Z') });
    const data = await resticFiles.browse(layer, s, `${ROOT}/srv/app/data`, c, { limit: 100 });
    expect(data.entries.map((e) => [e.name, e.sizeBytes])).toEqual([
      ['db.sqlite', 65536],
      ['name with spaces.txt', 1],
      ['tab\there', 3],
    ]);
    expect(c.treeReads()).toBe(1);
  });

  it('a directory the snapshot does not hold is an error naming it, not an empty directory', async () => {
    host = new FakeRunner('vm').expect({ argv: ['restic', 'ls', '--json', '--', SNAP], ...ACCESS, reply: reply('restic', 'ls-0.14-recursive') });
    const c = ctx();
    const s = internalSources(layer, at(ROOT), await resticFiles.sources(layer, input(at(ROOT)), c), { nowSec: NOW })[0]!;
    const e = await refusal(resticFiles.browse(layer, s, `${ROOT}/etc/missing`, c, { limit: 100 }));
    expect(e.code).toBe('no-source');
    expect(e.message).toContain(`${ROOT}/etc/missing is not in restic-usb@${SNAP}`);
  });

  it("a listing restic refuses is an error with restic's own words (wrong password: unreadable), and is read again next time", async () => {
    host = new FakeRunner('vm').expect({ argv: ['restic', 'ls', '--json', '--', SNAP], ...ACCESS, reply: reply('restic', 'snapshots-0.14-wrong-password'), times: 2 });
    const c = ctx();
    const s = internalSources(layer, at(ROOT), await resticFiles.sources(layer, input(at(ROOT)), c), { nowSec: NOW })[0]!;
    const e = await refusal(resticFiles.browse(layer, s, ROOT, c, { limit: 100 }));
    expect(e.code).toBe('unreadable');
    expect(e.message).toContain('wrong password or no key found');
    await refusal(resticFiles.browse(layer, s, ROOT, c, { limit: 100 }));
  });

  it('a snapshot restic no longer has (0.14 prints "Ignoring" and exits 0) is no source, not an empty snapshot', async () => {
    host = new FakeRunner('vm').expect({ argv: ['restic', 'ls', '--json', '--', SNAP], ...ACCESS, reply: reply('restic', 'ls-0.14-unknown-snapshot') });
    const c = ctx();
    const s = internalSources(layer, at(ROOT), await resticFiles.sources(layer, input(at(ROOT)), c), { nowSec: NOW })[0]!;
    const e = await refusal(resticFiles.browse(layer, s, ROOT, c, { limit: 100 }));
    expect(e.code).toBe('no-source');
    expect(e.message).toContain('no matching ID found');
  });
});

describe('restic plan: the exact restore and its check', () => {
  const DEFAULT_DIR = `/var/tmp/strata-restore/${new Date(NOW * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;

  function withVersion(version: '0.14' | '0.17') {
    return new FakeRunner('vm').on(['restic', 'version'], reply('restic', `version-${version}`)).expect({ argv: ['restic', 'ls', '--json', '--', SNAP], ...ACCESS, reply: reply('restic', 'ls-0.14-recursive') });
  }

  it('by default into a new directory: mkdir, restic restore --include --verify with the password as a secret, nothing overwritten, files and sizes read back', async () => {
    host = withVersion('0.14');
    const s = await sourceOf(ROOT);
    const p = await resticFiles.plan(layer, s, { request: { sourceId: s.source.id }, method: 'files', paths: [`${ROOT}/etc/nginx`] }, ctx());
    expect(p.target).toEqual({ host: 'vm', path: DEFAULT_DIR, overwrites: false });
    expect(p.steps.map((x) => x.command.argv)).toEqual([
      ['mkdir', '-p', '--', DEFAULT_DIR],
      ['restic', 'restore', SNAP, '--target', DEFAULT_DIR, '--include', `${ROOT}/etc/nginx`, '--verify'],
    ]);
    const restore = p.steps[1]!.command;
    expect(restore.env).toEqual({ RESTIC_REPOSITORY: '/mnt/usb/restic' });
    expect(restore.secrets).toEqual({ RESTIC_PASSWORD: PASSWORD });
    expect(argvOf(p).join(' ')).not.toContain(PASSWORD);
    expect(p.destroys).toEqual([]);
    expect(p.confirmWord).toBeNull();
    // restic 0.14 prints no progress: the bytes under the target are polled.
    expect(p.progress).toBe('bytes');
    expect(p.pollDir).toBe(DEFAULT_DIR);
    expect(p.checks).toHaveLength(1);
    expect(p.checks[0]!.command.argv.slice(0, 5)).toEqual(['sh', '-c', expect.stringContaining('find'), 'sh', DEFAULT_DIR]);
    expect(p.checks[0]!.output).toEqual({
      kind: 'files-match',
      root: DEFAULT_DIR,
      files: 2,
      bytes: 27,
      expect: { 'tmp/strata-fx/src/etc/nginx/nginx.conf': 22, 'tmp/strata-fx/src/etc/nginx/sites/default': 5 },
    });
  });

  it('restic 0.17 shows percent: --json with one status line a second; an alternate directory asked for is used', async () => {
    host = withVersion('0.17');
    const s = await sourceOf(ROOT);
    const p = await resticFiles.plan(layer, s, { request: { sourceId: s.source.id, target: { kind: 'alternate', dir: '/srv/restore' }, verify: false }, method: 'files', paths: [`${ROOT}/srv/app/data/db.sqlite`] }, ctx());
    expect(p.steps[1]!.command.argv).toEqual(['restic', 'restore', SNAP, '--target', '/srv/restore', '--include', `${ROOT}/srv/app/data/db.sqlite`, '--json']);
    expect(p.steps[1]!.command.env).toEqual({ RESTIC_REPOSITORY: '/mnt/usb/restic', RESTIC_PROGRESS_FPS: '1' });
    expect(p.progress).toBe('percent');
    expect(p.pollDir).toBeUndefined();
    expect(p.checks[0]!.output).toMatchObject({ files: 1, bytes: 65536 });
  });

  it('over the original with restic 0.17: refused without an overwrite policy; with one, --overwrite, target /, what is replaced and the host to type', async () => {
    host = withVersion('0.17').on(['restic', 'version'], reply('restic', 'version-0.17'));
    const s = await sourceOf(ROOT);
    const c = ctx();
    const ask = (overwrite?: 'if-newer') => ({ request: { sourceId: s.source.id, target: { kind: 'original' as const, ...(overwrite ? { overwrite } : {}) } }, method: 'files' as const, paths: [`${ROOT}/etc/nginx/nginx.conf`] });
    const e = await refusal(resticFiles.plan(layer, s, ask(), c));
    expect(e.code).toBe('invalid');
    expect(e.message).toContain('overwrite policy');
    const p = await resticFiles.plan(layer, s, ask('if-newer'), c);
    expect(p.target).toEqual({ host: 'vm', path: '/', overwrites: true });
    expect(p.steps.map((x) => x.command.argv)).toEqual([['restic', 'restore', SNAP, '--target', '/', '--include', `${ROOT}/etc/nginx/nginx.conf`, '--verify', '--overwrite', 'if-newer', '--json']]);
    expect(p.destroys).toEqual([`restic --overwrite if-newer replaces every older file at ${ROOT}/etc/nginx/nginx.conf with the snapshot's`]);
    expect(p.confirmWord).toBe('vm');
    // The file is checked in its own directory, which holds other files: only it is compared.
    expect(p.checks[0]!.output).toMatchObject({ kind: 'files-match', root: `${ROOT}/etc/nginx`, expect: { 'nginx.conf': 22 } });
    expect(p.checks[0]!.output).not.toHaveProperty('files');
  });

  it('over the original with restic 0.14, which always overwrites: the plan says so and asks for the host to be typed', async () => {
    host = withVersion('0.14');
    const s = await sourceOf(ROOT);
    const p = await resticFiles.plan(layer, s, { request: { sourceId: s.source.id, target: { kind: 'original' } }, method: 'files', paths: [`${ROOT}/etc`] }, ctx());
    expect(p.steps.map((x) => x.command.argv[0])).toEqual(['restic']);
    expect(p.steps[0]!.command.argv).not.toContain('--overwrite');
    expect(p.destroys[0]).toContain('restic before 0.17 always overwrites');
    expect(p.confirmWord).toBe('vm');
  });

  it('a path the snapshot lacks, or outside what it holds, is refused before anything runs', async () => {
    host = withVersion('0.14');
    const s = await sourceOf(ROOT);
    const c = ctx();
    const missing = await refusal(resticFiles.plan(layer, s, { request: { sourceId: s.source.id }, method: 'files', paths: [`${ROOT}/etc/shadow`] }, c));
    expect(missing.code).toBe('invalid');
    expect(missing.message).toContain(`${ROOT}/etc/shadow is not in snapshot a95b5efc`);
    host.on(['restic', 'version'], reply('restic', 'version-0.14'));
    const outside = await refusal(resticFiles.plan(layer, s, { request: { sourceId: s.source.id }, method: 'files', paths: ['/etc/passwd'] }, c));
    expect(outside.message).toContain("/etc/passwd is not in restic-usb's copy");
  });
});
