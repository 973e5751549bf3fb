/**
 * The restic semantics of the retention engine against the real restic
 * binary: snapshots with chosen times (`restic backup --time`), then
 * `restic forget --dry-run --json` for several policies must keep exactly
 * what planRetention keeps (semantics restic-0.14: the installed version).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseKeepOptions, planRetention } from '../../../src/domain/retention/index.js';
import { rng } from '../../helpers/nasty-strings.js';
import { describeWithTools } from '../../helpers/tools.js';

const run = promisify(execFile);
const ZONE = 'Europe/Berlin';

interface Snapshot {
  id: string;
  time: string;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Irregular wall-clock times in Berlin: bursts within an hour and a day, ISO week-year and DST boundaries, gaps of months. */
function chosenTimes(): string[] {
  const fixed = [
    '2023-12-31 23:59:00', // Sunday of 2023-W52
    '2024-01-01 00:01:00', // Monday of 2024-W01
    '2024-03-31 01:30:00', // just before the spring DST change
    '2024-03-31 03:30:00', // just after it
    '2024-10-27 01:30:00', // before the autumn change
    '2024-10-27 04:15:00', // after it
    '2024-12-29 10:00:00', // Sunday of 2024-W52
    '2024-12-30 10:00:00', // Monday: ISO week 2025-W01 while still 2024
    '2024-12-31 23:00:00',
    '2025-01-01 01:00:00',
    '2025-01-05 23:30:00', // Sunday of 2025-W01
    '2025-01-06 00:30:00', // Monday of 2025-W02
  ];
  const r = rng(2025);
  const out = new Set(fixed);
  let t = Date.UTC(2024, 10, 1, 8, 0, 0);
  while (out.size < 36) {
    // Steps from minutes to weeks, so hourly, daily and weekly rules all have work to do.
    const step = [7 * 60, 50 * 60, 5 * 3600, 26 * 3600, 3 * 86_400, 9 * 86_400][Math.floor(r() * 6)]!;
    t += step * 1000 * (0.5 + r());
    const d = new Date(t);
    if (d.getUTCMonth() === 9 && d.getUTCDate() >= 26) continue; // keep clear of the ambiguous autumn hour
    out.add(`${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00`);
  }
  return [...out];
}

const POLICIES = [
  'keep-last=5',
  'keep-hourly=6',
  'keep-daily=7',
  'keep-weekly=5',
  'keep-monthly=4',
  'keep-yearly=3',
  'keep-last=3,keep-daily=2',
  'keep-daily=4,keep-weekly=3,keep-monthly=2,keep-yearly=1',
  'keep-hourly=3,keep-weekly=8',
  'keep-within=10d',
  'keep-within=1m2d',
  'keep-within-daily=20d,keep-last=2',
  'keep-within-weekly=2m',
  'keep-within-hourly=3d,keep-within-monthly=1y',
  // restic 0.14 does not know -1: the rule is silently ignored.
  'keep-daily=-1,keep-last=2',
];

function resticFlags(policy: string): string[] {
  return policy.split(',').flatMap((item) => {
    const [name, value] = item.split('=');
    return [`--${name}`, value!];
  });
}

describeWithTools(['restic'], 'retention engine matches real restic 0.14 forget', () => {
  let dir: string;
  const env = () => ({
    ...process.env,
    TZ: ZONE,
    RESTIC_REPOSITORY: join(dir, 'repo'),
    RESTIC_PASSWORD: 'strata-test',
    RESTIC_CACHE_DIR: join(dir, 'cache'),
  });
  const restic = async (args: string[], repo = 'repo') => {
    const { stdout } = await run('restic', args, { env: { ...env(), RESTIC_REPOSITORY: join(dir, repo) }, maxBuffer: 64 << 20 });
    return stdout;
  };
  let snapshots: Snapshot[] = [];

  async function backupAll(times: string[], repo: string): Promise<Snapshot[]> {
    await restic(['init', '-q'], repo);
    const queue = [...times];
    // restic backup takes a shared lock, so a few can run at once.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let t = queue.shift(); t !== undefined; t = queue.shift()) {
          await restic(['backup', '-q', '--host', 'strata', '--time', t, join(dir, 'data')], repo);
        }
      }),
    );
    return JSON.parse(await restic(['snapshots', '--json'], repo)) as Snapshot[];
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-restic-'));
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'file'), 'strata');
    snapshots = await backupAll(chosenTimes(), 'repo');
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function engineKeeps(snaps: Snapshot[], policy: string): string[] {
    const keep = parseKeepOptions(policy);
    if (!keep.ok) throw new Error(keep.error.message);
    const byTime = new Map(snaps.map((s) => [Date.parse(s.time) / 1000, s]));
    return planRetention(
      snaps.map((s) => ({ timeSec: Date.parse(s.time) / 1000 })),
      keep.value,
      { semantics: 'restic-0.14', timeZone: ZONE, nowSec: Date.now() / 1000 },
    )
      .filter((d) => d.action === 'keep')
      .map((d) => byTime.get(d.timeSec)!.time)
      .sort();
  }

  async function resticKeeps(policy: string, repo = 'repo'): Promise<string[]> {
    const groups = JSON.parse(await restic(['forget', '--dry-run', '--json', ...resticFlags(policy)], repo)) as {
      keep: Snapshot[] | null;
    }[];
    expect(groups).toHaveLength(1);
    return (groups[0]!.keep ?? []).map((s) => s.time).sort();
  }

  it('made the snapshots at the chosen times', () => {
    expect(snapshots).toHaveLength(36);
    expect(new Set(snapshots.map((s) => s.time)).size).toBe(36);
  });

  for (const policy of POLICIES) {
    it(`keeps what restic keeps with ${policy}`, async () => {
      const expected = await resticKeeps(policy);
      expect(expected.length).toBeGreaterThan(0);
      expect(engineKeeps(snapshots, policy)).toEqual(expected);
    });
  }

  it('measures keep-within from the newest snapshot that is not in the future', async () => {
    const future = await backupAll(['2024-05-01 12:00:00', '2024-05-20 12:00:00', '2024-06-01 12:00:00', '2099-01-01 12:00:00'], 'future');
    for (const policy of ['keep-within=30d', 'keep-within=80y']) {
      const expected = await resticKeeps(policy, 'future');
      expect(engineKeeps(future, policy)).toEqual(expected);
    }
  }, 60_000);
});
