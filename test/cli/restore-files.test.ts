/**
 * `strata restore --path|--dataset|--resume` as commands, in-process against
 * the lab (each call opens its own session, as a new process would): the
 * sources as JSON, a plan that changes nothing without --yes, a run with
 * its checks, the typed word for a rollback (missing or wrong: exit 64,
 * nothing run), and a Glacier thaw that exits 75 with an id a later
 * `--resume` finishes.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { run as restore } from '../../src/cli/restore.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { usbRanksFirst } from '../helpers/lab/fresher.js';

const ROOT = resolve(import.meta.dirname, '../..');
let lab: Lab;
let env: Record<string, string>;

beforeAll(async () => {
  lab = await startLab({ scenario: 'healthy', timeScale: 0.05 });
  env = { STRATA_CONFIG: lab.configPath, STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-cli-files-')), USER: 'tester' };
});
afterAll(async () => {
  await lab?.stop();
});

const journal = () => join(env.STRATA_STATE_DIR!, 'journal.jsonl');
const journalLength = () => (existsSync(journal()) ? readFileSync(journal(), 'utf8').trim().split('\n').length : 0);
async function cli(args: string[]) {
  const io = memoryIo('', env);
  const code = await restore(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('strata restore --path / --dataset / --resume', () => {
  it('--sources --json prints the ranked sources of a path, and changes nothing', async () => {
    const r = await cli(['--path', 'docker1:/srv/app/config', '--sources', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { sources: { sources: { rank: number; layerId: string; start: string; point: { timeSec: number } }[] } };
    // Which of the two ranks first depends on the time of day (test/helpers/lab/fresher.ts).
    const order = usbRanksFirst(out.sources.sources) ? ['restic-usb', 'restic-cloud'] : ['restic-cloud', 'restic-usb'];
    expect(out.sources.sources.map((s) => [s.rank, s.layerId])).toEqual([
      [1, order[0]],
      [2, order[1]],
    ]);
    expect(out.sources.sources[0]!.start).toBe('/srv/app/config');
    const text = await cli(['--path', 'pve1:/etc/pve', '--sources']);
    expect(text.out).toMatch(/Sources, best first:\n {3}1\. pbs-local \(pbs-archive\)/);
    expect(journalLength()).toBe(0);
  });

  it('without --yes prints the plan and changes nothing; with --yes restores and checks (exit 0)', async () => {
    const dry = await cli(['--path', 'docker1:/srv/app/config', '--to', '/restore/cli']);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('restic restore');
    expect(dry.out).toContain('Nothing was changed. To run it: the same command with --yes.');
    expect(Object.keys(lab.state.hosts.docker1!.fs.files).some((p) => p.startsWith('/restore/cli/'))).toBe(false);
    const r = await cli(['--path', 'docker1:/srv/app/config', '--to', '/restore/cli', '--yes', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { result: { state: string; checks: { state: string }[] } };
    expect(out.result.state).toBe('restored');
    expect(out.result.checks.map((c) => c.state)).toEqual(['passed']);
    expect(lab.state.hosts.docker1!.fs.files['/restore/cli/srv/app/config/app.yaml']).toBeDefined();
  });

  it('--dataset with a rollback: exit 64 without or with a wrong --confirm, nothing run; the dataset typed runs it', async () => {
    const before = journalLength();
    const snaps = lab.state.hosts.nas1!.zfs!.datasets['tank/data']!.snapshots;
    const older = [...snaps].sort((a, b) => a.createtxg - b.createtxg).at(-2)!;
    const point = new Date(older.creation * 1000).toISOString();
    const plan = await cli(['--dataset', 'tank/data', '--method', 'rollback', '--point', point]);
    expect(plan.code).toBe(0);
    expect(plan.out).toContain('THIS REPLACES OR DESTROYS:');
    expect(plan.out).toContain('--confirm tank/data');
    expect((await cli(['--dataset', 'tank/data', '--method', 'rollback', '--point', point, '--yes'])).code).toBe(64);
    expect((await cli(['--dataset', 'tank/data', '--method', 'rollback', '--point', point, '--yes', '--confirm', 'tank/media'])).code).toBe(64);
    expect(journalLength()).toBe(before);
    const r = await cli(['--dataset', 'tank/data', '--method', 'rollback', '--point', point, '--yes', '--confirm', 'tank/data']);
    expect(r.code).toBe(0);
    expect(lab.state.hosts.nas1!.zfs!.datasets['tank/data']!.snapshots.at(-1)!.name).toBe(older.name);
  });

  it('a Glacier copy: the thaw is requested and saved (exit 75), --resume in another process later copies and checks', async () => {
    const r = await cli(['--path', 'nas1:/tank/data/db', '--from', 'nas-glacier', '--to', '/restore/cli-cold', '--priority', 'Bulk', '--yes']);
    expect(r.code).toBe(75);
    const id = /--resume (thaw-[0-9TZ]+-[0-9a-f]{8})/.exec(r.out)?.[1];
    expect(id).toBeDefined();
    // Another process (node bin/strata.js) resumes it: the saved state is all it has.
    const child = async () =>
      new Promise<{ code: number; out: string; err: string }>((done) => {
        execFile(process.execPath, [join(ROOT, 'bin/strata.js'), 'restore', '--resume', id!, '--json'], { env: { ...process.env, ...env, STRATA_FROM_SOURCE: '1' }, timeout: 120_000 }, (e, out, err) =>
          done({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out, err }),
        );
      });
    let res = await child();
    for (let i = 0; i < 40 && res.code === 75; i++) {
      await new Promise((f) => setTimeout(f, 250));
      res = await child();
    }
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.out) as { result: { state: string; thaw: { counts: { thawed: number } } } };
    expect(out.result.state).toBe('restored');
    expect(out.result.thaw.counts.thawed).toBeGreaterThan(0);
    expect((await cli(['--resume', 'thaw-20260101T000000-deadbeef'])).code).toBe(2);
  }, 300_000);

  it('usage errors are exit 64', async () => {
    expect((await cli(['--path', 'docker1:/srv/app', '--dataset', 'tank/data'])).code).toBe(64);
    expect((await cli(['--path', 'docker1:/srv/app', '--method', 'teleport'])).code).toBe(64);
    expect((await cli(['--path', 'docker1:/srv/app', '--to', 'relative/dir'])).code).toBe(64);
  });
});
