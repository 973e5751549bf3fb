/**
 * Contract between the lab and the adapters: for every probe, what the lab
 * answers over SSH parses with the adapter's own parser and has the shape of
 * the recorded fixtures (test/fixtures/<tool>/), field for field: no field
 * the fixtures do not know, every field they always have, the same JSON
 * types. The lab's failures are classified like the recorded ones.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArchiveList } from '../../src/adapters/config-backup/parse.js';
import { listArchivesCommand } from '../../src/adapters/config-backup/commands.js';
import * as pbsCmd from '../../src/adapters/pbs/commands.js';
import { parseDatastoreStatus, parseSnapshotList, parseTaskList } from '../../src/adapters/pbs/parse.js';
import * as pveCmd from '../../src/adapters/pve/commands.js';
import {
  parseBackupJobs,
  parseGuests,
  parseGuestSnapshots,
  parseNotBackedUp,
  parseStorageContent,
  parseStorageStatus,
  parseTasks,
} from '../../src/adapters/pve/parse.js';
import { aboutCommand, lsjsonCommand } from '../../src/adapters/rclone/commands.js';
import { parseAbout, parseLsjson } from '../../src/adapters/rclone/parse.js';
import { snapshotsCommand } from '../../src/adapters/restic/commands.js';
import { parseResticSnapshots } from '../../src/adapters/restic/parse.js';
import { zfsGetSnapshotsCommand, zfsListSnapshotsCommand, zpoolListCommand, zpoolStatusCommand } from '../../src/adapters/zfs/commands.js';
import { parseZfsGetSnapshots, parseZfsSnapshotList, parseZpoolList, parseZpoolStatus } from '../../src/adapters/zfs/parse.js';
import type { Result } from '../../src/domain/types.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import type { Command } from '../../src/transport/command.js';
import { LabRunners } from '../helpers/lab/lab-runner.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

interface Recorded {
  stdout: string;
  stderr: string;
  exitCode: number;
}

function fixture(tool: string, name: string): Recorded {
  const base = join(FIXTURES, tool, name);
  const read = (ext: string) => (existsSync(`${base}.${ext}`) ? readFileSync(`${base}.${ext}`, 'utf8') : '');
  return { stdout: read('stdout'), stderr: read('stderr'), exitCode: Number(read('exit').trim() || '0') };
}

type JsonType = 'number' | 'string' | 'boolean' | 'object' | 'array' | 'null';
const typeOf = (v: unknown): JsonType => (v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as JsonType));

/** Field name -> JSON types seen, over a list of objects (or one object), and the fields every item has. */
function shape(items: readonly Record<string, unknown>[]): { types: Map<string, Set<JsonType>>; always: Set<string> } {
  const types = new Map<string, Set<JsonType>>();
  for (const it of items) for (const [k, v] of Object.entries(it)) (types.get(k) ?? types.set(k, new Set()).get(k)!).add(typeOf(v));
  const always = new Set([...types.keys()].filter((k) => items.every((i) => k in i)));
  return { types, always };
}

const asList = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? (v as Record<string, unknown>[]) : [v as Record<string, unknown>]);

/**
 * The lab's JSON has the fixtures' shape: known fields, same types (pvesh counts may be numbers or
 * strings), required fields present. `documented` names fields reference/cli-formats.md lists that
 * the fixtures happen not to show.
 */
function expectSameShape(lab: unknown, recorded: readonly unknown[], label: string, opts: { numbersMayBeStrings?: boolean; documented?: readonly string[] } = {}): void {
  const mine = shape(asList(lab));
  const theirs = shape(recorded.flatMap(asList));
  expect(asList(lab).length, `${label}: the lab answered nothing to compare`).toBeGreaterThan(0);
  const problems: string[] = [];
  for (const [k, t] of mine.types) {
    if (!theirs.types.has(k)) {
      if (!opts.documented?.includes(k)) problems.push(`field "${k}" is in no fixture`);
      continue;
    }
    for (const x of t) {
      const known = theirs.types.get(k)!;
      const ok = known.has(x) || (opts.numbersMayBeStrings === true && (x === 'number' || x === 'string') && (known.has('number') || known.has('string')));
      if (!ok) problems.push(`field "${k}" is ${x} in the lab, ${[...known].join('/')} in the fixtures`);
    }
  }
  for (const k of theirs.always) if (!mine.always.has(k)) problems.push(`field "${k}" is in every fixture item but not in every lab item`);
  expect(problems, label).toEqual([]);
}

function expectOk<T>(r: Result<T>, label: string): T {
  if (!r.ok) throw new Error(`${label}: the adapter rejected the lab's output: ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

function expectSameFailure<T>(parse: (o: string, e: string, c: number) => Result<T>, lab: Recorded, recorded: Recorded, label: string): void {
  const a = parse(lab.stdout, lab.stderr, lab.exitCode);
  const b = parse(recorded.stdout, recorded.stderr, recorded.exitCode);
  expect(a.ok, `${label}: the lab's failure parsed as success`).toBe(false);
  expect(b.ok).toBe(false);
  if (!a.ok && !b.ok) expect(a.error.kind, `${label}: ${a.error.message}`).toBe(b.error.kind);
}

let lab: Lab;
let runners: LabRunners;
const run = async (host: string, cmd: Command): Promise<Recorded> => runners.get(host).run(cmd);

beforeAll(async () => {
  // The degraded lab shows the most: a failed verification, failed tasks, a guest in no job, a DEGRADED pool.
  lab = await startLab({ scenario: 'degraded', timeScale: 0.05 });
  runners = new LabRunners(lab);
});
afterAll(async () => {
  await runners?.close();
  await lab?.stop();
});

describe('pve adapter', () => {
  it('guests', async () => {
    const r = await run('pve1', pveCmd.clusterResourcesCommand());
    const guests = expectOk(parseGuests(r.stdout, r.stderr, r.exitCode), 'guests');
    expect(guests.map((g) => g.vmid)).toContain(9000);
    expect(guests.find((g) => g.vmid === 9000)?.template).toBe(true);
    expectSameShape(JSON.parse(r.stdout), [JSON.parse(fixture('pve', 'cluster-resources-normal').stdout)], 'cluster/resources', { numbersMayBeStrings: true });
  });

  it('guest snapshots (qemu and lxc)', async () => {
    for (const [type, vmid] of [['qemu', 100], ['lxc', 102]] as const) {
      const r = await run('pve1', pveCmd.guestSnapshotsCommand('pve1', type, vmid));
      const snaps = expectOk(parseGuestSnapshots(r.stdout, r.stderr, r.exitCode), 'snapshots');
      expect(snaps.length).toBeGreaterThan(0);
      expect(snaps.some((s) => s.name === 'current')).toBe(false);
      expectSameShape(JSON.parse(r.stdout), [JSON.parse(fixture('pve', 'guest-snapshots-normal').stdout), JSON.parse(fixture('pve', 'guest-snapshots-snapstate').stdout)], `${type} snapshots`, { numbersMayBeStrings: true });
    }
    const missing = await run('pve1', pveCmd.guestSnapshotsCommand('pve1', 'qemu', 555));
    expectSameFailure(parseGuestSnapshots, missing, fixture('pve', 'guest-snapshots-missing-guest'), 'missing guest');
  });

  it('storage content of the directory and the PBS storage', async () => {
    for (const [storage, fx] of [['local-backup', 'storage-content-dir'], ['pbs1', 'storage-content-pbs']] as const) {
      const r = await run('pve1', pveCmd.storageContentCommand('pve1', storage));
      const archives = expectOk(parseStorageContent(r.stdout, r.stderr, r.exitCode), storage);
      expect(archives.length).toBeGreaterThan(20);
      expectSameShape(JSON.parse(r.stdout), [JSON.parse(fixture('pve', fx).stdout)], `${storage} content`, { numbersMayBeStrings: true });
    }
    const pbs = expectOk(parseStorageContent((await run('pve1', pveCmd.storageContentCommand('pve1', 'pbs1'))).stdout, '', 0), 'pbs');
    expect(pbs.some((a) => a.verification?.state === 'failed')).toBe(true);
    const missing = await run('pve1', pveCmd.storageContentCommand('pve1', 'nope'));
    expectSameFailure(parseStorageContent, missing, fixture('pve', 'storage-content-missing-storage'), 'missing storage');
  });

  it('backup jobs, tasks, not backed up, storage status', async () => {
    const jobs = await run('pve1', pveCmd.backupJobsCommand());
    expect(expectOk(parseBackupJobs(jobs.stdout, jobs.stderr, jobs.exitCode), 'jobs').find((j) => j.id === 'backup-local-nightly')?.exclude).toEqual([111, 120, 121, 122]);
    expectSameShape(JSON.parse(jobs.stdout), [JSON.parse(fixture('pve', 'backup-jobs-normal').stdout)], 'cluster/backup', { numbersMayBeStrings: true, documented: ['notes-template', 'notification-mode', 'repeat-missed', 'comment'] });

    const tasks = await run('pve1', pveCmd.vzdumpTasksCommand('pve1', 50));
    const parsed = expectOk(parseTasks(tasks.stdout, tasks.stderr, tasks.exitCode), 'tasks');
    expect(parsed.some((t) => t.status === 'job errors' && t.state === 'failed')).toBe(true);
    expectSameShape(JSON.parse(tasks.stdout), [JSON.parse(fixture('pve', 'tasks-normal').stdout)], 'tasks', { numbersMayBeStrings: true });

    const nbu = await run('pve1', pveCmd.notBackedUpCommand());
    expect(expectOk(parseNotBackedUp(nbu.stdout, nbu.stderr, nbu.exitCode), 'not-backed-up')).toEqual([{ vmid: 111, type: 'qemu', name: 'jellyfin' }]);
    expectSameShape(JSON.parse(nbu.stdout), [JSON.parse(fixture('pve', 'not-backed-up-normal').stdout)], 'not-backed-up');

    const st = await run('pve1', pveCmd.storageStatusCommand('pve1', 'local-backup'));
    expect(expectOk(parseStorageStatus(st.stdout, st.stderr, st.exitCode), 'status').active).toBe(true);
    expectSameShape(JSON.parse(st.stdout), [JSON.parse(fixture('pve', 'storage-status-normal').stdout)], 'storage status', { numbersMayBeStrings: true });

    const bad = await run('pve1', pveCmd.pveshGet('/cluster/resourcez'));
    expectSameFailure(parseGuests, bad, fixture('pve', 'pvesh-no-handler'), 'no handler');
  });
});

describe('pbs adapter', () => {
  const access = { repository: 'strata@pbs!ro@127.0.0.1:usb', password: { file: '/root/.strata-pbs-token' } };

  it('snapshot list, status, task list', async () => {
    const list = await run('pbs1', pbsCmd.snapshotListCommand(access));
    const snaps = expectOk(parseSnapshotList(list.stdout, list.stderr, list.exitCode), 'snapshot list');
    expect(snaps.length).toBeGreaterThan(100);
    expectSameShape(JSON.parse(list.stdout), [JSON.parse(fixture('pbs', 'snapshot-list-normal').stdout)], 'snapshot list');
    const files = (JSON.parse(list.stdout) as { files: unknown[] }[]).flatMap((s) => s.files);
    expectSameShape(files, (JSON.parse(fixture('pbs', 'snapshot-list-normal').stdout) as { files: unknown[] }[]).flatMap((s) => s.files), 'snapshot files');

    const st = await run('pbs1', pbsCmd.datastoreStatusCommand(access));
    expect(expectOk(parseDatastoreStatus(st.stdout, st.stderr, st.exitCode), 'status')).toBeDefined();
    expectSameShape(JSON.parse(st.stdout), [JSON.parse(fixture('pbs', 'status-normal').stdout)], 'status');

    const tasks = await run('pbs1', pbsCmd.taskListCommand(100));
    const parsed = expectOk(parseTaskList(tasks.stdout, tasks.stderr, tasks.exitCode), 'task list');
    expect(parsed.some((t) => t.state === 'failed')).toBe(true);
    expectSameShape(JSON.parse(tasks.stdout), [JSON.parse(fixture('pbs', 'task-list-normal').stdout)], 'task list');
  });

  it('failures: a missing datastore, a wrong secret', async () => {
    const missing = await run('pbs1', pbsCmd.snapshotListCommand({ ...access, repository: 'strata@pbs!ro@127.0.0.1:store9' }));
    expectSameFailure(parseSnapshotList, missing, fixture('pbs', 'snapshot-list-no-datastore'), 'no datastore');
    const wrong = await runners.get('pbs1').run({ ...pbsCmd.snapshotListCommand({ repository: access.repository, password: { value: 'wrong' } }) });
    expectSameFailure(parseSnapshotList, wrong, fixture('pbs', 'snapshot-list-auth-failed'), 'auth failed');
  });
});

describe('zfs adapter', () => {
  it('snapshots (zfs list and the zfs get fallback), pools, pool status', async () => {
    const list = await run('nas1', zfsListSnapshotsCommand('tank/data'));
    const snaps = expectOk(parseZfsSnapshotList(list.stdout, list.stderr, list.exitCode), 'zfs list');
    expect(snaps.length).toBeGreaterThan(60);
    const cols = (text: string) => new Set(text.trimEnd().split('\n').map((l) => l.split('\t').map((c, i) => (i === 0 ? 'name' : /^\d+$/.test(c) ? 'int' : c)).join('|')));
    expect(cols(list.stdout)).toEqual(new Set(['name|int|int']));
    expect(cols(fixture('zfs', 'zfs-list-snapshots-normal').stdout)).toEqual(new Set(['name|int|int']));

    const get = await run('nas1', zfsGetSnapshotsCommand('tank/data'));
    expect(expectOk(parseZfsGetSnapshots(get.stdout, get.stderr, get.exitCode), 'zfs get').length).toBe(snaps.length);

    const pools = await run('nas1', zpoolListCommand());
    expect(expectOk(parseZpoolList(pools.stdout, pools.stderr, pools.exitCode), 'zpool list').find((p) => p.name === 'backup')?.health).toBe('DEGRADED');
    const shapeOf = (text: string) => text.trimEnd().split('\n').map((l) => l.split('\t').length);
    expect(new Set(shapeOf(pools.stdout))).toEqual(new Set(shapeOf(fixture('zfs', 'zpool-list-degraded').stdout)));

    const status = await run('nas1', zpoolStatusCommand());
    const parsed = expectOk(parseZpoolStatus(status.stdout, status.stderr, status.exitCode), 'zpool status');
    expect(parsed).toMatchObject({ allHealthy: false, problems: [{ name: 'backup', state: 'DEGRADED', dataErrors: 0 }] });
    const recorded = expectOk(parseZpoolStatus(fixture('zfs', 'zpool-status-degraded-openzfs').stdout, '', 0), 'fixture');
    expect(Object.keys(parsed.problems[0]!).sort()).toEqual(Object.keys(recorded.problems[0]!).sort());

    const missing = await run('nas1', zfsListSnapshotsCommand('tank/nope'));
    expectSameFailure(parseZfsSnapshotList, missing, fixture('zfs', 'zfs-list-snapshots-missing-dataset'), 'missing dataset');
  });
});

describe('restic adapter', () => {
  it('snapshots of the cloud repository; the rotated password of the USB one', async () => {
    const cloud = await run(
      'docker1',
      snapshotsCommand({
        repository: 's3:https://s3.example.com/strata-restic',
        password: { file: '/root/.restic-cloud-pass' },
        env: { AWS_DEFAULT_REGION: 'eu-central-1' },
        secretEnv: { AWS_ACCESS_KEY_ID: { file: '/root/.s3-key-id' }, AWS_SECRET_ACCESS_KEY: { command: 'pass show s3/strata' } },
      }),
    );
    const snaps = expectOk(parseResticSnapshots(cloud.stdout, cloud.stderr, cloud.exitCode), 'restic snapshots');
    expect(snaps.length).toBeGreaterThan(10);
    expectSameShape(JSON.parse(cloud.stdout), [JSON.parse(fixture('restic', 'snapshots-0.17-normal').stdout), JSON.parse(fixture('restic', 'snapshots-0.17-grouped').stdout)], 'restic snapshots', { documented: ['parent', 'tags'] });
    const summaries = (JSON.parse(cloud.stdout) as { summary: Record<string, unknown> }[]).map((s) => s.summary);
    expectSameShape(summaries, (JSON.parse(fixture('restic', 'snapshots-0.17-normal').stdout) as { summary: unknown }[]).map((s) => s.summary), 'restic summary');

    const usb = await run('docker1', snapshotsCommand({ repository: '/mnt/usb/restic', password: { file: '/root/.restic-pass' } }));
    expectSameFailure(parseResticSnapshots, usb, fixture('restic', 'snapshots-0.17.1-wrong-password'), 'wrong password');
    const none = await run('docker1', snapshotsCommand({ repository: '/srv/restic-repo', password: { file: '/root/.restic-pass' } }));
    expectSameFailure(parseResticSnapshots, none, fixture('restic', 'snapshots-0.17-missing-repo'), 'missing repository');
  });
});

describe('rclone adapter', () => {
  it('lsjson of the Glacier remote; about (S3 has none); an unknown remote', async () => {
    const ls = await run('nas1', lsjsonCommand({ remote: 'glacier:strata-nas/data' }));
    const listing = expectOk(parseLsjson(ls.stdout, ls.stderr, ls.exitCode), 'lsjson');
    expect(JSON.stringify(listing)).toContain('GLACIER');
    expectSameShape(JSON.parse(ls.stdout), [JSON.parse(fixture('rclone', 'lsjson-s3-glacier').stdout)], 'lsjson');
    const about = await run('nas1', aboutCommand({ remote: 'glacier:strata-nas/data' }));
    const parsed = parseAbout(about.stdout, about.stderr, about.exitCode);
    // A backend without about is not an error of the layer.
    expect(parsed).toEqual({ ok: true, value: null });
    const unknown = await run('nas1', lsjsonCommand({ remote: 'nope:bucket' }));
    expectSameFailure(parseLsjson, unknown, fixture('rclone', 'lsjson-1.60-unknown-remote'), 'unknown remote');
  });
});

describe('config-backup adapter', () => {
  it('the find listing of the archives', async () => {
    const r = await run('pve1', listArchivesCommand('/var/backups/strata'));
    const archives = expectOk(parseArchiveList(r.stdout, r.stderr, r.exitCode), 'find');
    expect(archives).toHaveLength(14);
    const form = (text: string) => new Set(text.trimEnd().split('\n').map((l) => l.replace(/^\d+\.\d{10} \d+ \/\S+\/strata-config-[\w.-]+-\d{8}T\d{6}Z\.tar\.gz$/, 'ok')));
    expect(form(r.stdout)).toEqual(new Set(['ok']));
    expect(form(fixture('config-backup', 'find-archives-normal').stdout)).toEqual(new Set(['ok']));
    const missing = await run('pve1', listArchivesCommand('/var/backups/none'));
    expectSameFailure(parseArchiveList, missing, fixture('config-backup', 'find-archives-missing-dir'), 'missing dir');
  });
});
