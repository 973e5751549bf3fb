/**
 * Slow session start: every host's ~/.bashrc takes 0.7 s under a lock (as
 * `pyenv init` does, whose rehash takes a lock), one lock for the four hosts,
 * as root's ~/.bashrc on the machine that found this: sessions on all of them
 * start one after another. Twenty readings in a row, each with new
 * connections and sessions (as cron runs `strata status`), must read every
 * layer of the four hosts: not one UNKNOWN. (Before the adaptive session pool
 * of the transport, readings here lost whole hosts: "the worker shell did not
 * start within 10000 ms".)
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { StatusReport } from '../../../../src/domain/status-report.js';
import { statusContract } from '../../../helpers/status/run-strata.js';
import { ESTATE_HOSTS, ROOT } from '../helpers/estate.js';
import type { Matrix } from '../helpers/matrix.js';

const READS = 20;

interface LoopRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
}

/** helpers/status-loop.ts in a child process: READS runs of `main(['status', '--json', ...])`, one session each. */
function readings(config: string, stateDir: string): Promise<{ runs: LoopRun[]; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/e2e/faults/helpers/status-loop.ts'), config, String(READS)], {
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

export function slowLogin(m: Matrix): void {
  it(`reads every layer of 4 hosts whose logins take 0.7 s each under one lock, ${READS} readings in a row: 0 UNKNOWN`, async () => {
    const estate = m.estate();
    const hosts = await Promise.all(ESTATE_HOSTS.map((h) => estate.addHost(h)));
    const lock = join(estate.dir, 'login.lock');
    for (const h of hosts) writeFileSync(join(h.home, '.bashrc'), `flock ${lock} sleep 0.7\n`);
    // The default probe timeout (20 s), not the estate's longer one: the wait for slow logins counts in it, and every probe must still end within it.
    const { probeTimeoutSeconds: _longer, ...inventory } = estate.inventory(Object.fromEntries(hosts.map((h) => [h.name, h.entry()])));
    const c = await m.prepare('slow-login', inventory);

    const { runs, code, stderr } = await readings(c.config, c.stateDir);
    expect(stderr).not.toMatch(/^ {4}at /m);
    expect(code).toBe(0);
    expect(runs).toHaveLength(READS);
    const notOk = runs.flatMap((r, i) => {
      expect(r.stderr).not.toMatch(/^ {4}at /m);
      const value: unknown = JSON.parse(r.stdout);
      statusContract.parse(value);
      const report = value as StatusReport;
      return report.layers.filter((l) => l.health !== 'ok').map((l) => `reading ${i + 1}: ${l.id} ${l.health}: ${l.reasons.join('; ')}`);
    });
    expect(notOk).toEqual([]);
    expect(runs.map((r) => r.code)).toEqual(runs.map(() => 0));
    // Every login really was slow: each reading started sessions on every host.
    for (const h of hosts) expect(h.sshd.sessionCount()).toBeGreaterThanOrEqual(READS);
  });
}
