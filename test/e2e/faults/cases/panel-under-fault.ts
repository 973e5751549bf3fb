/**
 * In the real terminal: while a probe on pbs1 hangs (the refresh waits for
 * the probe timeout), the control panel keeps answering keys, and quitting
 * does not wait for the hung probe.
 */
import { expect, it } from 'vitest';
import { terminal } from '../../../helpers/terminal.js';
import { until, type Matrix } from '../helpers/matrix.js';

/** Generous for a loaded machine; a panel that waited for the hung probe would take 20 s. */
const ANSWERS_WITHIN_MS = 3000;

export function panelUnderFault(m: Matrix): void {
  it('moves, opens the help and quits at once while the refresh waits on a probe that hangs', async () => {
    const estate = m.estate();
    const pbs1 = await estate.addHost('pbs1');
    pbs1.scenario(estate.scenario('pbs1-hangs-panel', 'pbs1-healthy', { 'proxmox-backup-client/snapshot-list.delay': '3600\n', 'proxmox-backup-client/snapshot-list.stdout': '[]\n' }));
    const c = await m.prepare('panel-hang', estate.inventory({ pbs1: pbs1.entry() }));

    const t = terminal(['--config', c.config], { STRATA_STATE_DIR: c.stateDir });
    try {
      // The last reading at once, and the refresh under way.
      const first = await t.waitFor(/saved status from .* ago, refreshing…/);
      expect(first).toMatch(/^›pve1 /m);
      await until(() => pbs1.calls().some((call) => call[0] === 'proxmox-backup-client' && call[1] === 'snapshot'), 'pbs1 to be asked for its snapshots');

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
  });
}
