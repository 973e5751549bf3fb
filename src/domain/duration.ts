/**
 * Durations of the inventory file (`30m`, `12h`, `1d`, `2w`, also combined as
 * `1d12h`) and their display in reasons ("31 h", "2 d 3 h", "45 min").
 */
import { showValue } from './show-value.js';
import { err, ok, type Result } from './types.js';

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const DURATION = /^(?:\d+[smhdw])+$/;
const PART = /(\d+)([smhdw])/g;

export const DURATION_HINT = 'a duration like 30m, 12h, 1d, 2w';

/** Seconds in `text`; zero and anything that is not number+unit pairs are errors. */
export function parseDuration(text: string): Result<number> {
  const t = typeof text === 'string' ? text.trim() : '';
  if (!DURATION.test(t)) return err('parse', `${showValue(text)} is not ${DURATION_HINT}`);
  let seconds = 0;
  for (const [, n, unit] of t.matchAll(PART)) seconds += Number(n) * UNIT_SECONDS[unit!]!;
  if (!Number.isSafeInteger(seconds)) return err('parse', `${showValue(text)} is too long a duration`);
  if (seconds === 0) return err('parse', `${showValue(text)} is zero; a duration must be longer than that`);
  return ok(seconds);
}

/**
 * A duration for people: seconds below a minute, minutes below an hour, hours
 * below two days (so an RPO of 1d reads "24 h" next to an age of "31 h"), then
 * days and hours.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds < 0) return `-${formatDuration(-seconds)}`;
  const s = Math.floor(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 10 * 3600) {
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return m === 0 ? `${h} h` : `${h} h ${m} min`;
  }
  if (s < 2 * 86_400) return `${Math.floor(s / 3600)} h`;
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  return h === 0 ? `${d} d` : `${d} d ${h} h`;
}
