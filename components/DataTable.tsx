/**
 * The one component for rows the operator moves through (layers, points,
 * jobs, journal entries); a grid of cells is MatrixTable, a short fixed table
 * shown whole (a layer's pools) is ink-table's Table.
 * A table that fits its width and height: fixed columns, one growing column,
 * columns dropped on narrow terminals, and only the window of rows around the
 * selection rendered (a list of 500 layers costs what 15 cost). The selected
 * row is marked with `›` as well as inverse video, so it shows without colour.
 */
import { Box, Text } from 'ink';
import type { Health } from '../src/domain/types.js';
import { HealthBadge } from './HealthBadge.js';
import type { Column, TableRow } from './table-types.js';

export interface DataTableProps {
  readonly columns: readonly Column[];
  readonly rows: readonly TableRow[];
  /** Index of the selected row, or null for none. */
  readonly selected: number | null;
  readonly width: number;
  /** Lines for the header and rows together. */
  readonly height: number;
  readonly isColor: boolean;
  readonly isFocused: boolean;
  readonly emptyText?: string;
}

const GAP = 1;
const MARK = 2;

export function layoutColumns(columns: readonly Column[], width: number): { column: Column; index: number; width: number }[] {
  const shown = columns.map((column, index) => ({ column, index })).filter(({ column }) => (column.minTableWidth ?? 0) <= width);
  const fixed = shown.reduce((n, { column }) => n + (column.width === 'grow' ? 0 : column.width) + GAP, MARK);
  const grow = Math.max(4, width - fixed);
  return shown.map(({ column, index }) => ({ column, index, width: column.width === 'grow' ? grow : column.width }));
}

/** The first row to show so that `selected` is visible in `visible` lines. */
export function windowStart(selected: number, count: number, visible: number): number {
  if (count <= visible) return 0;
  const half = Math.floor(visible / 2);
  return Math.max(0, Math.min(selected - half, count - visible));
}

export function DataTable({ columns, rows, selected, width, height, isColor, isFocused, emptyText }: DataTableProps) {
  const layout = layoutColumns(columns, width);
  // The header takes a line, and so does the "11-20 of 64" line when rows do not fit.
  const visible = Math.max(1, rows.length > height - 1 ? height - 2 : height - 1);
  const start = windowStart(selected ?? 0, rows.length, visible);
  const shown = rows.slice(start, start + visible);
  return (
    <Box flexDirection="column" width={width}>
      <Box>
        <Text>{' '.repeat(MARK)}</Text>
        {layout.map(({ column, index, width: w }) => (
          <Box key={index} width={w} marginRight={GAP} flexShrink={0}>
            <Text dimColor wrap="truncate-end">
              {column.header}
            </Text>
          </Box>
        ))}
      </Box>
      {rows.length === 0 ? <Text dimColor>{`  ${emptyText ?? '(nothing)'}`}</Text> : null}
      {shown.map((row, i) => {
        const isSelected = selected === start + i;
        return (
          <Box key={row.key}>
            <Text inverse={isSelected && isFocused} bold={isSelected}>
              {isSelected ? '› ' : '  '}
            </Text>
            {layout.map(({ column, index, width: w }) => (
              <Box key={index} width={w} marginRight={GAP} flexShrink={0}>
                {column.isHealth ? (
                  <HealthBadge health={(row.cells[index] ?? 'unknown') as Health} isColor={isColor} isBold={row.isGroup ?? false} />
                ) : (
                  <Text wrap="truncate-end" bold={row.isGroup ?? false} dimColor={row.isDim ?? false}>
                    {alignCell(row.cells[index] ?? '', w, column.align)}
                  </Text>
                )}
              </Box>
            ))}
          </Box>
        );
      })}
      {rows.length > visible ? (
        <Text dimColor>{`  ${start + 1}-${Math.min(start + visible, rows.length)} of ${rows.length}`}</Text>
      ) : null}
    </Box>
  );
}

function alignCell(text: string, width: number, align: Column['align']): string {
  if (align !== 'right' || text.length >= width) return text;
  return text.padStart(width);
}
