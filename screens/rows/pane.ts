/**
 * A screen's list as data: columns and rows built by pure functions from the
 * store's state, filtered by the screen's `/` text. The generic list keys
 * (j/k, Enter, Tab) and the renderer read the same panes.
 */
import type { Column, TableRow } from '../../components/table-types.js';
import type { Route } from '../../src/store/index.js';

export interface ScreenRow extends TableRow {
  /** Text the filter matches (lower-cased on use). */
  readonly search: string;
  /** Where Enter goes from this row. */
  readonly open?: Route;
  /** The layer x and v act on from this row. */
  readonly layerId?: string;
  /** The workload an action is limited to from this row. */
  readonly assetId?: string;
}

export interface ScreenPane {
  readonly id: string;
  readonly title: string;
  readonly columns: readonly Column[];
  readonly rows: readonly ScreenRow[];
  readonly emptyText: string;
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
