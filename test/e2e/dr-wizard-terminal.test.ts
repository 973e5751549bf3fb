/**
 * The DR screen and the first steps of the rebuild in a real terminal:
 * `strata demo --scenario disaster` under node-pty, the screen read back
 * through @xterm/headless. X shows the plan; Enter opens the rebuild wizard
 * at the new node, whose host key is trusted only once its fingerprint is
 * typed (a wrong one is refused); the identity and network steps run
 * read-only; the host config step asks y/N, and n leaves it saved; Enter on
 * the DR screen resumes there; Esc, q: exit 0.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { terminal } from '../helpers/terminal.js';

describe('the rebuild wizard in a real terminal', () => {
  it('strata demo --scenario disaster: X, the plan, Enter, the host key typed, identity and network, host config asked and left; resumed; q: exit 0', async () => {
    const state = mkdtempSync(join(tmpdir(), 'strata-pty-dr-'));
    const t = terminal(['demo', '--scenario', 'disaster'], { STRATA_STATE_DIR: state });
    try {
      await t.waitFor(/read \d+s ago/, 30_000);
      await t.press('X');
      const plan = await t.waitFor('Plan read', 30_000);
      expect(plan).toContain('Rebuild pve1 (node pve1, 127.0.0.1): it does not answer');
      expect(plan).toMatch(/✔ answers +pbs-remote +pbs +pbs2 +off-site · 10 guests/);
      await t.press('\r');
      const node = await t.waitFor(/offers a NEW host key[\s\S]*Enter: compare the host key/, 30_000);
      expect(node).toContain('[Node]');
      const fingerprint = /(SHA256:[A-Za-z0-9+/=]+)/.exec(node)?.[1];
      expect(fingerprint).toBeDefined();
      await t.press('\r');
      await t.waitFor('and type the fingerprint it prints');
      // A wrong fingerprint trusts nothing.
      await t.press(...'SHA256:not-the-key', '\r');
      await t.waitFor('the key is NOT trusted');
      for (let i = 0; i < 'SHA256:not-the-key'.length; i++) await t.press('\x7f');
      await t.press(...fingerprint!, '\r');
      await t.waitFor(/✔ DONE[\s\S]*Enter: the next step/, 30_000);
      await t.press('\r');
      await t.waitFor(/\[Identity\][\s\S]*Enter runs this read-only step/, 30_000);
      await t.press('\r');
      await t.waitFor(/✔ (ALREADY )?DONE[\s\S]*Enter: the next step/, 30_000);
      await t.press('\r');
      const network = await t.waitFor(/\[Network\][\s\S]*Enter runs this read-only step/, 30_000);
      expect(network).toMatch(/does NOT\s+apply it/);
      await t.press('\r');
      await t.waitFor(/Enter: the next step/, 30_000);
      await t.press('\r');
      const hostConfig = await t.waitFor(/\[Host config\][\s\S]*Run this step\? \[y\/N\]/, 30_000);
      expect(hostConfig).toContain('systemctl stop pve-cluster');
      // n: not now. The rebuild stays saved; Enter on the DR screen resumes at the same step.
      await t.press('n');
      await t.waitFor('Plan read');
      await t.press('\r');
      const resumed = await t.waitFor(/resumed from the saved state[\s\S]*Run this step\? \[y\/N\]/, 30_000);
      expect(resumed).toContain('[Host config]');
      expect(resumed).toMatch(/✔Node › ✔Identity › ✔Network › \[Host config\]/);
      await t.press('\x1b');
      await t.waitFor('Plan read');
      await t.press('q');
      expect(await t.exit).toBe(0);
    } finally {
      t.child.kill();
    }
  }, 180_000);
});
