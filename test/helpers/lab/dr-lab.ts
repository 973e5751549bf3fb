/**
 * A disaster lab with Strata's services composed on its inventory, for the DR
 * rebuild's service tests, and a rebuild walked through its first steps.
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import { startLab, type Lab, type LabOptions } from '../../../src/lab/index.js';
import type { Rebuild, RebuildStepId } from '../../../src/services/dr/api.js';
import { loadInventory } from '../../../src/services/inventory-loader.js';
import { composeServices, type Services } from '../../../src/services/root.js';

export interface DrLab {
  readonly lab: Lab;
  readonly services: Services;
  /** STRATA_STATE_DIR of the services: the lab's `state` directory. */
  readonly stateDir: string;
  stop(): Promise<void>;
}

/** The disaster scenario (time scale 0.05 unless given) and services on it, reading as the CLI would. */
export async function startDrLab(o: Omit<LabOptions, 'scenario'> = {}): Promise<DrLab> {
  const lab = await startLab({ timeScale: 0.05, ...o, scenario: 'disaster' });
  const loaded = await loadInventory(lab.configPath);
  if (!loaded.ok) throw new Error(`the lab's inventory does not load: ${JSON.stringify(loaded)}`);
  const stateDir = join(lab.dir, 'state');
  const services = composeServices({ inventory: loaded.inventory, configPath: lab.configPath, env: { STRATA_STATE_DIR: stateDir }, agentWaitMs: 15_000 });
  return {
    lab,
    services,
    stateDir,
    async stop() {
      await services.close();
      await lab.stop();
    },
  };
}

/** A rebuild onto the lab's fresh node, its host key compared, then each of `steps` run and done. */
export async function rebuildThrough(d: DrLab, steps: readonly RebuildStepId[]): Promise<Rebuild> {
  const rebuild = await d.services.dr.start({ port: d.lab.freshNode!.port });
  await rebuild.run('node', { typedFingerprint: d.lab.freshNode!.fingerprint });
  for (const id of steps) expect([id, (await rebuild.run(id, { confirm: true })).state]).toEqual([id, 'done']);
  return rebuild;
}
