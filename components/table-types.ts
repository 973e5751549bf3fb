/** The data a DataTable shows: plain values, so screens build rows with pure functions. */
import type { Health } from '../src/domain/types.js';

export interface Column {
  readonly header: string;
  /** Characters, or 'grow' for the one column that takes what is left. */
  readonly width: number | 'grow';
  readonly align?: 'left' | 'right';
  /** Hidden when the table is narrower than this (80-column terminals). */
  readonly minTableWidth?: number;
  /** The cell is a Health value shown as glyph and word. */
  readonly isHealth?: boolean;
}

export interface TableRow {
  readonly key: string;
  readonly cells: readonly string[];
  /** Grouping rows (a host above its layers) read bold. */
  readonly isGroup?: boolean;
  readonly isDim?: boolean;
  readonly health?: Health;
}
