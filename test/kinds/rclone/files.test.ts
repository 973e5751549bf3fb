/**
 * The rclone file rule on its own (src/kinds/rclone/files.ts, files-plan.ts,
 * thaw.ts): which copy holds a path (its own directory, or a replica's
 * mountpoint it copies), one directory through lsjson, the copy back and
 * `check --download`, and the cold tier: the thaw request, how far a thaw is
 * from `restore-status` (1.64+) or, on rclone 1.60, from a copy attempt.
 * Answered with rclone's recorded outputs (test/fixtures/rclone).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LayerObservation, RecoveryPoint } from '../../../src/domain/types.js';
import type { FileSourcesInput, InternalSource, Mirror, SavedThawRef } from '../../../src/kinds/files-rule.js';
import type { FileTarget } from '../../../src/kinds/files-types.js';
import type { LayerOf } from '../../../src/kinds/planner-context.js';
import { rcloneFiles } from '../../../src/kinds/rclone/files.js';
import { rcloneCold } from '../../../src/kinds/rclone/thaw.js';
import { FakeRunner, type FakeReply } from '../../helpers/fake-runner.js';
import { argvOf, fileContext, internalSources, refusal } from '../../helpers/file-rules.js';
import { fixture, reply } from '../../helpers/fixtures.js';
import { inventoryOf, layerObs } from '../../helpers/observations.js';

const REMOTE = 's3:strata-nas/data';
const SECRET = 'aws-secret-key-5d4c3b2a';
const CONFIG = '/root/.config/rclone/rclone.conf';
const ACCESS = { env: { RCLONE_CONFIG: CONFIG }, secrets: { AWS_SECRET_ACCESS_KEY: SECRET } };
const COPIED_AT = Math.floor(Date.parse('2024-01-31T02:00:00Z') / 1000);
// Before the thawed copies of restore-status-1.64 expire (2024-02-03).
const NOW = COPIED_AT + 3600;
const DIR = '/srv/restore';

const inv = inventoryOf({
  hosts: [{ name: 'nas1' }, { name: 'pve1' }],
  layers: [
    { id: 'nas-glacier', kind: 'rclone', host: 'nas1', remote: REMOTE, source: '/tank/data', configFile: CONFIG, secretEnv: { AWS_SECRET_ACCESS_KEY: { env: 'AWS_SK' } } },
    { id: 'replica-glacier', kind: 'rclone', host: 'nas1', remote: REMOTE, source: '/backup/data', configFile: CONFIG, secretEnv: { AWS_SECRET_ACCESS_KEY: { env: 'AWS_SK' } } },
  ],
});
const layer = inv.layers[0] as LayerOf<'rclone'>;
const replicaCopy = inv.layers[1] as LayerOf<'rclone'>;

// The replica of pve1's tank/data on nas1, whose mountpoint replica-glacier copies.
const MIRROR: Mirror = { sourceHost: 'pve1', sourceDataset: 'tank/data', from: '/tank/data', host: 'nas1', dataset: 'backup/data', to: '/backup/data' };

const copyPoint = (extra: Partial<RecoveryPoint> = {}): RecoveryPoint => ({ layerId: 'nas-glacier', assetId: 'files/nas1:/tank/data', timeSec: COPIED_AT, ref: `${REMOTE}/documents/ledger-2024.ods`, sizeBytes: 1234, ...extra });
const warm = layerObs('nas-glacier', [copyPoint()]);
const cold = layerObs('nas-glacier', [copyPoint({ storageTier: 'GLACIER' })]);

let host: FakeRunner;
const ctx = () => fileContext({ nas1: host }, { env: { AWS_SK: SECRET }, nowSec: NOW });
afterEach(() => host?.assertDone());

const input = (target: FileTarget, o: { observation?: LayerObservation | undefined; wanted?: FileSourcesInput['wanted']; mirrors?: Mirror[] } = {}): FileSourcesInput => ({
  target,
  wanted: o.wanted ?? { kind: 'latest' },
  observation: 'observation' in o ? o.observation : warm,
  mountpoints: new Map(),
  mirrors: o.mirrors ?? [],
});
const at = (path: string, h = 'nas1'): FileTarget => ({ kind: 'path', host: h, path });

async function sourceOf(target: FileTarget, observation: LayerObservation = warm): Promise<InternalSource> {
  const drafts = await rcloneFiles.sources(layer, input(target, { observation }), ctx());
  return internalSources(layer, target, drafts, { nowSec: NOW })[0]!;
}


/** An lsjson answer in rclone's format (as lsjson-1.60-dir and lsjson-s3-glacier print it). */
function lsjson(entries: { path: string; size?: number; dir?: boolean; tier?: string }[]): FakeReply {
  const lines = entries.map((e) =>
    JSON.stringify({ Path: e.path, Name: e.path.slice(e.path.lastIndexOf('/') + 1), Size: e.dir ? -1 : (e.size ?? 0), ModTime: '2024-01-31T01:58:12.000000000Z', IsDir: e.dir === true, ...(e.tier ? { Tier: e.tier } : {}) }),
  );
  return { stdout: `[\n${lines.join(',\n')}\n]\n` };
}

const LSJSON = (remote: string) => ['rclone', 'lsjson', '--no-mimetype', remote];
const LSJSON_R = (remote: string) => ['rclone', 'lsjson', '-R', '--files-only', '--no-mimetype', remote];
const INCLUDE_DOCS = ['--include', '/documents', '--include', '/documents/**'];

describe('rclone sources: which copy holds a path', () => {
  it("a path under the copied directory: the copy as of its newest sync, in the path's terms", async () => {
    host = new FakeRunner('nas1');
    const d = await rcloneFiles.sources(layer, input(at('/tank/data/documents')), ctx());
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ kind: 'rclone', assetId: 'files/nas1:/tank/data', covers: '/tank/data', start: '/tank/data/documents', methods: ['files'], origin: { kind: 'rclone', dir: '' } });
    expect(d[0]!.point).toMatchObject({ ref: REMOTE, timeSec: COPIED_AT, sizeBytes: 1234 });
    expect(d[0]!.sourcePath('/tank/data/documents/ledger.ods')).toBe('documents/ledger.ods');
    expect(d[0]!.cold).toBeUndefined();
  });

  it('a parent of the copied directory starts at the directory; a path outside it, or on another host, gives none', async () => {
    host = new FakeRunner('nas1');
    expect((await rcloneFiles.sources(layer, input(at('/tank')), ctx())).map((x) => [x.covers, x.start])).toEqual([['/tank/data', '/tank/data']]);
    expect(await rcloneFiles.sources(layer, input(at('/srv')), ctx())).toEqual([]);
    expect(await rcloneFiles.sources(layer, input(at('/tank/database')), ctx())).toEqual([]);
    expect(await rcloneFiles.sources(layer, input(at('/tank/data', 'pve1')), ctx())).toEqual([]);
  });

  it("the copy of a replica's mountpoint holds the source's files: asked by the source's path or its dataset", async () => {
    host = new FakeRunner('nas1');
    const byPath = await rcloneFiles.sources(replicaCopy, input(at('/tank/data/documents', 'pve1'), { mirrors: [MIRROR] }), ctx());
    expect(byPath.map((x) => [x.covers, x.start, x.sourcePath('/tank/data/documents/a.txt')])).toEqual([['/tank/data', '/tank/data/documents', 'documents/a.txt']]);
    const byDataset = await rcloneFiles.sources(replicaCopy, input({ kind: 'dataset', dataset: 'tank/data' }, { mirrors: [MIRROR] }), ctx());
    expect(byDataset.map((x) => [x.covers, x.start])).toEqual([['/tank/data', '/tank/data']]);
    expect(await rcloneFiles.sources(replicaCopy, input(at('/tank/data/documents', 'pve1')), ctx())).toEqual([]);
  });

  it('a copy holds only its newest state: a wanted time before the copy gives none, at or after it gives the copy', async () => {
    host = new FakeRunner('nas1');
    expect(await rcloneFiles.sources(layer, input(at('/tank/data'), { wanted: { kind: 'at', timeSec: COPIED_AT - 1 } }), ctx())).toEqual([]);
    expect(await rcloneFiles.sources(layer, input(at('/tank/data'), { wanted: { kind: 'at', timeSec: COPIED_AT } }), ctx())).toHaveLength(1);
  });

  it('an unread, unreadable or empty listing gives no source rather than one made up', async () => {
    host = new FakeRunner('nas1');
    expect(await rcloneFiles.sources(layer, input(at('/tank/data'), { observation: undefined }), ctx())).toEqual([]);
    const unreadable = layerObs('nas-glacier', [], { errors: [{ kind: 'auth', message: 'listing of s3:strata-nas/data: AccessDenied: Access Denied' }] });
    expect(await rcloneFiles.sources(layer, input(at('/tank/data'), { observation: unreadable }), ctx())).toEqual([]);
    expect(await rcloneFiles.sources(layer, input(at('/tank/data'), { observation: layerObs('nas-glacier', [copyPoint({ partial: true })]) }), ctx())).toEqual([]);
  });

  it('archived objects under the asked path make the source cold, with the tiers of its storage class', async () => {
    host = new FakeRunner('nas1');
    const [d] = await rcloneFiles.sources(layer, input(at('/tank/data/documents'), { observation: cold }), ctx());
    expect(d!.cold?.objects).toEqual(['documents/ledger-2024.ods']);
    expect(d!.cold?.info.storageClass).toBe('GLACIER');
    expect(d!.cold?.info.tiers.map((t) => [t.priority, t.wait, t.available])).toEqual([
      ['Expedited', '1-5 minutes', true],
      ['Standard', '3-5 hours', true],
      ['Bulk', '5-12 hours', true],
    ]);
    const [notes] = await rcloneFiles.sources(layer, input(at('/tank/data/notes'), { observation: cold }), ctx());
    expect(notes!.cold).toBeUndefined();
    expect(rcloneCold.tiers('DEEP_ARCHIVE').find((t) => t.priority === 'Expedited')?.available).toBe(false);
  });
});

describe('rclone browse: one directory of the copy', () => {
  it('lists names, kinds, sizes and times with lsjson of that directory, the secret in the environment', async () => {
    host = new FakeRunner('nas1').expect({ argv: LSJSON(`${REMOTE}/documents`), ...ACCESS, reply: reply('rclone', 'lsjson-1.60-dir') });
    const s = await sourceOf(at('/tank/data'));
    const l = await rcloneFiles.browse(layer, s, '/tank/data/documents', ctx(), { limit: 100 });
    expect(l.truncated).toBe(false);
    expect(l.entries.map((e) => [e.name, e.kind, e.sizeBytes, Math.floor(e.mtimeMs!)])).toEqual([
      ['contracts', 'dir', undefined, Date.parse('2026-12-03T09:48:26.446Z')],
      ['ledger.ods', 'file', 7, Date.parse('2026-12-03T09:48:26.446Z')],
    ]);
  });

  it('the root of the copy is the remote itself', async () => {
    host = new FakeRunner('nas1').expect({ argv: LSJSON(REMOTE), ...ACCESS, reply: reply('rclone', 'lsjson-1.60-empty') });
    const s = await sourceOf(at('/tank/data'));
    expect((await rcloneFiles.browse(layer, s, '/tank/data', ctx(), { limit: 100 })).entries).toEqual([]);
  });

  it("a directory the copy lacks, or a listing the store refuses, is an error with rclone's words, not an empty directory", async () => {
    host = new FakeRunner('nas1')
      .expect({ argv: LSJSON(`${REMOTE}/gone`), ...ACCESS, reply: reply('rclone', 'lsjson-1.60-missing-dir') })
      .expect({ argv: LSJSON(`${REMOTE}/documents`), ...ACCESS, reply: reply('rclone', 'lsjson-access-denied') });
    const s = await sourceOf(at('/tank/data'));
    const missing = await refusal(rcloneFiles.browse(layer, s, '/tank/data/gone', ctx(), { limit: 100 }));
    expect(missing.code).toBe('no-source');
    expect(missing.message).toContain('directory not found');
    const denied = await refusal(rcloneFiles.browse(layer, s, '/tank/data/documents', ctx(), { limit: 100 }));
    expect(denied.code).toBe('unreadable');
    expect(denied.message).toContain('AccessDenied');
  });
});

describe('rclone plan: copy back and check --download', () => {
  /** The host as a plan of /tank/data/documents reads it: the root (documents is a directory), then its files recursively. */
  function documentsHost(files: FakeReply) {
    return new FakeRunner('nas1')
      .expect({ argv: LSJSON(REMOTE), ...ACCESS, reply: lsjson([{ path: 'documents', dir: true }, { path: 'readme.txt', size: 12 }]) })
      .expect({ argv: LSJSON_R(`${REMOTE}/documents`), ...ACCESS, reply: files });
  }

  it('by default into a new directory: mkdir, rclone copy --include of the chosen directory, then check --download of what came back', async () => {
    host = documentsHost(lsjson([{ path: 'ledger.ods', size: 7 }, { path: 'contracts/c1.pdf', size: 3 }]));
    const s = await sourceOf(at('/tank/data'));
    const p = await rcloneFiles.plan(layer, s, { request: { sourceId: s.source.id }, method: 'files', paths: ['/tank/data/documents'] }, ctx());
    const dir = p.target.path;
    expect(dir).toMatch(/^\/var\/tmp\/strata-restore\/20240131T030000Z$/);
    expect(p.target).toEqual({ host: 'nas1', path: dir, overwrites: false });
    expect(p.steps.map((x) => x.command.argv)).toEqual([
      ['mkdir', '-p', '--', dir],
      ['rclone', 'copy', REMOTE, dir, ...INCLUDE_DOCS, '--use-json-log', '--stats-one-line', '-v'],
    ]);
    expect(p.checks.map((c) => [c.command.argv, c.output])).toEqual([[['rclone', 'check', dir, REMOTE, '--download', '--one-way', '--combined', '-', ...INCLUDE_DOCS], { kind: 'rclone-check-back' }]]);
    for (const c of [p.steps[1]!.command, p.checks[0]!.command]) {
      expect(c.env).toEqual({ RCLONE_CONFIG: CONFIG });
      expect(c.secrets).toEqual({ AWS_SECRET_ACCESS_KEY: SECRET });
    }
    expect(argvOf(p).join(' ')).not.toContain(SECRET);
    expect(p.destroys).toEqual([]);
    expect(p.confirmWord).toBeNull();
    expect(p.thaw).toBeUndefined();
    expect(p.pollDir).toBe(dir);
  });

  it('a single file is included as itself only, not as a directory', async () => {
    host = new FakeRunner('nas1')
      .expect({ argv: LSJSON(`${REMOTE}/documents`), ...ACCESS, reply: reply('rclone', 'lsjson-1.60-dir') })
      .expect({ argv: LSJSON_R(`${REMOTE}/documents/ledger.ods`), ...ACCESS, reply: lsjson([{ path: 'ledger.ods', size: 7 }]) });
    const s = await sourceOf(at('/tank/data'));
    const p = await rcloneFiles.plan(layer, s, { request: { sourceId: s.source.id, target: { kind: 'alternate', dir: DIR } }, method: 'files', paths: ['/tank/data/documents/ledger.ods'] }, ctx());
    // The rule pair covers a file and, should it be a directory, what is under it.
    expect(p.steps[1]!.command.argv).toEqual(['rclone', 'copy', REMOTE, DIR, '--include', '/documents/ledger.ods', '--include', '/documents/ledger.ods/**', '--use-json-log', '--stats-one-line', '-v']);
  });

  it('over the original: no mkdir, the copied directory is the target, what is replaced and the host to type', async () => {
    host = documentsHost(lsjson([{ path: 'ledger.ods', size: 7 }]));
    const s = await sourceOf(at('/tank/data'));
    const p = await rcloneFiles.plan(layer, s, { request: { sourceId: s.source.id, target: { kind: 'original' } }, method: 'files', paths: ['/tank/data/documents'] }, ctx());
    expect(p.target).toEqual({ host: 'nas1', path: '/tank/data', overwrites: true });
    expect(p.steps.map((x) => x.command.argv)).toEqual([['rclone', 'copy', REMOTE, '/tank/data', ...INCLUDE_DOCS, '--use-json-log', '--stats-one-line', '-v']]);
    expect(p.destroys).toEqual(["rclone copy replaces every file at /tank/data/documents that differs from the copy's"]);
    expect(p.confirmWord).toBe('nas1');
  });

  it("over the original from the copy of a replica: onto the source's mountpoint when it is on the copy's host, refused when it is another host's", async () => {
    const local: Mirror = { ...MIRROR, sourceHost: 'nas1' };
    host = documentsHost(lsjson([{ path: 'ledger.ods', size: 7 }]));
    const here = at('/tank/data/documents');
    const [d] = await rcloneFiles.sources(replicaCopy, input(here, { mirrors: [local] }), ctx());
    const s = internalSources(replicaCopy, here, [d!], { nowSec: NOW })[0]!;
    const p = await rcloneFiles.plan(replicaCopy, s, { request: { sourceId: s.source.id, target: { kind: 'original' } }, method: 'files', paths: ['/tank/data/documents'] }, ctx());
    expect(p.target).toEqual({ host: 'nas1', path: '/tank/data', overwrites: true });
    // pve1's /tank/data, copied from its replica on nas1: rclone runs on nas1, where /tank/data is not pve1's.
    const there = at('/tank/data/documents', 'pve1');
    for (const target of [there, { kind: 'dataset', dataset: 'tank/data' } as FileTarget]) {
      const [f] = await rcloneFiles.sources(replicaCopy, input(target, { mirrors: [MIRROR] }), ctx());
      const foreign = internalSources(replicaCopy, target, [f!], { nowSec: NOW })[0]!;
      const e = await refusal(rcloneFiles.plan(replicaCopy, foreign, { request: { sourceId: foreign.source.id, target: { kind: 'original' } }, method: 'files', paths: ['/tank/data/documents'] }, ctx()));
      expect(e.code).toBe('unsupported');
      expect(e.message).toBe("the copy is read on nas1 and /tank/data is pve1's: restore to a directory on nas1 and copy the files over");
    }
  });

  it('archived objects under the chosen paths: a thaw first (backend restore -o priority= -o lifetime=), the copy waits for it', async () => {
    host = documentsHost(lsjson([
      { path: 'ledger-2024.ods', size: 4096, tier: 'GLACIER' },
      { path: 'readme.txt', size: 12, tier: 'STANDARD' },
      { path: 'contracts/contract-2016.pdf', size: 2048, tier: 'GLACIER' },
    ]));
    const s = await sourceOf(at('/tank/data/documents'), cold);
    const p = await rcloneFiles.plan(layer, s, { request: { sourceId: s.source.id, target: { kind: 'alternate', dir: DIR }, thaw: { priority: 'Bulk', lifetimeDays: 7 } }, method: 'files', paths: ['/tank/data/documents'] }, ctx());
    expect(p.thaw).toMatchObject({ priority: 'Bulk', lifetimeDays: 7, wait: '5-12 hours', cost: 'lowest', storageClass: 'GLACIER', objects: ['documents/contracts/contract-2016.pdf', 'documents/ledger-2024.ods'] });
    expect(p.thaw!.command).toEqual({
      host: 'nas1',
      command: `RCLONE_CONFIG=${CONFIG} AWS_SECRET_ACCESS_KEY=<secret> rclone backend restore ${REMOTE} --include /documents --include '/documents/**' -o 'priority=Bulk' -o 'lifetime=7'`,
      description: 'request a Bulk thaw of 2 objects (kept 7 days)',
    });
    expect(p.thaw!.command.command).not.toContain(SECRET);
    // The copy and its check are planned as for a warm copy.
    expect(p.steps[1]!.command.argv).toEqual(['rclone', 'copy', REMOTE, DIR, ...INCLUDE_DOCS, '--use-json-log', '--stats-one-line', '-v']);
    expect(p.notes.join('\n')).toContain('strata restore --resume');
  });

  it('a thaw by default is Standard for 3 days; objects the listing of the layer did not name are found by reading the chosen paths, Deep Archive ruling the wait', async () => {
    host = documentsHost(lsjson([{ path: 'annual-2023.ods', size: 4096, tier: 'GLACIER' }, { path: 'contracts/contract-2017.pdf', size: 2048, tier: 'DEEP_ARCHIVE' }]));
    // The layer's reading named nothing cold here: the plan reads what the path holds.
    const s = await sourceOf(at('/tank/data'));
    const p = await rcloneFiles.plan(layer, s, { request: { sourceId: s.source.id, target: { kind: 'alternate', dir: DIR } }, method: 'files', paths: ['/tank/data/documents'] }, ctx());
    expect(p.thaw).toMatchObject({ priority: 'Standard', lifetimeDays: 3, wait: 'within 12 hours', storageClass: 'DEEP_ARCHIVE', objects: ['documents/annual-2023.ods', 'documents/contracts/contract-2017.pdf'] });
  });

  it('Expedited is refused for Deep Archive, which does not offer it', async () => {
    host = documentsHost(lsjson([{ path: 'contracts/contract-2017.pdf', size: 2048, tier: 'DEEP_ARCHIVE' }]));
    const s = await sourceOf(at('/tank/data'));
    const e = await refusal(rcloneFiles.plan(layer, s, { request: { sourceId: s.source.id, thaw: { priority: 'Expedited' } }, method: 'files', paths: ['/tank/data/documents'] }, ctx()));
    expect(e.code).toBe('unsupported');
    expect(e.message).toBe('Expedited is not offered for DEEP_ARCHIVE');
  });

  it('a path outside the copy is refused with that reason before anything is read', async () => {
    // Nothing is expected on the host: a listing of some other remote path would fail the test.
    host = new FakeRunner('nas1');
    const s = await sourceOf(at('/tank/data'));
    const e = await refusal(rcloneFiles.plan(layer, s, { request: { sourceId: s.source.id }, method: 'files', paths: ['/tank/database/x'] }, ctx()));
    expect(e.code).toBe('invalid');
    expect(e.message).toBe("/tank/database/x is not in nas-glacier's copy (it holds /tank/data)");
  });
});

describe('rclone cold: the thaw request and how far it is', () => {
  const VERSION_164: FakeReply = { stdout: fixture('rclone', 'version-1.60').stdout.replace('v1.60.1-DEV', 'v1.64.2') };
  const OBJECTS = ['documents/contracts/contract-2015.pdf', 'documents/contracts/contract-2016.pdf', 'documents/contracts/contract-2017.pdf', 'documents/ledger-2024.ods'];
  const saved: SavedThawRef = { sourceId: `nas-glacier@${REMOTE}`, paths: ['/tank/data/documents'], target: { host: 'nas1', path: DIR, overwrites: false }, objects: OBJECTS };

  it("requests the thaw with backend restore and reads every entry's Status (exit 0 even when one failed)", async () => {
    host = new FakeRunner('nas1').expect({ argv: ['rclone', 'backend', 'restore', REMOTE, ...INCLUDE_DOCS, '-o', 'priority=Bulk', '-o', 'lifetime=7'], ...ACCESS, reply: reply('rclone', 'backend-restore-s3-mixed') });
    const s = await sourceOf(at('/tank/data/documents'), cold);
    const thaw = { priority: 'Bulk' as const, lifetimeDays: 7, wait: '5-12 hours', cost: 'lowest', storageClass: 'GLACIER', objects: OBJECTS, command: { host: 'nas1', command: '', description: '' } };
    const r = await rcloneCold.request(layer, s, { paths: ['/tank/data/documents'], thaw }, ctx());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.total).toBe(4);
    expect(r.value.failed).toEqual([{ remote: 'documents/contracts/contract-2017.pdf', status: expect.stringMatching(/^AccessDenied: Access Denied/) }]);
    expect(r.value.detail).toMatch(/^1 requested, 1 already thawing, 1 not archived, 1 failed \(documents\/contracts\/contract-2017\.pdf: AccessDenied/);
  });

  it('rclone 1.64+: restore-status -o all, each saved object counted as thawed, thawing, expired (failed) or not requested', async () => {
    host = new FakeRunner('nas1').on(['rclone', 'version'], VERSION_164).expect({ argv: ['rclone', 'backend', 'restore-status', REMOTE, '-o', 'all'], ...ACCESS, reply: reply('rclone', 'restore-status-1.64') });
    const st = await rcloneCold.state(layer, saved, undefined, ctx());
    // ledger-2024 thawing; contract-2016 thawed until 2024-02-03; contract-2015's thawed copy expired on 2024-01-20; contract-2017 not in the answer.
    expect(st.counts).toEqual({ thawed: 1, thawing: 1, notRequested: 1, failed: 1 });
    expect(st.ready).toBe(false);
    expect(st.readBy).toBe('restore-status');
    expect(st.detail).toBe('1 thawed, 1 thawing, 1 not requested, 1 expired of 4');
  });

  it('ready when every saved object is thawed, not before', async () => {
    host = new FakeRunner('nas1').on(['rclone', 'version'], VERSION_164).expect({ argv: ['rclone', 'backend', 'restore-status', REMOTE, '-o', 'all'], ...ACCESS, reply: reply('rclone', 'restore-status-1.64-all') });
    host.on(['rclone', 'version'], VERSION_164).expect({ argv: ['rclone', 'backend', 'restore-status', REMOTE, '-o', 'all'], ...ACCESS, reply: reply('rclone', 'restore-status-1.64-all') });
    const c = ctx();
    const st = await rcloneCold.state(layer, { ...saved, objects: ['documents/ledger-2024.ods'] }, undefined, c);
    expect(st).toMatchObject({ counts: { thawed: 1, thawing: 0, notRequested: 0, failed: 0 }, ready: true, readBy: 'restore-status' });
    // Nothing thawing, but one object never asked for: not ready.
    const partly = await rcloneCold.state(layer, { ...saved, objects: ['documents/ledger-2024.ods', 'notes/todo.md'] }, undefined, c);
    expect(partly).toMatchObject({ counts: { thawed: 1, thawing: 0, notRequested: 1, failed: 0 }, ready: false });
  });

  it('rclone 1.60 has no restore-status: a copy attempt, whose "Object in GLACIER, restore first" objects of the thaw are still frozen', async () => {
    // copy-s3-frozen, with a second frozen object the saved thaw did not ask for.
    const f = fixture('rclone', 'copy-s3-frozen');
    const first = f.stderr.split('\n')[0]!;
    const frozen: FakeReply = { stdout: f.stdout, stderr: `${first.replaceAll('ledger-2024.ods', 'scratch/tmp.bin')}\n${f.stderr}`, exitCode: f.exitCode };
    host = new FakeRunner('nas1').on(['rclone', 'version'], reply('rclone', 'version-1.60')).expect({ argv: ['rclone', 'copy', REMOTE, DIR, ...INCLUDE_DOCS, '--use-json-log', '--stats-one-line', '-v'], ...ACCESS, reply: frozen });
    const s = await sourceOf(at('/tank/data/documents'), cold);
    const st = await rcloneCold.state(layer, saved, s, ctx());
    expect(st.readBy).toBe('copy-attempt');
    expect(st.counts).toEqual({ thawed: 3, thawing: 1, notRequested: 0, failed: 0 });
    expect(st.ready).toBe(false);
    expect(st.detail).toContain('rclone 1.60.1-DEV has no restore-status: a copy attempt found 1 still frozen');
  });

  it('a 1.64 that answers "command not found" falls back to the copy attempt too; a clean copy is ready', async () => {
    host = new FakeRunner('nas1')
      .on(['rclone', 'version'], VERSION_164)
      .expect({ argv: ['rclone', 'backend', 'restore-status', REMOTE, '-o', 'all'], ...ACCESS, reply: reply('rclone', 'restore-status-1.60-unsupported') })
      .expect({ argv: ['rclone', 'copy', REMOTE, DIR, ...INCLUDE_DOCS, '--use-json-log', '--stats-one-line', '-v'], ...ACCESS, reply: reply('rclone', 'copy-1.60-include') });
    const s = await sourceOf(at('/tank/data/documents'), cold);
    const st = await rcloneCold.state(layer, saved, s, ctx());
    expect(st).toMatchObject({ readBy: 'copy-attempt', ready: true, counts: { thawed: 4, thawing: 0, notRequested: 0, failed: 0 } });
  });

  it('a thaw resumed by a process that has not listed its source (rclone 1.60): the copy attempt asks about the copy, not the host paths', async () => {
    const copyOf = (include: string[]) => ['rclone', 'copy', REMOTE, DIR, ...include, '--use-json-log', '--stats-one-line', '-v'];
    host = new FakeRunner('nas1')
      .on(['rclone', 'version'], reply('rclone', 'version-1.60'), { times: 2 })
      .expect({ argv: copyOf(INCLUDE_DOCS), ...ACCESS, reply: reply('rclone', 'copy-s3-frozen') })
      // A copy of a replica's mountpoint, asked by the source's path: the saved objects themselves.
      .expect({ argv: copyOf(OBJECTS.flatMap((o) => ['--include', `/${o}`])), ...ACCESS, reply: reply('rclone', 'copy-s3-frozen') });
    const st = await rcloneCold.state(layer, saved, undefined, ctx());
    expect(st).toMatchObject({ readBy: 'copy-attempt', ready: false, counts: { thawed: 3, thawing: 1 } });
    const mirrored = await rcloneCold.state(replicaCopy, { ...saved, sourceId: `replica-glacier@${REMOTE}` }, undefined, ctx());
    expect(mirrored).toMatchObject({ readBy: 'copy-attempt', ready: false, counts: { thawed: 3, thawing: 1 } });
  });

  it('once thawed, the copy and its check are the plan without the thaw; a resumed thaw lists its sources again by its first path', async () => {
    host = new FakeRunner('nas1');
    const s = await sourceOf(at('/tank/data/documents'), cold);
    const p = rcloneCold.copy(layer, s, { request: { sourceId: s.source.id, target: { kind: 'alternate', dir: DIR } }, paths: ['/tank/data/documents'] }, ctx());
    expect(p.thaw).toBeUndefined();
    expect(p.steps.map((x) => x.command.argv[1])).toEqual(['-p', 'copy']);
    expect(p.checks.map((c) => c.output)).toEqual([{ kind: 'rclone-check-back' }]);
    expect(rcloneCold.resumePath(layer, ['/tank/data/documents'])).toBe('/tank/data/documents');
    expect(rcloneCold.resumePath(layer, [])).toBe('/tank/data');
  });
});
