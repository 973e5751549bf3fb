/**
 * The inventory's probeTimeoutSeconds bounds a planner's probes as it bounds
 * the collector's: the composition root gives it to every plan. On the lab,
 * with pve1 answering each command 2.5 s late, planning pve1-dump's backup job (it reads the node's jobs)
 * fails "timed out" under a 1 s timeout and succeeds under the default 20 s.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateInventory } from '../../../src/domain/inventory.js';
import { startLab, type Lab } from '../../../src/lab/index.js';
import { composeServices } from '../../../src/services/root.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ scenario: 'healthy' });
  lab.inject('pve1', { kind: 'latency', ms: 2_500 });
});
afterAll(async () => lab?.stop());

async function planWith(probeTimeoutSeconds: number | undefined) {
  const v = validateInventory({ ...lab.config, ...(probeTimeoutSeconds !== undefined ? { probeTimeoutSeconds } : {}) });
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  const services = composeServices({ inventory: v.inventory, configPath: lab.configPath, env: { STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-plan-timeout-')) } });
  try {
    return await services.actions.plan({ kind: 'run', layerId: 'pve1-dump' }).then(
      (plan) => ({ ok: true as const, plan }),
      (e: unknown) => ({ ok: false as const, message: e instanceof Error ? e.message : String(e) }),
    );
  } finally {
    await services.close();
  }
}

describe("a planner's probes", () => {
  it("time out after the inventory's probeTimeoutSeconds", async () => {
    const r = await planWith(1);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/timed out/);
  }, 60_000);

  it('end normally under the default 20 s, however slow the host', async () => {
    const r = await planWith(undefined);
    expect(r.ok, !r.ok ? r.message : '').toBe(true);
  }, 60_000);
});
