/**
 * Lenient value schemas for tool output. pvesh hands out numbers as JSON
 * numbers or as strings and booleans as 0/1 depending on the code path, so the
 * parsers accept every form a tool really prints, and nothing else.
 */
import { z } from 'zod';

const NUMERIC = /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/;

/** A finite number, given as a JSON number or as a numeric string. */
export const numberLike = z
  .union([z.number(), z.string().regex(NUMERIC, 'expected a number').transform(Number)])
  .refine((n) => Number.isFinite(n), 'expected a finite number');

/** A whole number, as a number or a string. */
export const intLike = numberLike.refine((n) => Number.isInteger(n), 'expected a whole number');

/** Epoch seconds (non-negative). */
export const epochLike = numberLike.refine((n) => n >= 0, 'expected epoch seconds');

/** `true`/`false`, `0`/`1` or `"0"`/`"1"`. */
export const boolLike = z
  .union([z.boolean(), z.literal(0), z.literal(1), z.literal('0'), z.literal('1')])
  .transform((v) => v === true || v === 1 || v === '1');

/** An optional field that may also be `null`; both read as absent. */
export function optional<S extends z.ZodType>(schema: S) {
  return schema.nullish().transform((v) => v ?? undefined);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * RFC 3339 time (with any fraction and any offset) to epoch seconds, or
 * undefined. Strict on purpose: Date.parse also accepts "2024-01-31 02:00",
 * reading it in the local zone of the Strata host, which would silently shift
 * a recovery point.
 */
export function rfc3339ToEpoch(text: string): number | undefined {
  const ms = rfc3339ToEpochMs(text);
  return ms === undefined ? undefined : Math.floor(ms / 1000);
}

/** Like rfc3339ToEpoch, in milliseconds (fractions kept), for ordering points taken within one second. */
export function rfc3339ToEpochMs(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) {
    return undefined;
  }
  let ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s));
  if (new Date(ms).getUTCDate() !== day) return undefined;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [oh, om] = zone.slice(1).split(':').map(Number);
    ms -= sign * ((oh ?? 0) * 60 + (om ?? 0)) * 60_000;
  }
  return ms + (frac ? Number(`0${frac}`) * 1000 : 0);
}

/** An RFC 3339 time string, read as epoch milliseconds (with fractions). */
export const rfc3339Ms = z.string().transform((s, ctx) => {
  const t = rfc3339ToEpochMs(s);
  if (t === undefined) {
    ctx.addIssue({ code: 'custom', message: `not an RFC 3339 time: ${JSON.stringify(s.slice(0, 40))}` });
    return z.NEVER;
  }
  return t;
});

/** An RFC 3339 time string, read as epoch seconds. */
export const rfc3339 = z.string().transform((s, ctx) => {
  const t = rfc3339ToEpoch(s);
  if (t === undefined) {
    ctx.addIssue({ code: 'custom', message: `not an RFC 3339 time: ${JSON.stringify(s.slice(0, 40))}` });
    return z.NEVER;
  }
  return t;
});

/** Epoch seconds to `2024-01-31T02:00:01Z`. */
export function epochToIsoSeconds(t: number): string {
  return new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Code-point order: the same on every host, whatever its locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
