/**
 * One whole restore wizard in a real terminal: `strata demo` under node-pty,
 * the screen read back through @xterm/headless. R on the dashboard, the first
 * guest, its best source, a new VMID, the preflight, the plan, y; the
 * progress streams, the checks pass, Esc closes the wizard, q quits: exit 0.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { terminal } from '../helpers/terminal.js';

describe('the restore wizard in a real terminal', () => {
  it('strata demo: R, a guest restored to a new VMID from its best source, checked; Esc, q: exit 0', async () => {
    const state = mkdtempSync(join(tmpdir(), 'strata-pty-restore-'));
    const t = terminal(['demo', '--scenario', 'healthy'], { STRATA_STATE_DIR: state });
    try {
      await t.waitFor(/read \d+s ago/);
      await t.press('R');
      const workloads = await t.waitFor('[Workload]');
      expect(workloads).toMatch(/› vm\/100 +web01/);
      await t.press('\r');
      const sources = await t.waitFor('best first');
      expect(sources).toMatch(/› +1 pbs-local .* LAN /);
      await t.press('\r');
      const target = await t.waitFor('[Target]');
      expect(target).toMatch(/› Restore to +‹ a new guest at the next free VMID/);
      await t.press('\r');
      const pre = await t.waitFor(/Every check passed|A check failed|Cannot plan/);
      expect(pre).toContain('Every check passed');
      const vmid = /VMID (\d+) is free/.exec(pre)?.[1];
      expect(vmid).toBeDefined();
      await t.press('\r');
      expect(await t.waitFor('[Plan]')).toMatch(new RegExp(`\\$ qmrestore pbs1:backup/vm/100/\\S+ ${vmid} --unique 1`));
      await t.press('\r');
      await t.waitFor('Run this? [y/N]');
      await t.press('y');
      const progress = await t.waitFor(/disk 1 of 1 \[█*░*\] +\d+ %/);
      expect(progress).toMatch(/⟳ RUNNING · Restore vm\/100 from pbs-local/);
      expect(progress).toMatch(/ETA \d/);
      const done = await t.waitFor('[Done]', 60_000);
      expect(done).toContain('✔ RESTORED and checked');
      expect(done).toMatch(new RegExp(`✔ passed +VM ${vmid} exists with its disks`));
      await t.press('\x1b');
      await t.waitFor('Hosts × layers');
      await t.press('q');
      expect(await t.exit).toBe(0);
    } finally {
      t.child.kill();
    }
  }, 120_000);
});
