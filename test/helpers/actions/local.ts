/** Actions on this machine through the real LocalRunner: an inventory of one local host. */
import type { LayerFile } from '../../../src/domain/inventory-file.js';
import { planAction, executePlan, type ActionOutcome, type ActionPlan, type ActionRequest, type OutputLine } from '../../../src/services/actions/index.js';
import { LocalRunner } from '../../../src/transport/local-runner.js';
import { MemoryJournal } from './memory-journal.js';
import { testInventory } from './inventory.js';

export function localActions(layers: LayerFile[]) {
  const inventory = testInventory({ version: 1, hosts: [{ name: 'here', transport: 'local' }], layers });
  const runner = new LocalRunner('here');
  const journal = new MemoryJournal();
  const output: OutputLine[] = [];
  const ctx = { inventory, runnerFor: () => runner, lookupEnv: (n: string) => process.env[n], nowSec: () => Date.now() / 1000 };

  async function plan(req: ActionRequest): Promise<ActionPlan> {
    const r = await planAction(req, ctx);
    if (!r.ok) throw new Error(`plan failed: ${r.error.message}`);
    return r.value;
  }

  async function run(req: ActionRequest, signal?: AbortSignal): Promise<ActionOutcome> {
    return execute(await plan(req), signal);
  }

  function execute(p: ActionPlan, signal?: AbortSignal): Promise<ActionOutcome> {
    return executePlan(p, { runnerFor: () => runner, journal, operator: 'test', onOutput: (l) => output.push(l), ...(signal ? { signal } : {}) });
  }

  return { inventory, runner, journal, output, plan, run, execute, ctx };
}
