/**
 * `--since` as operators write it: a time (`2026-01-31`, `2026-01-31T02:00Z`,
 * epoch seconds; a time without an offset is wall-clock time in the zone) or
 * how long ago (`7d`, `12h`, `2w`).
 */
import { DURATION_HINT, parseDuration } from './duration.js';
import { showValue } from './show-value.js';
import { parseTimestamp } from './timestamp.js';
import { err, ok, type Result } from './types.js';
import type { ZoneCalendar } from './zone-calendar.js';

const LOOKS_LIKE_DURATION = /^\d+\s*[a-z]/i;

/** Epoch seconds of the start of the window, never after `nowSec`. */
export function parseSince(text: string, nowSec: number, zone: ZoneCalendar): Result<number> {
  const t = text.trim();
  if (t === '') return err('parse', 'is empty: give a date (2026-01-31), a time (2026-01-31T02:00:00Z) or how long ago (7d)');
  if (LOOKS_LIKE_DURATION.test(t)) {
    const d = parseDuration(t);
    if (!d.ok) return err('parse', `${d.error.message} (how long ago: ${DURATION_HINT}; or a date like 2026-01-31)`);
    return ok(nowSec - d.value);
  }
  const at = parseTimestamp(t, zone);
  if (!at.ok) return err('parse', `${showValue(text)} is neither a date or time (2026-01-31, 2026-01-31T02:00:00Z, epoch seconds) nor how long ago (7d, 12h)`);
  if (at.value > nowSec) return err('parse', `${showValue(text)} is in the future: the journal holds nothing after now`);
  return at;
}
