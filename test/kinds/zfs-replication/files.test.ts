/**
 * The zfs-replication file rule on its own (src/kinds/zfs-replication/
 * files.ts, shared/files/zfs.ts): the replica's snapshots (its own listing
 * read too) hold the source's files under the replica's mountpoint, asked by
 * the source's path, the replica's path or either dataset; a dataset comes
 * back with `zfs send -I | zfs recv -F`, whose discarded snapshots the plan
 * names. Answered in the formats of `zfs list` and GNU find (test/fixtures).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FIND_FORMAT, TREE_SCRIPT, DIRECTORY_SCRIPT } from '../../../src/adapters/files/commands.js';
import { RECV_SCRIPT } from '../../../src/adapters/zfs/restore.js';
import type { LayerObservation, RecoveryPoint } from '../../../src/domain/types.js';
import { mountKey, type FileSourcesInput, type InternalSource } from '../../../src/kinds/files-rule.js';
import type { FileTarget } from '../../../src/kinds/files-types.js';
import type { LayerOf } from '../../../src/kinds/planner-context.js';
import { zfsReplicaFiles } from '../../../src/kinds/zfs-replication/files.js';
import { FakeRunner } from '../../helpers/fake-runner.js';
import { fileContext, internalSources, refusal } from '../../helpers/file-rules.js';
import { reply } from '../../helpers/fixtures.js';
import { inventoryOf, layerObs } from '../../helpers/observations.js';

const T1 = 1_706_580_001;
const NOW = T1 + 10 * 86_400;
const DIR = '/srv/restore';

const inv = inventoryOf({
  hosts: [{ name: 'nas1' }, { name: 'pve1' }],
  layers: [
    { id: 'nas-repl', kind: 'zfs-replication', host: 'nas1', source: { dataset: 'tank/data' }, target: { dataset: 'backup/data' } },
    { id: 'pve-repl', kind: 'zfs-replication', host: 'nas1', source: { host: 'pve1', dataset: 'rpool/data' }, target: { dataset: 'backup/pve1-data' } },
  ],
});
const layer = inv.layers[0] as LayerOf<'zfs-replication'>;
const remote = inv.layers[1] as LayerOf<'zfs-replication'>;

const MOUNTS = new Map([
  [mountKey('nas1', 'tank/data'), '/tank/data'],
  [mountKey('nas1', 'backup/data'), '/backup/data'],
  [mountKey('pve1', 'rpool/data'), '/rpool/data'],
  [mountKey('nas1', 'backup/pve1-data'), '/backup/pve1-data'],
]);

// The reader counts s1..s3 (the source has them too); the replica also holds s4, taken after the source lost its snapshots.
const point = (name: string, timeSec: number, extra: Partial<RecoveryPoint> = {}): RecoveryPoint => ({ layerId: 'nas-repl', assetId: 'dataset/tank/data', timeSec, ref: `backup/data@${name}`, ...extra });
const obs = layerObs('nas-repl', [point('s1', T1), point('s2', T1 + 86_400), point('s3', T1 + 2 * 86_400)]);
/** `zfs list -H -p -t snapshot -o name,creation,used -r` of the replica, as zfs-list-snapshots-normal prints it. */
const REPLICA_LIST = ['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-o', 'name,creation,used', '-r', 'backup/data'];
// A child dataset's newer snapshot is not the replica's.
const replicaSnapshots = [1, 2, 3, 4].map((n) => `backup/data@s${n}\t${T1 + (n - 1) * 86_400}\t${n * 4096}`).join('\n') + `\nbackup/data/child@s9\t${T1 + 9 * 86_400}\t0\n`;
const ORDER = (ds: string) => ['zfs', 'list', '-H', '-t', 'snapshot', '-o', 'name,createtxg', '-s', 'createtxg', '-d', '1', ds];
const order = (ds: string, names: string[]) => names.map((n, i) => `${ds}@${n}\t${10 + i}`).join('\n') + '\n';
const listTree = (dir: string) => ['sh', '-c', TREE_SCRIPT, 'sh', dir, '1000002', FIND_FORMAT];

let host: FakeRunner;
const ctx = () => fileContext({ nas1: host }, { nowSec: NOW });
afterEach(() => host?.assertDone());

const input = (target: FileTarget, o: { wanted?: FileSourcesInput['wanted']; observation?: LayerObservation; mounts?: Map<string, string> } = {}): FileSourcesInput => ({
  target,
  wanted: o.wanted ?? { kind: 'latest' },
  observation: o.observation ?? obs,
  mountpoints: o.mounts ?? MOUNTS,
  mirrors: [],
});
const at = (path: string, h = 'nas1'): FileTarget => ({ kind: 'path', host: h, path });
const SOURCE_DS: FileTarget = { kind: 'dataset', dataset: 'tank/data' };


async function sourceOf(target: FileTarget, wanted: FileSourcesInput['wanted'] = { kind: 'latest' }): Promise<InternalSource> {
  const drafts = await zfsReplicaFiles.sources(layer, input(target, { wanted }), ctx());
  return internalSources(layer, target, drafts, { wanted, nowSec: NOW })[0]!;
}

describe("zfs-replication sources: the replica's snapshots of the source's files", () => {
  it("asked by the source's path: the replica's newest snapshot, its own listing included, in the source's paths", async () => {
    host = new FakeRunner('nas1').on(REPLICA_LIST, replicaSnapshots);
    const d = await zfsReplicaFiles.sources(layer, input(at('/tank/data/docs')), ctx());
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ kind: 'zfs-replica', assetId: 'dataset/tank/data', covers: '/tank/data', start: '/tank/data/docs', methods: ['files'] });
    expect(d[0]!.origin).toEqual({ kind: 'zfs-replica', dataset: 'backup/data', snapshot: 's4', mountpoint: '/backup/data', original: { dataset: 'tank/data', mountpoint: '/tank/data', host: 'nas1' } });
    expect(d[0]!.point).toMatchObject({ ref: 'backup/data@s4', timeSec: T1 + 3 * 86_400, sizeBytes: 16384 });
    expect(d[0]!.sourcePath('/tank/data/docs/a.txt')).toBe('/docs/a.txt');
  });

  it("asked by the replica's own path, the same files in its terms", async () => {
    host = new FakeRunner('nas1').on(REPLICA_LIST, replicaSnapshots);
    const d = await zfsReplicaFiles.sources(layer, input(at('/backup/data/docs')), ctx());
    expect(d.map((x) => [x.covers, x.start, x.sourcePath('/backup/data/docs')])).toEqual([['/backup/data', '/backup/data/docs', '/docs']]);
  });

  it('the source dataset on the same host can be received back; the replica dataset only gives files', async () => {
    host = new FakeRunner('nas1').on(REPLICA_LIST, replicaSnapshots, { times: 2 });
    const src = await zfsReplicaFiles.sources(layer, input(SOURCE_DS), ctx());
    expect(src.map((x) => [x.covers, x.start, x.methods])).toEqual([['/tank/data', '/tank/data', ['receive', 'files']]]);
    const dst = await zfsReplicaFiles.sources(layer, input({ kind: 'dataset', dataset: 'backup/data' }), ctx());
    expect(dst.map((x) => [x.covers, x.methods])).toEqual([['/backup/data', ['files']]]);
  });

  it('a source on another host is not received back from here (files only)', async () => {
    const pve = new FakeRunner('nas1').on(['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-o', 'name,creation,used', '-r', 'backup/pve1-data'], 'backup/pve1-data@s1\t1706580001\t0\n');
    host = pve;
    const observation = layerObs('pve-repl', [{ layerId: 'pve-repl', assetId: 'dataset/rpool/data', timeSec: T1, ref: 'backup/pve1-data@s1' }]);
    const d = await zfsReplicaFiles.sources(remote, input({ kind: 'dataset', dataset: 'rpool/data' }, { observation }), ctx());
    expect(d.map((x) => [x.covers, x.methods])).toEqual([['/rpool/data', ['files']]]);
  });

  it("a path outside both mountpoints, a guest, or a replica whose mountpoint is unknown gives no source, and reads nothing", async () => {
    host = new FakeRunner('nas1');
    expect(await zfsReplicaFiles.sources(layer, input(at('/srv')), ctx())).toEqual([]);
    expect(await zfsReplicaFiles.sources(layer, input(at('/tank/data', 'pve1')), ctx())).toEqual([]);
    expect(await zfsReplicaFiles.sources(layer, input({ kind: 'guest', assetId: 'vm/100', path: '/etc' }), ctx())).toEqual([]);
    expect(await zfsReplicaFiles.sources(layer, input({ kind: 'dataset', dataset: 'tank/media' }), ctx())).toEqual([]);
    const noReplicaMount = new Map([[mountKey('nas1', 'tank/data'), '/tank/data']]);
    expect(await zfsReplicaFiles.sources(layer, input(at('/tank/data'), { mounts: noReplicaMount }), ctx())).toEqual([]);
  });

  it("a wanted time picks the replica's snapshot at or before it; without the replica's own listing, the reading's points", async () => {
    host = new FakeRunner('nas1').on(REPLICA_LIST, replicaSnapshots).on(REPLICA_LIST, { exitCode: 1, stderr: "cannot open 'backup/data': dataset does not exist\n" });
    const older = await zfsReplicaFiles.sources(layer, input(SOURCE_DS, { wanted: { kind: 'at', timeSec: T1 + 86_400 + 5 } }), ctx());
    expect(older.map((x) => x.point.ref)).toEqual(['backup/data@s2']);
    const fromReading = await zfsReplicaFiles.sources(layer, input(SOURCE_DS), ctx());
    expect(fromReading.map((x) => x.point.ref)).toEqual(['backup/data@s3']);
  });

  it("a snapshot the reading marks partial is passed over when the replica's own listing cannot be read", async () => {
    host = new FakeRunner('nas1').on(REPLICA_LIST, { exitCode: 1, stderr: "cannot open 'backup/data': dataset does not exist\n" });
    const observation = layerObs('nas-repl', [point('s1', T1), point('s2', T1 + 86_400), point('s3', T1 + 2 * 86_400, { partial: true })]);
    expect((await zfsReplicaFiles.sources(layer, input(SOURCE_DS, { observation }), ctx())).map((x) => x.point.ref)).toEqual(['backup/data@s2']);
  });

  it('where the replica holds the same files: a mirror of the source mountpoint at its own', () => {
    host = new FakeRunner('nas1');
    expect(zfsReplicaFiles.mirror!(layer, MOUNTS)).toEqual({ sourceHost: 'nas1', sourceDataset: 'tank/data', from: '/tank/data', host: 'nas1', dataset: 'backup/data', to: '/backup/data' });
    expect(zfsReplicaFiles.mirror!(layer, new Map([[mountKey('nas1', 'tank/data'), '/tank/data']]))).toBeUndefined();
    expect(zfsReplicaFiles.datasets!(remote)).toEqual([
      ['pve1', 'rpool/data'],
      ['nas1', 'backup/pve1-data'],
    ]);
  });
});

describe("zfs-replication browse: the replica's snapshot directory", () => {
  it("a source path is listed in the replica's .zfs view and shown in the source's paths", async () => {
    host = new FakeRunner('nas1').on(REPLICA_LIST, replicaSnapshots).on(['sh', '-c', DIRECTORY_SCRIPT, 'sh', '/backup/data/.zfs/snapshot/s4/docs', '102', FIND_FORMAT], reply('files', 'find-gnu-directory'));
    const s = await sourceOf(at('/tank/data'));
    const l = await zfsReplicaFiles.browse(layer, s, '/tank/data/docs', ctx(), { limit: 100 });
    expect(l.entries.map((e) => [e.path, e.sizeBytes])).toEqual([
      ['/tank/data/docs/db.sqlite', 65536],
      ['/tank/data/docs/name with spaces.txt', 1],
      ['/tank/data/docs/tab\there', 3],
    ]);
  });

  it("a directory the replica's snapshot lacks is an error, not an empty directory", async () => {
    host = new FakeRunner('nas1').on(REPLICA_LIST, replicaSnapshots).on(['sh', '-c', DIRECTORY_SCRIPT, 'sh', '/backup/data/.zfs/snapshot/s4/nope', '102', FIND_FORMAT], reply('files', 'find-gnu-missing'));
    const s = await sourceOf(at('/tank/data'));
    const e = await refusal(zfsReplicaFiles.browse(layer, s, '/tank/data/nope', ctx(), { limit: 100 }));
    expect(e.code).toBe('no-source');
  });
});

describe('zfs-replication plan: files out of the replica, or the dataset received back', () => {
  it("files: cp -a out of the replica's snapshot into a new directory on the replica's host", async () => {
    host = new FakeRunner('nas1').on(REPLICA_LIST, replicaSnapshots).on(listTree('/backup/data/.zfs/snapshot/s4/docs'), reply('files', 'find-gnu-directory'));
    const s = await sourceOf(at('/tank/data'));
    const p = await zfsReplicaFiles.plan(layer, s, { request: { sourceId: s.source.id, target: { kind: 'alternate', dir: DIR } }, method: 'files', paths: ['/tank/data/docs'] }, ctx());
    expect(p.target).toEqual({ host: 'nas1', path: DIR, overwrites: false });
    expect(p.steps.map((x) => [x.command.argv, x.command.cwd])).toEqual([
      [['mkdir', '-p', '--', DIR], undefined],
      [['cp', '-a', '--parents', '--', 'docs', DIR], '/backup/data/.zfs/snapshot/s4'],
    ]);
    expect(p.destroys).toEqual([]);
    expect(p.checks[0]!.output).toMatchObject({ root: DIR, files: 3, bytes: 65540 });
  });

  it('receive: zfs send -I from the newest common snapshot | zfs recv -F, naming the newer snapshots it discards, the dataset to type', async () => {
    host = new FakeRunner('nas1')
      .on(REPLICA_LIST, replicaSnapshots)
      .on(listTree('/backup/data/.zfs/snapshot/s4'), reply('files', 'find-gnu-directory'))
      .on(ORDER('tank/data'), order('tank/data', ['s1', 's2', 'local-1']))
      .on(ORDER('backup/data'), order('backup/data', ['s1', 's2', 's3', 's4']));
    const s = await sourceOf(SOURCE_DS);
    const p = await zfsReplicaFiles.plan(layer, s, { request: { sourceId: s.source.id }, method: 'receive', paths: [] }, ctx());
    expect(p.target).toEqual({ host: 'nas1', path: 'tank/data', overwrites: true });
    expect(p.steps.map((x) => x.command.argv)).toEqual([['sh', '-c', RECV_SCRIPT.incrementalForce, 'sh', 'backup/data@s2', 'backup/data@s4', 'tank/data']]);
    expect(RECV_SCRIPT.incrementalForce).toBe('zfs send -I "$1" "$2" | zfs recv -F "$3"');
    expect(p.destroys).toEqual(['zfs recv -F rolls tank/data back to s2 first: every change since and 1 newer snapshot there (local-1) are discarded']);
    expect(p.confirmWord).toBe('tank/data');
    expect(p.preflight).toEqual([]);
    expect(p.checks.map((c) => [c.host, c.output])).toEqual([['nas1', { kind: 'files-match', root: '/tank/data', files: 3, bytes: 65540, expect: { 'name with spaces.txt': 1, 'db.sqlite': 65536, 'tab\there': 3 } }]]);
  });

  it('receive of a snapshot the dataset still has is refused for a rollback; with no common snapshot the preflight fails', async () => {
    host = new FakeRunner('nas1')
      .on(REPLICA_LIST, replicaSnapshots)
      .on(listTree('/backup/data/.zfs/snapshot/s4'), reply('files', 'find-gnu-directory'), { times: 2 })
      .on(ORDER('tank/data'), order('tank/data', ['s1', 's4']))
      .on(ORDER('backup/data'), order('backup/data', ['s1', 's2', 's3', 's4']), { times: 2 })
      .on(ORDER('tank/data'), order('tank/data', ['other-1']));
    const s = await sourceOf(SOURCE_DS);
    const c = ctx();
    const still = await refusal(zfsReplicaFiles.plan(layer, s, { request: { sourceId: s.source.id }, method: 'receive', paths: [] }, c));
    expect(still.code).toBe('unsupported');
    expect(still.message).toContain('tank/data still has s4');
    const none = await zfsReplicaFiles.plan(layer, s, { request: { sourceId: s.source.id }, method: 'receive', paths: [] }, c);
    expect(none.preflight).toEqual([expect.objectContaining({ id: 'common-snapshot', state: 'failed' })]);
    expect(none.steps[0]!.command.argv).toEqual(['sh', '-c', RECV_SCRIPT.fullForce, 'sh', 'backup/data@s4', 'tank/data']);
  });

  it('a rollback is refused from a replica (receive instead)', async () => {
    host = new FakeRunner('nas1').on(REPLICA_LIST, replicaSnapshots).on(listTree('/backup/data/.zfs/snapshot/s4'), reply('files', 'find-gnu-directory'));
    const s = await sourceOf(SOURCE_DS);
    const e = await refusal(zfsReplicaFiles.plan(layer, s, { request: { sourceId: s.source.id }, method: 'rollback', paths: [] }, ctx()));
    expect(e.code).toBe('unsupported');
    expect(e.message).toContain('use --method receive');
  });
});
