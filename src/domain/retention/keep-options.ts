/**
 * Keep options as PBS, PVE and restic spell them: `keep-last=3,keep-daily=7`,
 * PVE's `keep-all=1`, restic's `keep-within=1y5m7d2h` family and `-1` (or
 * `unlimited`) for "every period" (restic 0.16+).
 */
import { oneLine, showValue, SHOWN_CHARS } from '../show-value.js';
import { suggest } from '../suggest.js';
import { err, ok, type Result } from '../types.js';

/** A restic duration (`1y5m7d2h`): calendar parts, applied like Go's AddDate. */
export interface ResticDuration {
  readonly years: number;
  readonly months: number;
  readonly days: number;
  readonly hours: number;
}

export interface KeepOptions {
  /** Counts; -1 keeps every period (restic 0.16+ `unlimited`). */
  readonly last?: number;
  readonly hourly?: number;
  readonly daily?: number;
  readonly weekly?: number;
  readonly monthly?: number;
  readonly yearly?: number;
  /** PVE: keep everything (excludes the other options). */
  readonly all?: boolean;
  /** restic: relative to the newest snapshot, not to now. */
  readonly within?: ResticDuration;
  readonly withinHourly?: ResticDuration;
  readonly withinDaily?: ResticDuration;
  readonly withinWeekly?: ResticDuration;
  readonly withinMonthly?: ResticDuration;
  readonly withinYearly?: ResticDuration;
}

export type RetentionSemantics = 'pbs' | 'pve' | 'restic' | 'restic-0.14';
export const RETENTION_SEMANTICS: readonly RetentionSemantics[] = ['pbs', 'pve', 'restic', 'restic-0.14'];

export type CountKey = 'last' | 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly';
export type WithinKey = 'within' | 'withinHourly' | 'withinDaily' | 'withinWeekly' | 'withinMonthly' | 'withinYearly';

/** Option name -> field, in the fixed order PBS and PVE apply them. */
export const COUNT_OPTIONS: readonly (readonly [string, CountKey])[] = [
  ['keep-last', 'last'],
  ['keep-hourly', 'hourly'],
  ['keep-daily', 'daily'],
  ['keep-weekly', 'weekly'],
  ['keep-monthly', 'monthly'],
  ['keep-yearly', 'yearly'],
];

export const WITHIN_OPTIONS: readonly (readonly [string, WithinKey])[] = [
  ['keep-within', 'within'],
  ['keep-within-hourly', 'withinHourly'],
  ['keep-within-daily', 'withinDaily'],
  ['keep-within-weekly', 'withinWeekly'],
  ['keep-within-monthly', 'withinMonthly'],
  ['keep-within-yearly', 'withinYearly'],
];

const ALL_NAMES = ['keep-all', ...COUNT_OPTIONS.map(([n]) => n), ...WITHIN_OPTIONS.map(([n]) => n)];
const RESTIC_DURATION = /^(?:\d+[ymdh])+$/;

export function parseResticDuration(text: string): Result<ResticDuration> {
  if (!RESTIC_DURATION.test(text)) return err('parse', `${showValue(text)} is not a restic duration like 1y5m7d2h`);
  const d = { years: 0, months: 0, days: 0, hours: 0 };
  for (const [, n, unit] of text.matchAll(/(\d+)([ymdh])/g)) {
    const v = Number(n);
    if (unit === 'y') d.years += v;
    else if (unit === 'm') d.months += v;
    else if (unit === 'd') d.days += v;
    else d.hours += v;
  }
  return ok(d);
}

export function formatResticDuration(d: ResticDuration): string {
  const s = `${d.years ? `${d.years}y` : ''}${d.months ? `${d.months}m` : ''}${d.days ? `${d.days}d` : ''}${d.hours ? `${d.hours}h` : ''}`;
  return s === '' ? '0h' : s;
}

export const isZeroDuration = (d: ResticDuration | undefined): boolean =>
  d === undefined || (d.years === 0 && d.months === 0 && d.days === 0 && d.hours === 0);

/**
 * `keep-last=3,keep-daily=7` (commas or spaces between options). The empty
 * string is no option at all, which every tool reads as "keep everything".
 */
export function parseKeepOptions(text: string): Result<KeepOptions> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const items = String(text ?? '')
    .split(/[,\s]+/)
    .filter((s) => s !== '');
  for (const whole of items) {
    // An option is a few characters; one of megabytes is shown cut.
    const item = oneLine(whole, SHOWN_CHARS);
    const eq = whole.indexOf('=');
    const name = (eq < 0 ? whole : whole.slice(0, eq)).trim();
    const value = eq < 0 ? undefined : whole.slice(eq + 1).trim();
    if (!ALL_NAMES.includes(name)) {
      const hint = suggest(name, ALL_NAMES);
      return err('parse', `unknown keep option ${showValue(name)}${hint ? ` (did you mean ${hint}?)` : ''}; known: ${ALL_NAMES.join(', ')}`);
    }
    if (seen.has(name)) return err('parse', `${name} is given twice`);
    seen.add(name);
    if (name === 'keep-all') {
      if (value === undefined || value === '1' || value === 'true') out.all = true;
      else if (value === '0' || value === 'false') out.all = false;
      else return err('parse', `${item}: keep-all takes 1 or 0`);
      continue;
    }
    if (value === undefined || value === '') return err('parse', `${name} needs a value, like ${name}=7`);
    const count = COUNT_OPTIONS.find(([n]) => n === name);
    if (count) {
      if (value === 'unlimited') {
        out[count[1]] = -1;
        continue;
      }
      if (!/^-?\d+$/.test(value)) return err('parse', `${item}: ${showValue(value)} is not a whole number`);
      const n = Number(value);
      if (n < -1) return err('parse', `${item}: a count cannot be negative (-1 or "unlimited" keeps every period, restic 0.16+)`);
      if (!Number.isSafeInteger(n)) return err('parse', `${item}: ${oneLine(value, SHOWN_CHARS)} is too large`);
      out[count[1]] = n;
      continue;
    }
    const within = WITHIN_OPTIONS.find(([n]) => n === name)!;
    const d = parseResticDuration(value);
    if (!d.ok) return err('parse', `${item}: ${d.error.message}`);
    out[within[1]] = d.value;
  }
  if (out.all === true && Object.keys(out).length > 1) {
    return err('parse', 'keep-all cannot be combined with other keep options');
  }
  return ok(out as KeepOptions);
}

/** The canonical text form, in the fixed option order. */
export function formatKeepOptions(keep: KeepOptions): string {
  const parts: string[] = [];
  if (keep.all !== undefined) parts.push(`keep-all=${keep.all ? 1 : 0}`);
  for (const [name, key] of COUNT_OPTIONS) if (keep[key] !== undefined) parts.push(`${name}=${keep[key]}`);
  for (const [name, key] of WITHIN_OPTIONS) {
    const d = keep[key];
    if (d !== undefined) parts.push(`${name}=${formatResticDuration(d)}`);
  }
  return parts.join(',');
}

/**
 * Refuses options the chosen tool does not have, so a plan never silently
 * differs from what the host will do: PBS has no keep-all, only restic has
 * keep-within*, only restic 0.16+ understands -1 (0.14 silently ignores it,
 * forgetting what the operator meant to keep).
 */
export function checkKeepOptions(keep: KeepOptions, semantics: RetentionSemantics): Result<KeepOptions> {
  const isRestic = semantics === 'restic' || semantics === 'restic-0.14';
  if (keep.all !== undefined && semantics !== 'pve') return err('parse', `keep-all exists only for PVE (not ${semantics})`);
  if (!isRestic) {
    for (const [name, key] of WITHIN_OPTIONS) {
      if (keep[key] !== undefined) return err('parse', `${name} exists only for restic (not ${semantics})`);
    }
  }
  if (semantics !== 'restic') {
    for (const [name, key] of COUNT_OPTIONS) {
      if (keep[key] === -1) return err('parse', `${name}=-1 (unlimited) needs restic 0.16 or later (not ${semantics})`);
    }
  }
  return ok(keep);
}
