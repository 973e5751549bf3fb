/**
 * The checks after a guest restore, judged from the tools' answers: the
 * guest exists with the disks the backup had, it runs, its QEMU agent
 * answers. An answer that means "cannot tell" (no agent configured, the
 * guest not running) is `not-run`, never `passed`; "not yet" (the agent of
 * a booting guest) asks again until the check's time is up.
 */
import { parseAgentPing, parseGuestConfig, parseGuestStatus } from '../../../adapters/pve/guest-parse.js';
import type { CheckOutput } from '../../action-types.js';

export interface CheckVerdict {
  readonly state: 'passed' | 'failed' | 'not-run';
  readonly detail: string;
  /** Not settled yet: ask again while the check's retry window lasts. */
  readonly again?: boolean;
}

type Judge<O extends CheckOutput> = (output: O, stdout: string, stderr: string, exitCode: number) => CheckVerdict;

const JUDGES: { readonly [K in CheckOutput['kind']]: Judge<Extract<CheckOutput, { readonly kind: K }>> } = {
  'guest-disks': (o, stdout, stderr, code) => {
    const r = parseGuestConfig(stdout, stderr, code);
    if (!r.ok) return { state: 'failed', detail: r.error.kind === 'not-found' ? 'the guest does not exist' : `its config could not be read: ${r.error.message}` };
    const have = new Set(r.value.disks.filter((d) => !d.unused).map((d) => d.key));
    const missing = o.expect.filter((k) => !have.has(k));
    if (missing.length > 0) return { state: 'failed', detail: `missing disk${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (has ${[...have].join(', ') || 'none'})` };
    if (have.size === 0) return { state: 'failed', detail: 'the guest has no disk' };
    if (r.value.lock) return { state: 'failed', detail: `still locked (${r.value.lock})` };
    return { state: 'passed', detail: `config with ${[...have].join(', ')}${o.expect.length === 0 ? ' (which disks to expect was not known before)' : ''}` };
  },
  'agent-ping': (_o, stdout, stderr, code) => {
    const r = parseAgentPing(stdout, stderr, code);
    if (!r.ok) return { state: 'failed', detail: r.error.message };
    if (r.value.answered) return { state: 'passed', detail: 'the QEMU guest agent answered ping' };
    if (r.value.reason === 'agent-not-running') return { state: 'failed', detail: `${r.value.message} (the guest has not booted far enough, or its agent is broken)`, again: true };
    return { state: 'not-run', detail: r.value.message };
  },
  'guest-running': (_o, stdout, stderr, code) => {
    const r = parseGuestStatus(stdout, stderr, code);
    if (!r.ok) return { state: 'failed', detail: r.error.message };
    return r.value.status === 'running' ? { state: 'passed', detail: 'status: running' } : { state: 'failed', detail: `status: ${r.value.status}`, again: true };
  },
};

export function judgeCheck(output: CheckOutput, stdout: string, stderr: string, exitCode: number): CheckVerdict {
  try {
    return (JUDGES[output.kind] as Judge<CheckOutput>)(output, stdout, stderr, exitCode);
  } catch (e) {
    return { state: 'failed', detail: `the answer could not be read: ${e instanceof Error ? e.message : String(e)}` };
  }
}
