/**
 * Times a tool prints in its host's local time without saying which zone (the
 * PBS catalog prints `%FT%TZ` of local time: the `Z` is a literal, not UTC).
 * The caller knows the host's zone from its clock probe: a fixed offset
 * (`date +%z`), exact except for times on the other side of a DST change, or
 * an IANA name, exact everywhere but the repeated hour of a fall-back (read
 * as the earlier one).
 */

export type LocalZone = { readonly utcOffsetSec: number } | { readonly timeZone: string };

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})Z?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat | undefined {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      return undefined;
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's offset from UTC at an instant, in seconds east. */
function offsetAt(f: Intl.DateTimeFormat, epochSec: number): number {
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(epochSec * 1000))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) / 1000;
  return asUtc - epochSec;
}

/** Epoch seconds of a wall-clock time in a zone; undefined for text that is no such time or a zone that does not exist. */
export function localTimeToEpochSec(text: string, zone: LocalZone): number | undefined {
  const m = LOCAL.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const naive = Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
  if (new Date(naive * 1000).getUTCDate() !== d) return undefined;
  if ('utcOffsetSec' in zone) return Number.isFinite(zone.utcOffsetSec) ? naive - zone.utcOffsetSec : undefined;
  const f = formatter(zone.timeZone);
  if (!f) return undefined;
  // The offsets in force a day either side; a candidate is right when the zone has that offset at it.
  const offsets = [...new Set([offsetAt(f, naive - 86_400), offsetAt(f, naive + 86_400)])];
  const valid = offsets.map((o) => naive - o).filter((t) => naive - offsetAt(f, t) === t);
  // Two in the repeated hour of a fall-back: the earlier. None in a spring-forward gap: as if before it.
  return valid.length > 0 ? Math.min(...valid) : naive - offsets[0]!;
}

/** `+0100` / `-0530` (`date +%z`) as seconds east of UTC. */
export function parseUtcOffset(text: string): number | undefined {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
}
