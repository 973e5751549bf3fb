/**
 * The real thing in a real terminal, under node-pty with the screen read back
 * through @xterm/headless. `strata demo`: the operator waits for the
 * dashboard, moves to a layer, starts a verify, sees its plan and its output,
 * goes back and quits; the process exits 0. Then `strata --config <lab>` (the
 * default command) against a lab this test starts, so it can look at the
 * lab's process table: a job cancelled with Esc really ends on the host.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { terminal } from '../helpers/terminal.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ scenario: 'healthy' });
});
afterAll(async () => {
  await lab?.stop();
});

describe('strata in a real terminal', () => {
  it('strata demo: dashboard, a layer, a verify with its plan and output, back, quit: exit 0', async () => {
    const state = mkdtempSync(join(tmpdir(), 'strata-pty-'));
    const t = terminal(['demo', '--scenario', 'healthy'], { STRATA_STATE_DIR: state });
    try {
      // Ready marker: the dashboard with a live reading (not only the saved one).
      const dash = await t.waitFor(/read \d+s ago/);
      expect(dash).toContain('Hosts × layers');
      expect(dash).toMatch(/HOST +snap +zfs-snap +vzdump +pbs/);
      expect(dash).toMatch(/^›pve1 /m);
      await t.press('j', 'l', 'l', 'l', 'l', '\r'); // pbs1, then across to its pbs column: pbs-local
      const layer = await t.waitFor('Dashboard › layer pbs-local');
      expect(layer).toContain('pbs on pbs1');
      await t.press('v');
      const plan = await t.waitFor('Run this? [y/N]');
      expect(plan).toMatch(/\$ proxmox-backup-manager verify usb/);
      expect(plan).toContain('CHANGES HOST pbs1');
      await t.press('y');
      const job = await t.waitFor(/✔ OK +on pbs1/, 30_000);
      // Whether the lab's snapshots still need a verify depends on the time of day; the end of PBS's log does not.
      expect(job).toMatch(/percentage done: 100\.00% \(\d+\/\d+ groups\)\nTASK OK/);
      expect(job).toMatch(/Result: verify ok: \d+ snapshots verified/);
      await t.press('\x1b');
      await t.waitFor(/Dashboard › layer pbs-local +/);
      await t.press('q');
      expect(await t.exit).toBe(0);
    } finally {
      t.child.kill();
    }
  }, 60_000);

  it('Esc on a running job ends the remote process; the job shows CANCELLED', async () => {
    const state = mkdtempSync(join(tmpdir(), 'strata-pty-'));
    const t = terminal(['--config', lab.configPath], { STRATA_STATE_DIR: state });
    try {
      await t.waitFor(/read \d+s ago/);
      await t.press('l', 'l', 'l', 'x'); // pve1's snap, zfs-snap (a gap), vzdump: run pve1-dump's job
      const plan = await t.waitFor('Run this? [y/N]');
      expect(plan).toMatch(/\$ vzdump /);
      await t.press('y');
      await t.waitFor(/⟳ RUNNING/);
      const until = Date.now() + 15_000;
      while (!lab.running('pve1').some((p) => p.argv[0] === 'vzdump') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(lab.running('pve1').map((p) => p.argv[0])).toContain('vzdump');
      await t.press('\x1b');
      await t.waitFor('■ CANCELLED', 20_000);
      expect(lab.running('pve1').map((p) => p.argv[0])).not.toContain('vzdump');
      await t.press('q');
      expect(await t.exit).toBe(0);
    } finally {
      t.child.kill();
    }
  }, 60_000);
});
