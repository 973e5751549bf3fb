/**
 * The status as a human reads it on a terminal: hosts, layers and workloads,
 * every non-ok line followed by its reasons. Health is always glyph and word,
 * so it reads without colour (NO_COLOR, a monochrome terminal, a mail).
 */
import { formatDuration } from '../domain/duration.js';
import type { StatusReport } from '../domain/status-report.js';
import type { Health } from '../domain/types.js';

const GLYPH: Record<Health, string> = { ok: '✔', warn: '▲', unknown: '?', crit: '✖' };
const SGR: Record<Health, string> = { ok: '32', warn: '33', unknown: '35', crit: '31' };

export interface FormatOptions {
  readonly color: boolean;
}

export function healthLabel(h: Health, color: boolean): string {
  const text = `${GLYPH[h]} ${h.toUpperCase()}`.padEnd(9);
  return color ? `\x1b[${SGR[h]}m${text}\x1b[0m` : text;
}

function table(rows: string[][], widths: number[]): string[] {
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function widthsOf(rows: string[][]): number[] {
  const w: number[] = [];
  for (const r of rows) r.forEach((c, i) => (w[i] = Math.max(w[i] ?? 0, [...c].length)));
  return w;
}

const shortTime = (iso: string | null) => (iso ? iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z') : '-');

export function formatStatus(report: StatusReport, opts: FormatOptions): string {
  const out: string[] = [];
  const label = (h: Health) => healthLabel(h, opts.color);
  out.push(`Strata status at ${shortTime(report.generatedAt)}: overall ${label(report.overall).trim()}`);

  out.push('', 'HOSTS');
  const hostRows = report.hosts.map((h) => [
    label(h.health),
    h.name,
    h.reachable ? 'reachable' : 'UNREACHABLE',
    h.clockSkewSeconds === null ? 'clock ?' : `clock ${h.clockSkewSeconds >= 0 ? '+' : ''}${h.clockSkewSeconds} s`,
  ]);
  out.push(...withReasons(table(hostRows, widthsOf(hostRows)), report.hosts.map((h) => h.reasons)));

  out.push('', 'LAYERS');
  const layerHead = ['HEALTH', 'HOST', 'LAYER', 'KIND', 'NEWEST POINT', 'AGE / RPO', 'POINTS'];
  const layerRows = report.layers.map((l) => [
    label(l.health),
    l.host,
    l.id,
    l.kind,
    shortTime(l.lastPointAt),
    `${l.ageSeconds === null ? '-' : formatDuration(l.ageSeconds)} / ${l.rpoSeconds === null ? '-' : formatDuration(l.rpoSeconds)}`,
    String(l.points),
  ]);
  const lw = widthsOf([layerHead, ...layerRows]);
  out.push(...table([layerHead], lw));
  out.push(...withReasons(table(layerRows, lw), report.layers.map((l) => l.reasons)));

  if (report.assets.length > 0) {
    out.push('', 'WORKLOADS');
    const head = ['HEALTH', 'ASSET', 'NAME', 'TIER', 'COPIES', 'MEDIA', 'OFFSITE'];
    const rows = report.assets.map((a) => [
      label(a.health),
      a.id,
      a.name ?? '',
      a.tier ?? '-',
      `${a.copies}/${a.required.copies}`,
      `${a.media}/${a.required.media}`,
      `${a.offsite}/${a.required.offsite}`,
    ]);
    const aw = widthsOf([head, ...rows]);
    out.push(...table([head], aw));
    out.push(...withReasons(table(rows, aw), report.assets.map((a) => a.reasons)));
  }
  return `${out.join('\n')}\n`;
}

function withReasons(lines: string[], reasons: readonly (readonly string[])[]): string[] {
  return lines.flatMap((line, i) => [line, ...(reasons[i] ?? []).map((r) => `      - ${r}`)]);
}
