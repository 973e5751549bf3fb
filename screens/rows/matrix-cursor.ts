/**
 * Moving over a grid pane's cells. A cell is selectable when its line has a
 * target there: every cell of a host's first line (a gap too: its detail says
 * what is missing), and only the layers on the lines below it. j/k skip the
 * blanks, so they go from host to host except in a column where a host has a
 * second layer; h on such a line with nothing left of it goes to the host.
 */
import type { MatrixPosition } from '../../components/MatrixTable.js';
import type { CellTarget, ScreenRow } from './pane.js';

const targetOf = (rows: readonly ScreenRow[], row: number, column: number): CellTarget | null => rows[row]?.matrix?.targets[column] ?? null;

const columnCount = (rows: readonly ScreenRow[]) => rows.reduce((n, r) => Math.max(n, r.matrix?.targets.length ?? 0), 0);

const clampTo = (i: number, len: number) => (len <= 0 ? 0 : Math.max(0, Math.min(i, len - 1)));

/** The cell a stored cursor means now (rows may have changed under it): up to the first selectable line. */
export function resolveCell(rows: readonly ScreenRow[], row: number, column: number): MatrixPosition {
  const r0 = clampTo(row, rows.length);
  const c = clampTo(column, columnCount(rows));
  for (let r = r0; r >= 0; r--) if (targetOf(rows, r, c)) return { row: r, column: c };
  return { row: r0, column: targetOf(rows, r0, 0) ? 0 : c };
}

export function targetAt(rows: readonly ScreenRow[], at: MatrixPosition): CellTarget | null {
  return targetOf(rows, at.row, at.column);
}

/** To line `to` (a page or the last line are fine), in the same column, skipping blanks in the direction of the move. */
export function moveToLine(rows: readonly ScreenRow[], from: MatrixPosition, to: number): MatrixPosition {
  if (to === from.row) return from;
  const step = to > from.row ? 1 : -1;
  const isAhead = (r: number) => (r - from.row) * step > 0;
  const target = clampTo(to, rows.length);
  for (let r = target; r >= 0 && r < rows.length && isAhead(r); r += step) if (targetOf(rows, r, from.column)) return { row: r, column: from.column };
  // Nothing selectable at or past the target: the nearest one short of it.
  for (let r = target - step; isAhead(r); r -= step) if (targetOf(rows, r, from.column)) return { row: r, column: from.column };
  return from;
}

/** To the next selectable cell left (-1) or right (+1) on the same line. */
export function moveColumn(rows: readonly ScreenRow[], from: MatrixPosition, delta: -1 | 1): MatrixPosition {
  const count = columnCount(rows);
  for (let c = from.column + delta; c >= 0 && c < count; c += delta) if (targetOf(rows, from.row, c)) return { row: from.row, column: c };
  if (delta < 0 && from.column > 0) {
    let r = from.row;
    while (r > 0 && rows[r]?.matrix && !rows[r]!.matrix!.line.isFirst) r--;
    return { row: r, column: 0 };
  }
  return from;
}
