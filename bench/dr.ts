/**
 * `npm run bench -- dr [bounds] [timeScale]`: the disaster lab rebuilt by
 * Strata's rebuild (guests by tier, restores in parallel up to the bound per
 * storage, each started and checked) against the same rebuild with the
 * restores one after another (the runbook way: bound 1), each on its own
 * fresh lab at the same time scale. Measured from the first step to tier 0
 * up and to every guest up, for each bound given (comma-separated, default
 * `2,3`: 2 is `strata dr run`'s default, 3 is every guest of a lab tier at
 * once). Target: all-guests-up ratio at most 0.6. Prints, does not assert.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateInventory } from '../src/domain/inventory.js';
import { startLab } from '../src/lab/index.js';
import { composeServices } from '../src/services/root.js';

interface Timing {
  readonly tier0Ms: number;
  readonly allMs: number;
  readonly guests: number;
  /** Of them, restored through a chain (their datastore restored from a copy first). */
  readonly chained: number;
}

async function rebuildOnce(parallel: number, timeScale: number): Promise<Timing> {
  const lab = await startLab({ scenario: 'disaster', timeScale });
  const state = mkdtempSync(join(tmpdir(), 'strata-bench-dr-'));
  const v = validateInventory(lab.config);
  if (!v.ok) throw new Error('the lab inventory is invalid');
  const services = composeServices({ inventory: v.inventory, configPath: lab.configPath, env: { STRATA_STATE_DIR: state } });
  try {
    const rebuild = await services.dr.start({ port: lab.freshNode!.port, parallelPerStorage: parallel });
    const t0 = performance.now();
    let tier0Ms = 0;
    let guests = 0;
    let chained = 0;
    for (let s = rebuild.next(); s && s.id !== 'report'; s = rebuild.next()) {
      const ran = await rebuild.run(s.id, { confirm: true, typedFingerprint: lab.freshNode!.fingerprint });
      if (ran.state !== 'done' && ran.state !== 'already-done') throw new Error(`step ${s.id} ended ${ran.state}: ${ran.detail}`);
      if (s.id === 'tier:tier0') tier0Ms = performance.now() - t0;
      guests += ran.guests?.length ?? 0;
      chained += ran.guests?.filter((g) => g.chainId !== undefined).length ?? 0;
    }
    const allMs = performance.now() - t0;
    await rebuild.close();
    return { tier0Ms, allMs, guests, chained };
  } finally {
    await services.close();
    await lab.stop();
    rmSync(state, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  const bounds = (args[0] ?? '2,3').split(',').map(Number);
  const timeScale = Number(args[1] ?? 1);
  const serial = await rebuildOnce(1, timeScale);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(7);
  console.log(`disaster lab rebuilt onto pve1-new (${serial.guests} guests: ${serial.guests - serial.chained} from pbs2, ${serial.chained} through a chain; lab time scale ${timeScale}), from the first step:`);
  console.log(`  one after another (the runbook way, bound 1): tier 0 up after ${s(serial.tier0Ms)}, all guests up after ${s(serial.allMs)}`);
  for (const bound of bounds) {
    const ordered = await rebuildOnce(bound, timeScale);
    const tier0 = ordered.tier0Ms / serial.tier0Ms;
    const all = ordered.allMs / serial.allMs;
    console.log(`  ordered parallel, bound ${bound} per storage:      tier 0 up after ${s(ordered.tier0Ms)}, all guests up after ${s(ordered.allMs)}`);
    console.log(`    ratio tier 0 up ${tier0.toFixed(2)}, all guests up ${all.toFixed(2)} (target <= 0.6: ${all <= 0.6 ? 'met' : 'NOT met'})`);
  }
}
