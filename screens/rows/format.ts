/** Short forms for table cells: ages, times, freshness of a reading. */
import type { Health } from '../../src/domain/types.js';

/** `45s`, `12m`, `5h`, `3d`: fits a narrow column. */
export function shortAge(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '-';
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 2 * 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** `2026-02-02 02:40Z` from an ISO time; `-` for none. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  return iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z');
}

export const isoFromMs = (ms: number) => new Date(ms).toISOString();

/** `0.2 s`, `4.2 s`, `12 s` for a duration in ms; `unknown` for none (a saved status from before it was measured has none). */
export function seconds(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return 'unknown';
  const s = ms / 1000;
  return `${s >= 10 ? Math.round(s) : Math.round(s * 10) / 10} s`;
}

export interface Freshness {
  /** `12s ago`, `3h STALE`, `not read`. */
  readonly text: string;
  readonly isStale: boolean;
}

/**
 * How fresh a reading is. Older than twice the refresh interval, or taken
 * from the saved status, is STALE: said in a word, not only a colour.
 */
export function freshness(readAtMs: number | null | undefined, nowMs: number, refreshSeconds: number, isSaved: boolean): Freshness {
  if (readAtMs === null || readAtMs === undefined) return { text: 'not read', isStale: true };
  const age = shortAge((nowMs - readAtMs) / 1000);
  if (isSaved) return { text: `${age} SAVED`, isStale: true };
  if (nowMs - readAtMs > 2 * refreshSeconds * 1000) return { text: `${age} STALE`, isStale: true };
  return { text: `${age} ago`, isStale: false };
}

/** `4 ✔ 2 ▲ 1 ? 1 ✖`, only the levels present, worst last. */
export function healthCounts(levels: readonly Health[]): string {
  const glyph: Record<Health, string> = { ok: '✔', warn: '▲', unknown: '?', crit: '✖' };
  const order: Health[] = ['ok', 'warn', 'unknown', 'crit'];
  const parts = order.map((h) => [h, levels.filter((l) => l === h).length] as const).filter(([, n]) => n > 0);
  return parts.length === 0 ? 'none' : parts.map(([h, n]) => `${n} ${glyph[h]}`).join(' ');
}

export const firstReason = (reasons: readonly string[]): string => reasons[0] ?? '';
