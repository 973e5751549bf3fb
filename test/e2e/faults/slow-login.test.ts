/**
 * Fault matrix, slow session start: every host's ~/.bashrc takes 0.7 s under
 * a lock (as `pyenv init` does), so sessions on one host start one after
 * another. Twenty readings in a row, each with new connections, must read
 * every layer of the four hosts: not one UNKNOWN.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { statusContract } from '../../status/helpers/run-strata.js';
import type { StatusReport } from '../../../src/domain/status-report.js';
import { describeWithTools } from '../../helpers/tools.js';
import { ESTATE_HOSTS, ROOT, startEstate, type Estate } from './helpers/estate.js';

const READS = 20;

interface LoopRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
}

/** Runs helpers/status-loop.ts in a child process and returns its runs. */
function readings(config: string, stateDir: string): Promise<{ runs: LoopRun[]; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'helpers/status-loop.ts'), config, String(READS)], {
      cwd: ROOT,
      env: { ...process.env, STRATA_STATE_DIR: stateDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      const runs = out
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as LoopRun);
      resolve({ runs, code, stderr: err });
    });
  });
}

describeWithTools(['sshd', 'restic', 'rclone'], 'fault matrix: slow session start', () => {
  let estate: Estate;

  beforeAll(async () => {
    estate = await startEstate();
    for (const h of ESTATE_HOSTS) writeFileSync(join(estate.hosts[h].home, '.bashrc'), 'flock "$HOME/.rc.lock" sleep 0.7\n');
  }, 120_000);
  afterAll(async () => {
    await estate?.stop();
  });

  it(`reads every layer of 4 hosts whose logins take 0.7 s each under a lock, ${READS} readings in a row: 0 UNKNOWN`, async () => {
    const config = estate.writeInventory('slow-login', estate.inventory());
    const { runs, code, stderr } = await readings(config, estate.stateDir());
    expect(stderr).not.toMatch(/^ {4}at /m);
    expect(code).toBe(0);
    expect(runs).toHaveLength(READS);
    const unknown = runs.flatMap((r, i) => {
      expect(r.stderr).not.toMatch(/^ {4}at /m);
      const value: unknown = JSON.parse(r.stdout);
      statusContract.parse(value);
      const report = value as StatusReport;
      return report.layers.filter((l) => l.health !== 'ok').map((l) => `reading ${i + 1}: ${l.id} ${l.health}: ${l.reasons.join('; ')}`);
    });
    expect(unknown).toEqual([]);
    expect(runs.map((r) => r.code)).toEqual(runs.map(() => 0));
    // Each login really was slow: sshd started sessions one after another on each host.
    for (const h of ESTATE_HOSTS) expect(estate.hosts[h].sshd.sessionCount()).toBeGreaterThanOrEqual(READS);
  }, 240_000);
});
