/**
 * What the cases of the fault matrix share: one estate of healthy hosts, its
 * healthy reading (through the real CLI), and a way to prepare a case (an
 * inventory of its own, pointing at the hosts it breaks, and a state
 * directory whose last reading is the healthy one). Cases break hosts of
 * their own (`estate.addHost`), so they can run at the same time.
 */
import { afterAll, beforeAll } from 'vitest';
import type { InventoryFile } from '../../../../src/domain/inventory-file.js';
import type { StatusReport } from '../../../../src/domain/status-report.js';
import { startEstate, type Estate } from './estate.js';
import { healthyReading, seedLastReading } from './expect-fault.js';

export interface Matrix {
  estate(): Estate;
  /** The healthy reading every case starts from. */
  baseline(): StatusReport;
  /** Writes the case's inventory and a state directory whose last reading is the healthy one. */
  prepare(name: string, inventory: InventoryFile): Promise<{ config: string; stateDir: string }>;
}

/** Starts the estate and reads it once before the cases, stops it after. */
export function useMatrix(): Matrix {
  let estate: Estate | undefined;
  let baseline: StatusReport | undefined;
  beforeAll(async () => {
    estate = await startEstate();
    baseline = await healthyReading(estate);
  }, 120_000);
  afterAll(async () => {
    await estate?.stop();
  });
  const ready = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the estate did not start');
    return v;
  };
  return {
    estate: () => ready(estate),
    baseline: () => ready(baseline),
    async prepare(name, inventory) {
      const config = ready(estate).writeInventory(name, inventory);
      const stateDir = ready(estate).stateDir();
      await seedLastReading(config, stateDir, ready(baseline));
      return { config, stateDir };
    },
  };
}

/** Polls until `test` holds. */
export async function until(test: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
