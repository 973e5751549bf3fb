import type { JobState } from '../../domain/types.js';

const WARNINGS = /^WARNINGS: \d+$/;

/**
 * A PVE/PBS task status as a job state: `OK`, `WARNINGS: N`, `RUNNING` (or no
 * status and no end yet), and anything else, including PBS's `unknown` (the
 * task log has no end line, e.g. after a crash), is the failure.
 */
export function taskState(status: string | undefined, endTime: number | undefined): JobState {
  const s = status?.trim();
  if (s === undefined || s === '') return endTime === undefined ? 'running' : 'failed';
  if (s === 'OK') return 'ok';
  if (WARNINGS.test(s)) return 'warn';
  if (s === 'RUNNING' || s === 'running') return 'running';
  return 'failed';
}
