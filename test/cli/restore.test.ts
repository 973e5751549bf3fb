/**
 * `strata restore`, `strata drill` and `strata demo --serve` as commands,
 * in-process against the lab: without --yes nothing changes; a plan that
 * destroys needs the shown word (missing or wrong: exit 64, nothing run);
 * the exit codes; JSON output; a served lab another shell can use.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as drill } from '../../src/cli/drill.js';
import { serve } from '../../src/cli/demo.js';
import { memoryIo } from '../../src/cli/io.js';
import { run as restore } from '../../src/cli/restore.js';
import { startLab, type Lab } from '../../src/lab/index.js';

let lab: Lab;
let env: Record<string, string>;

beforeAll(async () => {
  lab = await startLab({ scenario: 'healthy', timeScale: 0.05 });
  env = { STRATA_CONFIG: lab.configPath, STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-cli-restore-')), USER: 'tester' };
});
afterAll(async () => {
  await lab?.stop();
});

const pve = () => lab.state.hosts.pve1!.pve!;
const journal = () => join(env.STRATA_STATE_DIR!, 'journal.jsonl');
const journalLength = () => (existsSync(journal()) ? readFileSync(journal(), 'utf8').trim().split('\n').length : 0);
async function cli(run: typeof restore, args: string[]) {
  const io = memoryIo('', env);
  const code = await run(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('strata restore', () => {
  it('without --yes prints the ranked sources and the plan, and changes nothing', async () => {
    const guests = Object.keys(pve().guests).length;
    const r = await cli(restore, ['--asset', 'vm/100']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Sources, best first:\n {3}1\. pbs-local/);
    expect(r.out).toContain('Commands:\n  1. pve1: qmrestore pbs1:backup/vm/100/');
    expect(r.out).toContain('Nothing was changed. To run it: the same command with --yes.');
    expect(Object.keys(pve().guests).length).toBe(guests);
    expect(journalLength()).toBe(0);
  });

  it('with --yes restores and checks (exit 0); --json prints sources, plan and result', async () => {
    const r = await cli(restore, ['--asset', 'vm/104', '--from', 'pve1-dump', '--to', '930', '--start', '--yes', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { plan: { target: { vmid: number } }; result: { state: string; checks: { state: string }[] } };
    expect(out.plan.target.vmid).toBe(930);
    expect(out.result.state).toBe('restored');
    expect(out.result.checks.map((c) => c.state)).toEqual(['passed', 'passed', 'passed']);
    expect(pve().guests['930']).toMatchObject({ name: 'monitor01', status: 'running' });
  });

  it('over the original: without --confirm, or with the wrong word, exit 64 and nothing runs; the shown word runs it', async () => {
    pve().guests['105']!.status = 'stopped';
    const plan = await cli(restore, ['--asset', 'ct/105', '--from', 'pve1-dump', '--to', 'original', '--storage', 'local-lvm']);
    expect(plan.out).toContain('THIS DESTROYS:\n  - every volume of CT 105');
    expect(plan.out).toContain('To run it, type the word: --confirm 105');
    const before = journalLength();
    const disks = JSON.stringify(pve().guests['105']!.disks);
    const missing = await cli(restore, ['--asset', 'ct/105', '--from', 'pve1-dump', '--to', 'original', '--storage', 'local-lvm', '--yes']);
    expect(missing.code).toBe(64);
    expect(missing.err).toContain('type 105 to confirm');
    const wrong = await cli(restore, ['--asset', 'ct/105', '--from', 'pve1-dump', '--to', 'original', '--storage', 'local-lvm', '--yes', '--confirm', '1O5']);
    expect(wrong.code).toBe(64);
    expect(wrong.err).toContain('"1O5" is not 105: nothing was run');
    expect(journalLength()).toBe(before);
    expect(JSON.stringify(pve().guests['105']!.disks)).toBe(disks);
    const right = await cli(restore, ['--asset', 'ct/105', '--from', 'pve1-dump', '--to', 'original', '--storage', 'local-lvm', '--yes', '--confirm', '105']);
    expect(right.code).toBe(0);
    expect(right.out).toContain('RESTORED: restore of ct/105 from pve1-dump to CT 105');
  });

  it('restored, but a check failed: exit 1, the guest is there and the failed check is said', async () => {
    // A disk added to the guest after its backups: the restored copy comes back without it.
    const live = pve().guests['104']!;
    const disks = live.disks;
    live.disks = [...disks, { key: 'scsi3', volume: 'local-lvm:vm-104-disk-3', size: 8 * 1024 ** 3 }];
    try {
      const r = await cli(restore, ['--asset', 'vm/104', '--from', 'pve1-dump', '--to', '932', '--yes']);
      expect(r.code).toBe(1);
      expect(r.err + r.out).toMatch(/FAILED.*missing disk scsi3/);
      expect(pve().guests['932']).toMatchObject({ name: 'monitor01' });
    } finally {
      live.disks = disks;
    }
  });

  it('a plan whose preflight fails exits 2 and runs nothing', async () => {
    const r = await cli(restore, ['--asset', 'vm/100', '--from', 'pve1-dump', '--to', 'original', '--yes', '--confirm', '100']);
    expect(r.code).toBe(2);
    expect(r.out).toContain('[FAILED] VM 100 is stopped: VM 100 is running');
  });

  it('usage errors exit 64', async () => {
    expect((await cli(restore, [])).code).toBe(64);
    expect((await cli(restore, ['--asset', 'vm/100', '--to', 'elsewhere'])).code).toBe(64);
    expect((await cli(restore, ['--asset', 'vm/100', '--point', 'yesterday'])).code).toBe(64);
    expect((await cli(restore, ['--asset', 'vm/100', '--confirm', '100'])).code).toBe(64);
  });
});

describe('strata drill', () => {
  it('drills a guest and exits 0; --json carries the checks', async () => {
    const r = await cli(drill, ['--asset', 'ct/102', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { plan: { kind: string; target: { storage: string } }; result: { state: string; summary: string } };
    expect(out.plan).toMatchObject({ kind: 'drill', target: { storage: 'local-zfs' } });
    expect(out.result.summary).toContain('scratch copy removed');
  });

  it('refuses a scratch VMID that exists (exit 2) and takes --plan as look only', async () => {
    const taken = await cli(drill, ['--asset', 'vm/100', '--scratch', '101']);
    expect(taken.code).toBe(2);
    expect(taken.out).toContain('a drill never overwrites a guest');
    const before = journalLength();
    expect((await cli(drill, ['--rotate', 'tier1', '--plan'])).code).toBe(0);
    expect(journalLength()).toBe(before);
    expect((await cli(drill, ['--asset', 'vm/100', '--rotate', 'tier1'])).code).toBe(64);
  });
});

describe('strata demo --serve', () => {
  it('keeps a lab running and prints its inventory path until told to stop', async () => {
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const io = memoryIo('', {});
    const done = serve({ scenario: 'healthy', extraPveNodes: 0, latencyMs: 0 }, io, until);
    for (let i = 0; i < 200 && !io.stdout.includes('inventory:'); i++) await new Promise((r) => setTimeout(r, 50));
    const path = /inventory: (\S+)/.exec(io.stdout)![1]!;
    expect(existsSync(path)).toBe(true);
    expect(io.stdout).toContain(`export STRATA_CONFIG=${path} STRATA_STATE_DIR=`);
    // Another "shell" can use it now.
    const other = memoryIo('', { STRATA_CONFIG: path, STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-serve-')) });
    expect(await restore(['--asset', 'vm/100', '--json'], other)).toBe(0);
    stop();
    expect(await done).toBe(0);
    expect(existsSync(path)).toBe(false);
  });
});
