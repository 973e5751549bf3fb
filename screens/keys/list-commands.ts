/** The selected row (or cell, in a grid pane) of the focused pane and the target of x and v, from a key context. */
import { cursorKey, routeKey, type RestoreOpening } from '../../src/store/index.js';
import type { KeyContext } from './binding.js';
import { moveColumn, moveToLine, resolveCell, targetAt } from '../rows/matrix-cursor.js';
import type { ScreenRow } from '../rows/pane.js';

export const clamp = (i: number, len: number) => (len <= 0 ? 0 : Math.max(0, Math.min(i, len - 1)));

export function cursorOf(ctx: Pick<KeyContext, 'state' | 'route'>, pane: number, len: number): number {
  return clamp(ctx.state.cursors[cursorKey(routeKey(ctx.route), pane)] ?? 0, len);
}

export function columnOf(ctx: Pick<KeyContext, 'state' | 'route'>, pane: number): number {
  return ctx.state.columns[cursorKey(routeKey(ctx.route), pane)] ?? 0;
}

/** The selected row; in a grid, that line with the selected cell's target (Enter, x and v act on the cell). */
export function selectedRow(ctx: KeyContext): ScreenRow | undefined {
  const rows = ctx.panes[ctx.pane]?.rows ?? [];
  const row = rows[cursorOf(ctx, ctx.pane, rows.length)];
  if (!row?.matrix) return row;
  const at = resolveCell(rows, cursorOf(ctx, ctx.pane, rows.length), columnOf(ctx, ctx.pane));
  const target = targetAt(rows, at);
  return { ...(rows[at.row] ?? row), open: target?.open, layerId: target?.layerId };
}

export interface ActionTarget {
  readonly layerId: string;
  readonly assetId?: string;
}

/** The layer under the cursor, or the Layer screen's own layer. */
export function actionTarget(ctx: KeyContext): ActionTarget | null {
  const row = selectedRow(ctx);
  if (row?.layerId) return { layerId: row.layerId, ...(row.assetId ? { assetId: row.assetId } : {}) };
  if (ctx.route.kind === 'layer') return { layerId: ctx.route.layerId };
  return null;
}

/** Where R starts the wizard from: this workload, the point under the cursor, or nothing chosen yet. */
export function restoreOpening(ctx: KeyContext): RestoreOpening {
  if (ctx.route.kind === 'workload') return { assetId: ctx.route.assetId };
  const row = selectedRow(ctx);
  const assetId = row?.assetId ?? (row?.open?.kind === 'workload' ? row.open.assetId : undefined);
  if (!assetId) return {};
  if (row?.layerId && row.pointTimeSec !== undefined) return { assetId, layerId: row.layerId, pointTimeSec: row.pointTimeSec };
  return { assetId };
}

export function moveCursor(ctx: KeyContext, to: (current: number, len: number) => number): void {
  const rows = ctx.panes[ctx.pane]?.rows ?? [];
  if (rows.length === 0) return;
  const key = routeKey(ctx.route);
  if (ctx.panes[ctx.pane]?.isGrid) {
    const from = resolveCell(rows, cursorOf(ctx, ctx.pane, rows.length), columnOf(ctx, ctx.pane));
    const next = moveToLine(rows, from, to(from.row, rows.length));
    ctx.state.setCursor(key, ctx.pane, next.row);
    ctx.state.setColumn(key, ctx.pane, next.column);
    return;
  }
  const next = clamp(to(cursorOf(ctx, ctx.pane, rows.length), rows.length), rows.length);
  ctx.state.setCursor(key, ctx.pane, next);
}

/** h/l in a grid pane: the next selectable cell of the line. */
export function moveCell(ctx: KeyContext, delta: -1 | 1): void {
  const rows = ctx.panes[ctx.pane]?.rows ?? [];
  if (!ctx.panes[ctx.pane]?.isGrid || rows.length === 0) return;
  const key = routeKey(ctx.route);
  const next = moveColumn(rows, resolveCell(rows, cursorOf(ctx, ctx.pane, rows.length), columnOf(ctx, ctx.pane)), delta);
  ctx.state.setCursor(key, ctx.pane, next.row);
  ctx.state.setColumn(key, ctx.pane, next.column);
}

/** Why h/l do not move a cell here (they go back and open instead), or null in a grid pane. */
export const gridReason = (ctx: KeyContext): string | null => (ctx.panes[ctx.pane]?.isGrid ? null : 'not a matrix: here h/l go back and open');
