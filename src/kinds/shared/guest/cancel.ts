/**
 * After a cancelled restore: PVE forwards the TERM to the restore task,
 * whose data phase dies and whose clean-up runs on (ignoring further
 * signals), then drops the config's `create` lock. Strata waits for that and
 * says what the task left, so "cancelled" means the task really stopped.
 */
import { guestConfigCommand } from '../../../adapters/pve/guest-commands.js';
import { parseGuestConfig } from '../../../adapters/pve/guest-parse.js';
import { runParsed } from '../../../adapters/shared/run.js';
import type { Runner } from '../../../transport/runner.js';
import type { PlanStep } from '../../action-types.js';
import { noun } from './words.js';

type RestoreHook = Extract<NonNullable<PlanStep['onCancel']>, { readonly kind: 'pve-restore' }>;

const POLL_MS = 300;

export async function awaitRestoreTask(hook: RestoreHook, runner: Runner, _sinceMs: number, timeoutMs: number): Promise<string | undefined> {
  const n = `${noun(hook.type)} ${hook.vmid}`;
  const end = Date.now() + timeoutMs;
  for (;;) {
    const c = await runParsed(runner, () => guestConfigCommand(hook.node, hook.type, hook.vmid), parseGuestConfig, { timeoutMs: Math.min(20_000, timeoutMs) });
    if (!c.ok) {
      if (c.error.kind === 'not-found') return `the restore task stopped; ${n} is gone`;
      return `could not read ${n} after the cancel: ${c.error.message}`;
    }
    if (c.value.lock !== 'create') {
      const disks = c.value.disks.filter((d) => !d.unused).length;
      return `the restore task stopped; ${n} is left ${disks === 0 ? 'as a stub config (no disks)' : `with ${disks} disk${disks === 1 ? '' : 's'}`}`;
    }
    if (Date.now() + POLL_MS > end) return `the restore task of ${n} still holds its lock after ${Math.round(timeoutMs / 1000)} s: check its task on ${hook.node}`;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
