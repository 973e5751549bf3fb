/**
 * How a health level looks: a glyph and a word always, a colour only when the
 * terminal has colour. With NO_COLOR or on a monochrome terminal the glyph and
 * the word carry the meaning on their own.
 */
import type { Health } from '../src/domain/types.js';

export const HEALTH_GLYPH: Record<Health, string> = { ok: '✔', warn: '▲', unknown: '?', crit: '✖' };
export const HEALTH_COLOR: Record<Health, string> = { ok: 'green', warn: 'yellow', unknown: 'magenta', crit: 'red' };

/** `✔ OK`, `▲ WARN`, `? UNKNOWN`, `✖ CRIT`. */
export const healthText = (h: Health): string => `${HEALTH_GLYPH[h]} ${h.toUpperCase()}`;

