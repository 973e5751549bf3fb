/**
 * The healthy lab is healthy at every hour of the day, not only when the suite
 * happens to run: nightly jobs run for minutes, and a layer whose RPO is
 * exactly its schedule's period would turn WARN each day while its job runs.
 * The clock of a child process is moved through a day (every 5 minutes over
 * the nightly jobs, every 30 minutes after); each time the lab is built up to
 * that moment and read.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../helpers/lab/time-of-day-scan.mts', import.meta.url));
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

describe('the healthy lab around the clock', () => {
  it('is ok at every time of a day, through the nightly jobs', async () => {
    const nightly = Array.from({ length: (4 * 60) / 5 }, (_, i) => i * 5);
    const day = Array.from({ length: (20 * 60) / 30 }, (_, i) => 4 * 60 + i * 30);
    const times = [...nightly, ...day].map(hhmm);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, 'healthy', ...times], {
      env: { ...process.env, STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-day-')) },
      maxBuffer: 16 * 1024 * 1024,
    });
    const results = JSON.parse(stdout) as { at: string; overall: string; reasons: string[] }[];
    expect(results).toHaveLength(times.length);
    expect(results.filter((r) => r.overall !== 'ok')).toEqual([]);
  }, 120_000);
});
