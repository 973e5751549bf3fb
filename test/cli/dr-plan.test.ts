/**
 * `strata dr plan` on the disaster lab: pve1 and pbs1 are gone, pbs2 and the
 * cloud copies answer. Every guest comes back directly from pbs2, with the
 * restic copy of pbs1's datastore as a chain beside it; tiers in order with
 * their RTO; prerequisites checked where they live; a password file that is
 * not there is MISSING and the exit says the plan is not whole.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { DrPlan } from '../../src/domain/dr/types.js';
import type { InventoryFile } from '../../src/domain/inventory-file.js';
import { startLab, type Lab } from '../../src/lab/index.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ scenario: 'disaster' });
});
afterAll(async () => lab?.stop());

async function plan(config: string, args: string[] = []) {
  const io = memoryIo('', { STRATA_STATE_DIR: join(lab.dir, 'state') });
  const code = await main(['dr', 'plan', '--config', config, ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('strata dr plan on the disaster lab', () => {
  it('finds what survives and every guest a way back from pbs2, in tier order with the RTO', async () => {
    const r = await plan(lab.configPath, ['--json']);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout) as DrPlan;
    expect(p.lost).toMatchObject({ host: 'pve1', node: 'pve1', answers: false });
    const state = Object.fromEntries(p.copies.map((c) => [c.layerId, c.state]));
    expect(state).toMatchObject({ 'pve1-dump': 'gone', 'pbs-local': 'gone', 'pbs-remote': 'answers', 'restic-cloud': 'answers', 'pve1-config-offsite': 'gone' });
    expect(p.guests.map((g) => g.assetId)).toEqual(['vm/100', 'vm/101', 'ct/102', 'ct/103', 'vm/104', 'ct/105', 'vm/110', 'vm/111', 'vm/120', 'vm/121', 'vm/122']);
    for (const g of p.guests.filter((x) => x.assetId !== 'vm/111')) {
      expect(g.path).toMatchObject({ kind: 'direct', layerId: 'pbs-remote', host: 'pbs2' });
      expect(g.path!.ageSeconds).toBeGreaterThan(3 * 3600);
      expect(g.paths[1]).toMatchObject({ kind: 'chain', layerId: 'restic-cloud', via: ['pbs-local'] });
    }
    // pbs2's sync leaves vm/111 out: its only way back is the chain through restic-cloud's copy of pbs1's datastore.
    const vm111 = p.guests.find((g) => g.assetId === 'vm/111')!;
    expect(vm111.paths.map((x) => [x.kind, x.layerId])).toEqual([['chain', 'restic-cloud']]);
    expect(vm111.path!.steps.find((x) => x.kind === 'restore-datastore')!.expectedSeconds).toBeGreaterThan(3600);
    // vm/111's own restore is sized from the index files of its newest backup inside the copy
    // (jellyfin's 500 GiB disk); the chain runs just before tier2 and its time is the copy's size.
    const restore = vm111.path!.steps.find((x) => x.kind === 'guest-restore')!;
    expect(vm111.path!.estimate).toBe('about 1 h 25 min (estimate from 500.0 GiB at 100.0 MiB/s)');
    expect(restore.expectedSeconds).toBeGreaterThan(5_000);
    expect(p.steps.map((x) => x.id).slice(5, 9)).toEqual(['tier:tier0', 'tier:tier1', 'chains', 'tier:tier2']);
    expect(p.tiers.map((t) => [t.name, t.rtoSeconds, t.meetsRto])).toEqual([
      ['tier0', 4 * 3600, true],
      ['tier1', 8 * 3600, true],
      ['tier2', 86_400, true],
      ['tier3', 3 * 86_400, true],
    ]);
    const chains = p.steps.find((x) => x.id === 'chains')!.expectedSeconds!;
    expect(p.tiers[2]!.expectedUpAfterSeconds).toBe(p.tiers[1]!.expectedUpAfterSeconds! + chains + p.tiers[2]!.expectedSeconds!);
    expect(p.tiers[1]!.expectedUpAfterSeconds).toBeGreaterThan(p.tiers[0]!.expectedUpAfterSeconds!);
    const pre = Object.fromEntries(p.prerequisites.map((x) => [x.id, x.state]));
    expect(pre).toMatchObject({
      'config:pve1-config': 'unknown',
      'key:pve1': 'unknown',
      'fingerprint:pbs-remote': 'present',
      'secret:pbs-remote:PBS password or token secret of strata@pbs!ro': 'present',
      'secret:restic-cloud:AWS_SECRET_ACCESS_KEY': 'present',
    });
    // Its off-site copy is an rclone copy made from pve1: the keys to reach it were in pve1's rclone config.
    expect(p.prerequisites.find((x) => x.id === 'config:pve1-config')!.detail).toMatch(
      /pve1-config-offsite is reached from pve1, whose settings for it \(keys, config, password file\) are lost with it: read the copy from another machine with those settings kept beside the DR card$/,
    );
    expect(pre['fingerprint:pbs-local']).toBeUndefined();
    expect(p.blockers).toEqual([]);
  });

  it('prints the plan as text: copies, prerequisites, tiers within their RTO, steps, and that nothing changed', async () => {
    const r = await plan(lab.configPath);
    expect(r.stdout).toContain('DR plan: rebuild pve1 (pve1, 127.0.0.1), which does not answer');
    expect(r.stdout).toMatch(/pbs-remote +pbs +pbs2 +answers, off-site, 10 guests/);
    expect(r.stdout).toMatch(/tier0 \(RTO 4 h\): restores .+, up after .+, within the RTO/);
    expect(r.stdout).toContain('  4. Host configuration: the config.db route');
    expect(r.stdout).toContain('Nothing was changed.');
  });

  it("bounds each host by the inventory's probeTimeoutSeconds without --timeout, and by --timeout when given", async () => {
    const file: InventoryFile = { ...lab.config, probeTimeoutSeconds: 1 };
    const path = join(lab.dir, 'quick-timeout.json');
    writeFileSync(path, JSON.stringify(file));
    lab.inject('pbs2', { kind: 'latency', ms: 2_500 });
    try {
      const copyState = async (args: string[]) => (JSON.parse((await plan(path, ['--json', ...args])).stdout) as DrPlan).copies.find((c) => c.layerId === 'pbs-remote')!.state;
      expect(await copyState([])).not.toBe('answers');
      expect(await copyState(['--timeout', '30'])).toBe('answers');
    } finally {
      lab.clear('pbs2');
    }
  }, 120_000);

  it('marks a password file that is not there MISSING and exits 1; a bad --parallel is a usage error', async () => {
    const file: InventoryFile = { ...lab.config, layers: lab.config.layers.map((l) => (l.id === 'pbs-remote' ? { ...l, secret: { file: '/root/.no-such-token' } } : l)) };
    const path = join(lab.dir, 'missing-secret.json');
    writeFileSync(path, JSON.stringify(file));
    const r = await plan(path, ['--json']);
    expect(r.code).toBe(1);
    const p = JSON.parse(r.stdout) as DrPlan;
    const secret = p.prerequisites.find((x) => x.id === 'secret:pbs-remote:PBS password or token secret of strata@pbs!ro')!;
    expect(secret).toMatchObject({ state: 'missing', detail: '/root/.no-such-token: no such file', where: 'file /root/.no-such-token on pbs2' });
    expect(p.blockers.some((b) => b.startsWith('PBS password or token secret of strata@pbs!ro of pbs-remote: missing'))).toBe(true);
    expect((await plan(lab.configPath, ['--parallel', '0'])).code).toBe(64);
  });
});
