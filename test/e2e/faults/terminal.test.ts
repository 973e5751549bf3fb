/**
 * Fault matrix, in the real terminal: while a probe on pbs1 hangs (the
 * refresh waits for the probe timeout), the control panel keeps answering
 * keys, and quitting does not wait for the hung probe.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StatusReport } from '../../../src/domain/status-report.js';
import { terminal } from '../../helpers/terminal.js';
import { describeWithTools } from '../../helpers/tools.js';
import { startEstate, type Estate } from './helpers/estate.js';
import { healthyReading, seedLastReading } from './helpers/expect-fault.js';

/** Generous for a loaded machine; a panel that waited for the hung probe would take 20 s. */
const ANSWERS_WITHIN_MS = 3000;

describeWithTools(['sshd', 'restic', 'rclone'], 'fault matrix: the panel under a hanging probe', () => {
  let estate: Estate;
  let baseline: StatusReport;

  beforeAll(async () => {
    estate = await startEstate();
    baseline = await healthyReading(estate);
  }, 120_000);
  afterAll(async () => {
    await estate?.stop();
  });

  it('moves, opens the help and quits at once while the refresh waits on a probe that hangs', async () => {
    const pbs1 = await estate.addHost('pbs1');
    pbs1.scenario(estate.scenario('pbs1-hangs', 'pbs1-healthy', { 'proxmox-backup-client/snapshot-list.delay': '3600\n', 'proxmox-backup-client/snapshot-list.stdout': '[]\n' }));
    const config = estate.writeInventory('panel-hang', estate.inventory({ pbs1: pbs1.entry() }));
    const stateDir = estate.stateDir();
    await seedLastReading(config, stateDir, baseline);

    const t = terminal(['--config', config], { STRATA_STATE_DIR: stateDir });
    try {
      // The last reading at once, and the refresh under way.
      const first = await t.waitFor(/saved status from .* ago, refreshing…/);
      expect(first).toMatch(/^›pve1 /m);
      await waitUntil(() => pbs1.calls().some((c) => c[0] === 'proxmox-backup-client' && c[1] === 'snapshot'), 'pbs1 to be asked for its snapshots');

      const timed = async (keys: string[], expected: RegExp) => {
        const at = Date.now();
        await t.press(...keys);
        const screen = await t.waitFor(expected, ANSWERS_WITHIN_MS + 2000);
        return { screen, ms: Date.now() - at };
      };
      const down = await timed(['j'], /^›pbs1 /m);
      expect(down.ms).toBeLessThan(ANSWERS_WITHIN_MS);
      expect(down.screen).toMatch(/refreshing…/);
      const help = await timed(['?'], /Help — j\/k scroll, any other key closes/);
      expect(help.ms).toBeLessThan(ANSWERS_WITHIN_MS);
      const closed = await timed(['\x1b'], /^›pbs1 /m);
      expect(closed.ms).toBeLessThan(ANSWERS_WITHIN_MS);
      expect(closed.screen).toMatch(/refreshing…/);

      const quitAt = Date.now();
      await t.press('q');
      expect(await t.exit).toBe(0);
      expect(Date.now() - quitAt).toBeLessThan(ANSWERS_WITHIN_MS + 2000);
    } finally {
      t.child.kill();
    }
  }, 60_000);
});

async function waitUntil(test: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
