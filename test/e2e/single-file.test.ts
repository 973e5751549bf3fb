/**
 * The single-file Strata (`npm run package`, Node's single executable
 * application) on a machine that has nothing else: built once, copied to a
 * directory with no node_modules anywhere above it, run with an environment
 * holding only PATH=/usr/bin:/bin (and a HOME and state directory of its own),
 * against the lab over real SSH.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';

const root = join(import.meta.dirname, '..', '..');
let dir = '';
let exe = '';
let lab: Lab | undefined;

/** Asynchronous: the lab's SSH servers live in this process and must keep answering. */
async function strata(args: string[]) {
  const r = await execa(exe, args, {
    cwd: dir,
    env: { PATH: '/usr/bin:/bin', HOME: join(dir, 'home'), STRATA_STATE_DIR: join(dir, 'state') },
    extendEnv: false,
    reject: false,
    timeout: 90_000,
  });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  const built = spawnSync(process.execPath, [join(root, 'scripts/package.mjs')], { cwd: root, encoding: 'utf8', timeout: 240_000 });
  if (built.status !== 0) throw new Error(`npm run package failed (exit ${built.status}):\n${built.stdout}\n${built.stderr}`);
  dir = mkdtempSync(join(tmpdir(), 'strata-single-file-'));
  mkdirSync(join(dir, 'home'));
  exe = join(dir, 'strata');
  copyFileSync(join(root, 'build/strata'), exe);
  statSync(exe);
  spawnSync('chmod', ['755', exe]);
  lab = await startLab({ scenario: 'disaster' });
}, 300_000);

afterAll(async () => {
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the single file, with only PATH=/usr/bin:/bin', () => {
  it('prints its usage and runs the demo lab of its own', async () => {
    const help = await strata(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: strata');
    const demo = await strata(['demo', '--status']);
    expect(demo.stderr).toBe('');
    expect(demo.stdout).toMatch(/vm\/100/);
  }, 120_000);

  it('reads the disaster lab over SSH: status, the DR card and the DR plan', async () => {
    const status = await strata(['status', '--json', '--config', lab!.configPath]);
    const report = JSON.parse(status.stdout) as { hosts: { name: string; reachable: boolean }[] };
    expect(report.hosts.find((h) => h.name === 'pbs2')?.reachable).toBe(true);
    expect(report.hosts.find((h) => h.name === 'pve1')?.reachable).toBe(false);
    const card = await strata(['dr', 'card', '--config', lab!.configPath]);
    expect(card.code).toBe(0);
    expect(card.stdout).toContain(lab!.state.hosts.pbs2!.pbs!.certFingerprint);
    const plan = await strata(['dr', 'plan', '--json', '--config', lab!.configPath]);
    expect(plan.stdout.length).toBeGreaterThan(0);
    expect(() => JSON.parse(plan.stdout)).not.toThrow();
  }, 180_000);
});
