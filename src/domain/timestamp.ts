/**
 * A point in time as operators paste it: epoch seconds, or ISO 8601
 * (`2024-01-31T02:00:01Z`, `2024-01-31 03:00:01+01:00`). An ISO time without
 * an offset is wall-clock time in the given zone.
 */
import { err, ok, type Result } from './types.js';
import type { ZoneCalendar } from './zone-calendar.js';

const EPOCH = /^-?\d+(?:\.\d+)?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export function parseTimestamp(text: string, zone: ZoneCalendar): Result<number> {
  const t = text.trim();
  if (EPOCH.test(t)) return ok(Number(t));
  const m = ISO.exec(t);
  if (!m) return err('parse', `${JSON.stringify(text)} is not a time (ISO 8601 like 2024-01-31T02:00:00Z, or epoch seconds)`);
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => Number(v ?? 0)) as [
    number, number, number, number, number, number,
  ];
  const fraction = m[7] === undefined ? 0 : Number(`0.${m[7]}`);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    return err('parse', `${JSON.stringify(text)} is not a valid date and time`);
  }
  const zoneText = m[8];
  if (zoneText === undefined) return ok(zone.fromWall(year, month, day, hour, minute, second) + fraction);
  let offset = 0;
  if (zoneText.toUpperCase() !== 'Z') {
    const digits = zoneText.replace(':', '');
    const hours = Number(digits.slice(1, 3));
    const minutes = Number(digits.slice(3, 5) || 0);
    if (hours > 23 || minutes > 59) return err('parse', `${JSON.stringify(text)} has an invalid UTC offset`);
    offset = (zoneText.startsWith('-') ? -1 : 1) * (hours * 3600 + minutes * 60);
  }
  return ok(Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - offset + fraction);
}
