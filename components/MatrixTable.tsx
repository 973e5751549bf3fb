/**
 * The hosts × layers matrix: a row per host, a column per layer kind, each
 * cell one layer's health (glyph and word) and its newest point's age against
 * its RPO, and under it the selected cell's detail. It fits its width by
 * trying, in order: one line per row; UNKNOWN shortened to UNKN; two lines
 * per row (health above, age below); the host column cut; and last a window
 * of the kind columns that keeps the selected one in view. Only the rows
 * around the selection are rendered. The selected cell is marked `›` (and
 * inverse when focused) so it shows without colour; `·` is a kind the host
 * has no layer of.
 */
import { Box, Text } from 'ink';
import type { Health } from '../src/domain/types.js';
import { windowStart } from './DataTable.js';
import { HEALTH_COLOR, HEALTH_GLYPH, healthText } from './health-style.js';

export interface MatrixCell {
  readonly health: Health;
  /** The newest point's age against the RPO: `45m/26h`, `none/24h`. */
  readonly age: string;
}

/** A layer, `gap` (the host has no layer of this kind), or null (blank: below a host's first line). */
export type MatrixSlot = MatrixCell | 'gap' | null;

export interface MatrixLine {
  readonly key: string;
  readonly host: string;
  readonly hostHealth: Health;
  /** False on the lines a host takes for a second layer of one kind: its host column is blank there. */
  readonly isFirst: boolean;
  /** One per kind column. */
  readonly cells: readonly MatrixSlot[];
}

/** Column 0 is the host column; column i is kind i - 1. */
export interface MatrixPosition {
  readonly row: number;
  readonly column: number;
}

export interface MatrixDetail {
  readonly health: Health | null;
  readonly text: string;
}

export interface MatrixTableProps {
  /** One header per kind column. */
  readonly headers: readonly string[];
  readonly lines: readonly MatrixLine[];
  readonly selected: MatrixPosition | null;
  /** What the selected cell is, under the matrix. */
  readonly detail: MatrixDetail | null;
  readonly detailHeight: number;
  readonly width: number;
  /** Lines for the header, the rows and the detail together. */
  readonly height: number;
  readonly isColor: boolean;
  readonly isFocused: boolean;
  readonly emptyText?: string;
}

export interface MatrixLayout {
  readonly lineHeight: 1 | 2;
  /** UNKNOWN reads UNKN. */
  readonly isShort: boolean;
  readonly hostWidth: number;
  /** Per kind column: its width and the width of its health words (one-line cells align their ages). */
  readonly widths: readonly number[];
  readonly wordWidths: readonly number[];
  readonly hostWordWidth: number;
  /** Kind columns shown, first and last (inclusive). */
  readonly first: number;
  readonly last: number;
}

const HEADER_MAX = 10;
const MIN_HOST = 6;

export const matrixWord = (h: Health, isShort: boolean): string => (isShort && h === 'unknown' ? `${HEALTH_GLYPH.unknown} UNKN` : healthText(h));

const isCell = (s: MatrixSlot | undefined): s is MatrixCell => typeof s === 'object' && s !== null;
const maxOf = (xs: readonly number[]) => xs.reduce((a, b) => Math.max(a, b), 0);
const len = (s: string) => [...s].length;

function cut(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text + ' '.repeat(width - chars.length);
  return width <= 0 ? '' : `${chars.slice(0, width - 1).join('')}…`;
}

function widthsFor(headers: readonly string[], lines: readonly MatrixLine[], lineHeight: 1 | 2, isShort: boolean) {
  const hostWordWidth = maxOf(lines.map((l) => len(matrixWord(l.hostHealth, isShort))));
  const nameWidth = maxOf(lines.map((l) => len(l.host)));
  const hostWidth = Math.max(4, lineHeight === 1 ? nameWidth + 1 + hostWordWidth : Math.max(nameWidth, hostWordWidth));
  const wordWidths: number[] = [];
  const widths = headers.map((header, i) => {
    const cells = lines.map((l) => l.cells[i]).filter(isCell);
    const word = maxOf(cells.map((c) => len(matrixWord(c.health, isShort))));
    const age = maxOf(cells.map((c) => len(c.age)));
    wordWidths.push(word);
    const head = Math.min(HEADER_MAX, len(header));
    if (cells.length === 0) return Math.max(1, head);
    return Math.max(head, lineHeight === 1 ? word + 1 + age : Math.max(word, age));
  });
  return { hostWidth, hostWordWidth, widths, wordWidths };
}

/** Each column is preceded by one character: a space, or `›` before the selected cell. */
const spanOf = (widths: readonly number[], from = 0, to = widths.length - 1) => widths.slice(from, to + 1).reduce((n, w) => n + 1 + w, 0);

/** How the matrix fits `width` (see the file comment for the order of tries). */
export function matrixLayout(headers: readonly string[], lines: readonly MatrixLine[], width: number, selectedColumn: number): MatrixLayout {
  const all = { first: 0, last: headers.length - 1 };
  for (const [lineHeight, isShort] of [[1, false], [1, true], [2, false], [2, true]] as const) {
    const w = widthsFor(headers, lines, lineHeight, isShort);
    if (1 + w.hostWidth + spanOf(w.widths) <= width) return { lineHeight, isShort, ...w, ...all };
  }
  const w = widthsFor(headers, lines, 2, true);
  const kinds = spanOf(w.widths);
  const least = Math.max(MIN_HOST, w.hostWordWidth);
  if (1 + least + kinds <= width) return { lineHeight: 2, isShort: true, ...w, hostWidth: width - 1 - kinds, ...all };
  // Too many kinds for this width: the ones around the selected column, scrolled just enough.
  const hostWidth = Math.min(w.hostWidth, Math.max(least, 10));
  const room = width - 1 - hostWidth;
  const wanted = Math.max(0, Math.min(headers.length - 1, selectedColumn - 1));
  const lastFrom = (first: number) => {
    let last = first;
    while (last + 1 < headers.length && spanOf(w.widths, first, last + 1) <= room) last++;
    return last;
  };
  let first = 0;
  while (first < wanted && lastFrom(first) < wanted) first++;
  return { lineHeight: 2, isShort: true, ...w, hostWidth, first, last: lastFrom(first) };
}

/** Word-wraps `text` into at most `lines` lines; the first is `firstWidth` wide; what does not fit ends in `…`. */
export function wrapDetail(text: string, firstWidth: number, width: number, lines: number): string[] {
  const out: string[] = [];
  let line = '';
  const room = () => (out.length === 0 ? firstWidth : width);
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (rest) {
      const joined = line ? `${line} ${rest}` : rest;
      if (len(joined) <= room()) {
        line = joined;
        rest = '';
      } else if (line) {
        out.push(line);
        line = '';
      } else {
        // A word longer than a whole line is cut where the line ends.
        const chars = [...rest];
        out.push(chars.slice(0, room()).join(''));
        rest = chars.slice(room()).join('');
      }
    }
  }
  if (line) out.push(line);
  if (out.length <= lines) return out;
  const kept = out.slice(0, lines);
  const lastWidth = lines === 1 ? firstWidth : width;
  kept[lines - 1] = `${[...(kept[lines - 1] ?? '')].slice(0, Math.max(0, lastWidth - 1)).join('')}…`;
  return kept;
}

const badgeOf = (detail: MatrixDetail) => (detail.health ? healthText(detail.health) : '');

/** Lines `detail` takes at `width`, uncut. */
export function detailLineCount(detail: MatrixDetail, width: number): number {
  const badge = badgeOf(detail);
  return wrapDetail(detail.text, width - (badge ? len(badge) + 1 : 0), width, Number.POSITIVE_INFINITY).length;
}

interface Segment {
  readonly text: string;
  readonly color?: string;
  readonly isBold?: boolean;
  readonly isInverse?: boolean;
  readonly isDim?: boolean;
}

function Line({ segments }: { readonly segments: readonly Segment[] }) {
  return (
    <Text wrap="truncate-end">
      {segments.map((s, i) => (
        <Text key={i} {...(s.color ? { color: s.color } : {})} bold={s.isBold ?? false} inverse={s.isInverse ?? false} dimColor={s.isDim ?? false}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

interface RowContext {
  readonly layout: MatrixLayout;
  readonly isColor: boolean;
  readonly isFocused: boolean;
}

/** The segments of one matrix line: one terminal line, or two (health above, age below). */
function lineSegments(line: MatrixLine, selectedColumn: number | null, isTop: boolean, { layout, isColor, isFocused }: RowContext): Segment[][] {
  const { lineHeight, isShort, hostWidth } = layout;
  const out: Segment[][] = lineHeight === 1 ? [[]] : [[], []];
  // The mark goes on a cell's first line only.
  const mark = (column: number, segs: Segment[]): Segment => ({ text: selectedColumn === column && segs === out[0] ? '›' : ' ', isBold: true });
  const style = (column: number) => (selectedColumn === column ? { isBold: true, isInverse: isFocused } : {});
  const colorOf = (h: Health) => (isColor ? { color: HEALTH_COLOR[h] } : {});

  // The host column: its name and its own health; below its first line only when it is the top line shown.
  const showHost = line.isFirst || isTop;
  const hostWord = matrixWord(line.hostHealth, isShort);
  for (const segs of out) segs.push(mark(0, segs));
  if (lineHeight === 1) {
    const nameWidth = hostWidth - 1 - layout.hostWordWidth;
    out[0]!.push(
      { text: showHost ? cut(line.host, nameWidth) : ' '.repeat(nameWidth), ...style(0), isDim: !line.isFirst },
      { text: ' ' },
      { text: cut(line.isFirst ? hostWord : '', layout.hostWordWidth), ...style(0), ...(line.isFirst ? colorOf(line.hostHealth) : {}) },
    );
  } else {
    out[0]!.push({ text: cut(showHost ? line.host : '', hostWidth), ...style(0), isDim: !line.isFirst });
    out[1]!.push({ text: cut(line.isFirst ? hostWord : '', hostWidth), ...style(0), ...(line.isFirst ? colorOf(line.hostHealth) : {}) });
  }

  for (let k = layout.first; k <= layout.last; k++) {
    const column = k + 1;
    const width = layout.widths[k] ?? 1;
    const slot = line.cells[k] ?? null;
    for (const segs of out) segs.push(mark(column, segs));
    if (isCell(slot)) {
      const word = matrixWord(slot.health, isShort);
      if (lineHeight === 1) {
        const wordWidth = layout.wordWidths[k] ?? 0;
        out[0]!.push({ text: cut(word, wordWidth), ...style(column), ...colorOf(slot.health) }, { text: cut(` ${slot.age}`, width - wordWidth), ...style(column) });
      } else {
        out[0]!.push({ text: cut(word, width), ...style(column), ...colorOf(slot.health) });
        out[1]!.push({ text: cut(slot.age, width), ...style(column) });
      }
    } else {
      out[0]!.push({ text: cut(slot === 'gap' ? '·' : '', width), ...style(column), isDim: slot === 'gap' && selectedColumn !== column });
      if (out[1]) out[1].push({ text: cut('', width), ...style(column) });
    }
  }
  return out;
}

export function MatrixTable({ headers, lines, selected, detail, detailHeight, width, height, isColor, isFocused, emptyText }: MatrixTableProps) {
  const layout = matrixLayout(headers, lines, width, selected?.column ?? 0);
  const { lineHeight } = layout;
  const areColumnsCut = layout.first > 0 || layout.last < headers.length - 1;
  const room = Math.max(1, height - detailHeight - 1);
  const isCut = areColumnsCut || lines.length * lineHeight > room;
  const visible = Math.max(1, Math.floor((isCut ? room - 1 : room) / lineHeight));
  const start = windowStart(selected?.row ?? 0, lines.length, visible);
  const shown = lines.slice(start, start + visible);
  const ctx: RowContext = { layout, isColor, isFocused };

  const header: Segment[] = [{ text: ` ${cut('HOST', layout.hostWidth)}` }];
  for (let k = layout.first; k <= layout.last; k++) header.push({ text: ` ${cut(headers[k] ?? '', layout.widths[k] ?? 1)}` });
  const where: string[] = [];
  if (lines.length > visible) where.push(`rows ${start + 1}-${Math.min(start + visible, lines.length)} of ${lines.length}`);
  if (areColumnsCut) where.push(`kinds ${layout.first + 1}-${layout.last + 1} of ${headers.length} (h/l scroll)`);

  const badge = detail ? badgeOf(detail) : '';
  const detailLines = detail ? wrapDetail(detail.text, width - (badge ? len(badge) + 1 : 0), width, detailHeight) : [];
  return (
    <Box flexDirection="column" width={width}>
      <Box flexDirection="column" height={height - detailHeight}>
        <Text dimColor wrap="truncate-end">
          {header.map((s) => s.text).join('')}
        </Text>
        {lines.length === 0 ? <Text dimColor>{`  ${emptyText ?? '(nothing)'}`}</Text> : null}
        {shown.map((line, i) =>
          lineSegments(line, selected && selected.row === start + i ? selected.column : null, i === 0, ctx).map((segments, j) => <Line key={`${line.key}:${j}`} segments={segments} />),
        )}
        {where.length > 0 ? <Text dimColor wrap="truncate-end">{`  ${where.join(' · ')}`}</Text> : null}
      </Box>
      {detailLines.map((text, i) => (
        <Text key={i} wrap="truncate-end">
          {i === 0 && badge ? (
            <>
              <Text bold {...(isColor && detail?.health ? { color: HEALTH_COLOR[detail.health] } : {})}>
                {badge}
              </Text>{' '}
            </>
          ) : null}
          {text}
        </Text>
      ))}
    </Box>
  );
}
