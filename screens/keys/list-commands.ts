/** The selected row of the focused pane and the target of x and v, from a key context. */
import { cursorKey, routeKey } from '../../src/store/index.js';
import type { KeyContext } from './binding.js';
import type { ScreenRow } from '../rows/pane.js';

export const clamp = (i: number, len: number) => (len <= 0 ? 0 : Math.max(0, Math.min(i, len - 1)));

export function cursorOf(ctx: Pick<KeyContext, 'state' | 'route'>, pane: number, len: number): number {
  return clamp(ctx.state.cursors[cursorKey(routeKey(ctx.route), pane)] ?? 0, len);
}

export function selectedRow(ctx: KeyContext): ScreenRow | undefined {
  const rows = ctx.panes[ctx.pane]?.rows ?? [];
  return rows[cursorOf(ctx, ctx.pane, rows.length)];
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

export function moveCursor(ctx: KeyContext, to: (current: number, len: number) => number): void {
  const rows = ctx.panes[ctx.pane]?.rows ?? [];
  if (rows.length === 0) return;
  const next = clamp(to(cursorOf(ctx, ctx.pane, rows.length), rows.length), rows.length);
  ctx.state.setCursor(routeKey(ctx.route), ctx.pane, next);
}
