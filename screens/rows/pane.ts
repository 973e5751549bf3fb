/**
 * A screen's list as data: columns and rows built by pure functions from the
 * store's state, filtered by the screen's `/` text. The generic list keys
 * (j/k, Enter, Tab) and the renderer read the same panes.
 */
import type { MatrixDetail, MatrixLine } from '../../components/MatrixTable.js';
import type { Column, TableRow } from '../../components/table-types.js';
import type { Route } from '../../src/store/index.js';

/** One cell of a matrix line: where Enter goes from it, the layer x and v act on, and what the detail line says. */
export interface CellTarget {
  readonly open?: Route;
  readonly layerId?: string;
  readonly detail: MatrixDetail & { readonly isStale: boolean };
}

/** A line of a grid pane (the dashboard's matrix). */
export interface MatrixRow {
  readonly line: MatrixLine;
  /** Index 0 is the host column, then one per kind column; null where nothing can be selected (a blank). */
  readonly targets: readonly (CellTarget | null)[];
}

export interface ScreenRow extends TableRow {
  /** Text the filter matches (lower-cased on use). */
  readonly search: string;
  /** Where Enter goes from this row. */
  readonly open?: Route;
  /** The layer x and v act on from this row. */
  readonly layerId?: string;
  /** The workload an action is limited to from this row. */
  readonly assetId?: string;
  /** A recovery point's time (epoch seconds): R from this row restores that point. */
  readonly pointTimeSec?: number;
  /** Set on the lines of a grid pane: j/k, h/l, Enter, x and v then act on the selected cell. */
  readonly matrix?: MatrixRow;
}

export interface ScreenPane {
  readonly id: string;
  readonly title: string;
  readonly columns: readonly Column[];
  readonly rows: readonly ScreenRow[];
  readonly emptyText: string;
  /** A grid (rows carry `matrix`): a column cursor beside the row cursor, moved by h/l. */
  readonly isGrid?: boolean;
}

/** Rows whose text contains every word of the filter, case-insensitive. */
export function filterRows(rows: readonly ScreenRow[], filter: string): readonly ScreenRow[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows;
  return rows.filter((r) => {
    const text = r.search.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

export const filterPanes = (panes: readonly ScreenPane[], filter: string): ScreenPane[] =>
  panes.map((p) => ({ ...p, rows: filterRows(p.rows, filter) }));
