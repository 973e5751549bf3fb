/**
 * Whether a guarded clean-up or tear-down step may run now: never remove or
 * stop a guest this plan did not create. The step that creates it must have
 * started and not been refused (a refusal means the id may be someone
 * else's); the guest must exist; a restore task still cleaning up after a
 * cancel holds the `create` lock, so the guard waits for it first.
 */
import { guestConfigCommand, statusCommand } from '../../../adapters/pve/guest-commands.js';
import { parseGuestConfig, parseGuestStatus, type GuestConfig } from '../../../adapters/pve/guest-parse.js';
import { runParsed } from '../../../adapters/shared/run.js';
import type { Result } from '../../../domain/types.js';
import type { Runner } from '../../../transport/runner.js';
import type { StepGuard } from '../../action-types.js';
import { noun } from './words.js';

export interface StepsSoFar {
  readonly started: ReadonlySet<number>;
  readonly refused: ReadonlySet<number>;
}

export interface GuardAnswer {
  readonly run: boolean;
  readonly why: string;
}

const POLL_MS = 500;

export async function guestCreatedGuard(g: StepGuard, runner: Runner, steps: StepsSoFar, timeoutMs: number): Promise<GuardAnswer> {
  const n = `${noun(g.type)} ${g.vmid}`;
  if (!steps.started.has(g.byStep)) return { run: false, why: `${n} was never created by this plan` };
  if (steps.refused.has(g.byStep)) return { run: false, why: `the tool refused before changing anything: ${n} is not this plan's` };
  const end = Date.now() + timeoutMs;
  const opts = { timeoutMs: Math.min(timeoutMs, 20_000) };
  let config: Result<GuestConfig>;
  for (;;) {
    config = await runParsed(runner, () => guestConfigCommand(g.node, g.type, g.vmid), parseGuestConfig, opts);
    if (!config.ok || config.value.lock !== 'create' || Date.now() + POLL_MS > end) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  if (!config.ok) return config.error.kind === 'not-found' ? { run: false, why: `${n} does not exist (nothing left)` } : { run: false, why: `${n} could not be read (${config.error.message}): left as it is` };
  if (config.value.lock === 'create') return { run: false, why: `${n} is still being restored (lock: create): left as it is` };
  if (g.stubOnly && config.value.disks.some((d) => !d.unused)) return { run: false, why: `${n} has disks: not a stub, left as it is` };
  if (g.runningOnly) {
    const st = await runParsed(runner, () => statusCommand(g.type, g.vmid), parseGuestStatus, opts);
    if (!st.ok) return { run: false, why: `the state of ${n} could not be read: ${st.error.message}` };
    if (st.value.status !== 'running') return { run: false, why: `${n} is not running` };
  }
  return { run: true, why: '' };
}
