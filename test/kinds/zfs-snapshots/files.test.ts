/**
 * The zfs-snapshots file rule on its own (src/kinds/zfs-snapshots/files.ts,
 * shared/files/zfs.ts): which snapshot of a dataset holds a path (by the
 * dataset's mountpoint) or the dataset, one directory of its
 * `.zfs/snapshot` view with find, and the exact copy, clone or rollback a
 * plan runs, answered with the outputs recorded from GNU find and zfs-fuse
 * (test/fixtures/files, test/fixtures/zfs).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DIRECTORY_SCRIPT, FIND_FORMAT, TREE_SCRIPT } from '../../../src/adapters/files/commands.js';
import type { LayerObservation, RecoveryPoint } from '../../../src/domain/types.js';
import { mountKey, type FileSourcesInput, type InternalSource } from '../../../src/kinds/files-rule.js';
import type { FileTarget } from '../../../src/kinds/files-types.js';
import type { LayerOf } from '../../../src/kinds/planner-context.js';
import { zfsSnapshotFiles } from '../../../src/kinds/zfs-snapshots/files.js';
import { FakeRunner, type FakeReply } from '../../helpers/fake-runner.js';
import { fileContext, internalSources, refusal } from '../../helpers/file-rules.js';
import { reply } from '../../helpers/fixtures.js';
import { inventoryOf, layerObs } from '../../helpers/observations.js';

const T1 = 1_795_304_205;
const NOW = T1 + 7200;
const STAMP = new Date(NOW * 1000).toISOString().replace(/[-:]/g, '').slice(0, 15);
const DIR = '/srv/restore';

const layer = inventoryOf({
  hosts: [{ name: 'nas1' }],
  layers: [{ id: 'nas-snaps', kind: 'zfs-snapshots', host: 'nas1', datasets: ['tank/data', 'tank/media'] }],
}).layers[0] as LayerOf<'zfs-snapshots'>;

// Snapshots s1..s3 of tank/data as snapshot-order-zfs-fuse lists them; tank/media's mountpoint could not be read.
const snap = (name: string, timeSec: number, extra: Partial<RecoveryPoint> = {}): RecoveryPoint => ({ layerId: 'nas-snaps', assetId: 'dataset/tank/data', timeSec, ref: `tank/data@${name}`, ...extra });
const obs = layerObs('nas-snaps', [snap('s1', T1), snap('s2', T1 + 60), snap('s3', T1 + 120), { layerId: 'nas-snaps', assetId: 'dataset/tank/media', timeSec: T1, ref: 'tank/media@s1' }]);
const MOUNTS = new Map([[mountKey('nas1', 'tank/data'), '/tank/data']]);

let host: FakeRunner;
const ctx = () => fileContext({ nas1: host }, { nowSec: NOW });
afterEach(() => host?.assertDone());

const input = (target: FileTarget, o: { wanted?: FileSourcesInput['wanted']; observation?: LayerObservation } = {}): FileSourcesInput => ({ target, wanted: o.wanted ?? { kind: 'latest' }, observation: o.observation ?? obs, mountpoints: MOUNTS, mirrors: [] });
const at = (path: string, h = 'nas1'): FileTarget => ({ kind: 'path', host: h, path });
const DATASET: FileTarget = { kind: 'dataset', dataset: 'tank/data' };

async function sourceOf(target: FileTarget, wanted: FileSourcesInput['wanted'] = { kind: 'latest' }): Promise<InternalSource> {
  const drafts = await zfsSnapshotFiles.sources(layer, input(target, { wanted }), ctx());
  return internalSources(layer, target, drafts, { wanted, nowSec: NOW })[0]!;
}


const listDir = (dir: string, limit: number) => ['sh', '-c', DIRECTORY_SCRIPT, 'sh', dir, String(limit + 2), FIND_FORMAT];
const listTree = (dir: string) => ['sh', '-c', TREE_SCRIPT, 'sh', dir, '1000002', FIND_FORMAT];
const ORDER = ['zfs', 'list', '-H', '-t', 'snapshot', '-o', 'name,createtxg', '-s', 'createtxg', '-d', '1', 'tank/data'];
const denied: FakeReply = { stderr: "find: '/tank/data/.zfs/snapshot/s3/private': Permission denied\n" };

describe('zfs-snapshots sources: which snapshot holds a path or the dataset', () => {
  it("a path under the dataset's mountpoint: its newest snapshot, browsed from the path, copied out", async () => {
    host = new FakeRunner('nas1');
    const d = await zfsSnapshotFiles.sources(layer, input(at('/tank/data/docs')), ctx());
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ kind: 'zfs-snapshot', assetId: 'dataset/tank/data', covers: '/tank/data', start: '/tank/data/docs', methods: ['files'], origin: { kind: 'zfs-snapshot', dataset: 'tank/data', snapshot: 's3', mountpoint: '/tank/data' } });
    expect(d[0]!.sourcePath('/tank/data/docs/a.txt')).toBe('/docs/a.txt');
  });

  it('the dataset itself: clone first (nothing destroyed), then rollback and files', async () => {
    host = new FakeRunner('nas1');
    const d = await zfsSnapshotFiles.sources(layer, input(DATASET), ctx());
    expect(d.map((x) => [x.covers, x.start, x.methods])).toEqual([['/tank/data', '/tank/data', ['clone', 'rollback', 'files']]]);
    expect(zfsSnapshotFiles.datasets!(layer)).toEqual([
      ['nas1', 'tank/data'],
      ['nas1', 'tank/media'],
    ]);
  });

  it('a path outside every mountpoint, on another host, or on a dataset whose mountpoint is unknown gives no source', async () => {
    host = new FakeRunner('nas1');
    expect(await zfsSnapshotFiles.sources(layer, input(at('/srv')), ctx())).toEqual([]);
    expect(await zfsSnapshotFiles.sources(layer, input(at('/tank/database')), ctx())).toEqual([]);
    expect(await zfsSnapshotFiles.sources(layer, input(at('/tank/data', 'pve1')), ctx())).toEqual([]);
    expect(await zfsSnapshotFiles.sources(layer, input({ kind: 'dataset', dataset: 'tank/media' }), ctx())).toEqual([]);
    expect(await zfsSnapshotFiles.sources(layer, input({ kind: 'dataset', dataset: 'tank/other' }), ctx())).toEqual([]);
  });

  it('a wanted time picks the newest snapshot at or before it; a snapshot marked partial is passed over; none before the first', async () => {
    host = new FakeRunner('nas1');
    const when = async (timeSec: number, observation = obs) => (await zfsSnapshotFiles.sources(layer, input(DATASET, { wanted: { kind: 'at', timeSec }, observation }), ctx())).map((d) => d.origin);
    expect(await when(T1 + 119)).toEqual([{ kind: 'zfs-snapshot', dataset: 'tank/data', snapshot: 's2', mountpoint: '/tank/data' }]);
    expect(await when(T1 - 1)).toEqual([]);
    const partial = layerObs('nas-snaps', [snap('s1', T1), snap('s2', T1 + 60, { partial: true })]);
    expect((await when(T1 + 119, partial)).map((o) => (o.kind === 'zfs-snapshot' ? o.snapshot : ''))).toEqual(['s1']);
    expect(await zfsSnapshotFiles.sources(layer, { ...input(DATASET), observation: undefined }, ctx())).toEqual([]);
  });
});

describe("zfs-snapshots browse: one directory of the snapshot's .zfs view", () => {
  it('lists names, kinds, sizes and times with find in the snapshot directory, in host paths', async () => {
    host = new FakeRunner('nas1').on(listDir('/tank/data/.zfs/snapshot/s3/docs', 100), reply('files', 'find-gnu-directory'));
    const s = await sourceOf(at('/tank/data'));
    const l = await zfsSnapshotFiles.browse(layer, s, '/tank/data/docs', ctx(), { limit: 100 });
    expect(l.truncated).toBe(false);
    expect(l.entries.map((e) => [e.path, e.kind, e.sizeBytes])).toEqual([
      ['/tank/data/docs/db.sqlite', 'file', 65536],
      ['/tank/data/docs/name with spaces.txt', 'file', 1],
      ['/tank/data/docs/tab\there', 'file', 3],
    ]);
    expect(Math.floor(l.entries[0]!.mtimeMs!)).toBe(1796291285286);
  });

  it('a directory past the limit says it is cut short', async () => {
    host = new FakeRunner('nas1').on(listDir('/tank/data/.zfs/snapshot/s3', 1), reply('files', 'find-gnu-directory-truncated'));
    const s = await sourceOf(at('/tank/data'));
    const l = await zfsSnapshotFiles.browse(layer, s, '/tank/data', ctx(), { limit: 1 });
    expect(l).toMatchObject({ truncated: true, entries: [{ name: 'name with spaces.txt' }] });
  });

  it("a directory the snapshot lacks, or one find may not read, is an error with find's words, not an empty directory", async () => {
    host = new FakeRunner('nas1').on(listDir('/tank/data/.zfs/snapshot/s3/nope', 100), reply('files', 'find-gnu-missing')).on(listDir('/tank/data/.zfs/snapshot/s3/private', 100), denied);
    const s = await sourceOf(at('/tank/data'));
    const missing = await refusal(zfsSnapshotFiles.browse(layer, s, '/tank/data/nope', ctx(), { limit: 100 }));
    expect(missing.code).toBe('no-source');
    expect(missing.message).toContain('No such file or directory');
    const priv = await refusal(zfsSnapshotFiles.browse(layer, s, '/tank/data/private', ctx(), { limit: 100 }));
    expect(priv.code).toBe('unreadable');
    expect(priv.message).toContain('Permission denied');
  });
});

describe('zfs-snapshots plan: copy out, clone or rollback', () => {
  it("files by default into a new directory: cp -a --parents out of the snapshot's view, checked against its listing", async () => {
    host = new FakeRunner('nas1').on(listTree('/tank/data/.zfs/snapshot/s3/docs'), reply('files', 'find-gnu-directory'));
    const s = await sourceOf(at('/tank/data'));
    const p = await zfsSnapshotFiles.plan(layer, s, { request: { sourceId: s.source.id, target: { kind: 'alternate', dir: DIR } }, method: 'files', paths: ['/tank/data/docs'] }, ctx());
    expect(p.target).toEqual({ host: 'nas1', path: DIR, overwrites: false });
    expect(p.steps.map((x) => [x.command.argv, x.command.cwd])).toEqual([
      [['mkdir', '-p', '--', DIR], undefined],
      [['cp', '-a', '--parents', '--', 'docs', DIR], '/tank/data/.zfs/snapshot/s3'],
    ]);
    expect(p.destroys).toEqual([]);
    expect(p.confirmWord).toBeNull();
    expect(p.checks.map((c) => [c.command.argv, c.output])).toEqual([
      [listTree(DIR), { kind: 'files-match', root: DIR, files: 3, bytes: 65540, expect: { 'docs/name with spaces.txt': 1, 'docs/db.sqlite': 65536, 'docs/tab\there': 3 } }],
    ]);
  });

  it('files over the original: no mkdir, copied onto the mountpoint, what is overwritten and the host to type', async () => {
    host = new FakeRunner('nas1').on(listTree('/tank/data/.zfs/snapshot/s3/docs'), reply('files', 'find-gnu-directory'));
    const s = await sourceOf(at('/tank/data'));
    const p = await zfsSnapshotFiles.plan(layer, s, { request: { sourceId: s.source.id, target: { kind: 'original' } }, method: 'files', paths: ['/tank/data/docs'] }, ctx());
    expect(p.target).toEqual({ host: 'nas1', path: '/tank/data', overwrites: true });
    expect(p.steps.map((x) => x.command.argv)).toEqual([['cp', '-a', '--parents', '--', 'docs', '/tank/data']]);
    expect(p.destroys).toEqual(["cp -a overwrites every file at /tank/data/docs with the snapshot's copy (files the snapshot lacks stay)"]);
    expect(p.confirmWord).toBe('nas1');
    expect(p.checks.map((c) => c.output)).toEqual([{ kind: 'files-match', root: '/tank/data/docs', files: 3, bytes: 65540, expect: { 'name with spaces.txt': 1, 'db.sqlite': 65536, 'tab\there': 3 } }]);
  });

  it('files of the whole dataset are refused for a clone; a path outside the dataset is refused', async () => {
    host = new FakeRunner('nas1');
    const s = await sourceOf(at('/tank/data'));
    const whole = await refusal(zfsSnapshotFiles.plan(layer, s, { request: { sourceId: s.source.id }, method: 'files', paths: ['/tank/data'] }, ctx()));
    expect(whole.message).toContain('restore it as a clone');
    const outside = await refusal(zfsSnapshotFiles.plan(layer, s, { request: { sourceId: s.source.id }, method: 'files', paths: ['/etc'] }, ctx()));
    expect(outside.code).toBe('invalid');
  });

  it('clone: zfs clone -p of the snapshot as <dataset>-restore-<time> under the parent mountpoint, nothing destroyed, checked against the whole snapshot', async () => {
    host = new FakeRunner('nas1').on(listTree('/tank/data/.zfs/snapshot/s2'), reply('files', 'find-gnu-directory')).on(['zfs', 'get', '-H', '-o', 'value', 'mountpoint', 'tank'], '/tank\n');
    const s = await sourceOf(DATASET, { kind: 'at', timeSec: T1 + 60 });
    const p = await zfsSnapshotFiles.plan(layer, s, { request: { sourceId: s.source.id }, method: 'clone', paths: [] }, ctx());
    const name = `tank/data-restore-${STAMP}`;
    expect(p.target).toEqual({ host: 'nas1', path: name, overwrites: false });
    expect(p.steps.map((x) => x.command.argv)).toEqual([['zfs', 'clone', '-p', 'tank/data@s2', name]]);
    expect(p.destroys).toEqual([]);
    expect(p.confirmWord).toBeNull();
    expect(p.checks.map((c) => c.output)).toEqual([{ kind: 'files-match', root: `/tank/data-restore-${STAMP}`, files: 3, bytes: 65540, expect: { 'name with spaces.txt': 1, 'db.sqlite': 65536, 'tab\there': 3 } }]);
  });

  it("clone on zfs-fuse (no .zfs directory): the check counts what came back and says why it cannot compare; a chosen name is used", async () => {
    host = new FakeRunner('nas1').on(listTree('/tank/data/.zfs/snapshot/s3'), reply('files', 'find-gnu-missing')).on(['zfs', 'get', '-H', '-o', 'value', 'mountpoint', 'restore'], '/mnt/restore\n');
    const s = await sourceOf(DATASET);
    const p = await zfsSnapshotFiles.plan(layer, s, { request: { sourceId: s.source.id, cloneName: 'restore/data-old' }, method: 'clone', paths: [] }, ctx());
    expect(p.steps[0]!.command.argv).toEqual(['zfs', 'clone', '-p', 'tank/data@s3', 'restore/data-old']);
    expect(p.checks[0]!.output).toMatchObject({ kind: 'files-match', root: '/mnt/restore/data-old', unknownWhy: expect.stringContaining('the snapshot directory /tank/data/.zfs/snapshot/s3 could not be read') });
    expect(p.checks[0]!.output).not.toHaveProperty('files');
  });

  it('rollback to an older snapshot: zfs rollback -r, naming every newer snapshot it destroys, the dataset to type', async () => {
    host = new FakeRunner('nas1').on(listTree('/tank/data/.zfs/snapshot/s1'), reply('files', 'find-gnu-directory')).on(ORDER, reply('zfs', 'snapshot-order-zfs-fuse'));
    const s = await sourceOf(DATASET, { kind: 'at', timeSec: T1 });
    const p = await zfsSnapshotFiles.plan(layer, s, { request: { sourceId: s.source.id }, method: 'rollback', paths: [] }, ctx());
    expect(p.target).toEqual({ host: 'nas1', path: 'tank/data', overwrites: true });
    expect(p.steps.map((x) => x.command.argv)).toEqual([['zfs', 'rollback', '-r', 'tank/data@s1']]);
    expect(p.destroys).toEqual(['every change to tank/data since s1', 'zfs rollback -r destroys 2 newer snapshots: s2, s3']);
    expect(p.confirmWord).toBe('tank/data');
    expect(p.checks[0]!.output).toMatchObject({ root: '/tank/data', files: 3, bytes: 65540 });
  });

  it('rollback to the newest snapshot destroys no snapshot (no -r) but still every change since, and asks for the dataset', async () => {
    host = new FakeRunner('nas1').on(listTree('/tank/data/.zfs/snapshot/s3'), reply('files', 'find-gnu-directory')).on(ORDER, reply('zfs', 'snapshot-order-zfs-fuse'));
    const s = await sourceOf(DATASET);
    const p = await zfsSnapshotFiles.plan(layer, s, { request: { sourceId: s.source.id }, method: 'rollback', paths: [] }, ctx());
    expect(p.steps.map((x) => x.command.argv)).toEqual([['zfs', 'rollback', 'tank/data@s3']]);
    expect(p.destroys).toEqual(['every change to tank/data since s3']);
    expect(p.confirmWord).toBe('tank/data');
  });

  it('rollback to a snapshot that is no longer there is no source', async () => {
    host = new FakeRunner('nas1').on(listTree('/tank/data/.zfs/snapshot/s3'), reply('files', 'find-gnu-directory')).on(ORDER, 'tank/data@s1\t12\ntank/data@s2\t17\n');
    const s = await sourceOf(DATASET);
    const e = await refusal(zfsSnapshotFiles.plan(layer, s, { request: { sourceId: s.source.id }, method: 'rollback', paths: [] }, ctx()));
    expect(e.code).toBe('no-source');
    expect(e.message).toBe('tank/data@s3 is no longer there');
  });
});
