/**
 * What a list screen needs from the store: its panes (filtered as shown), the
 * focused pane and each pane's cursor, and polling of its scope while shown.
 */
import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { cursorKey, routeKey, type AppState, type PollScope, type RouteKind } from '../src/store/index.js';
import { clamp } from './keys/list-commands.js';
import { filterPanes, type ScreenPane } from './rows/pane.js';
import type { RouteOf, ScreenSpec } from './screen-spec.js';
import { useAppState, useNow, useStoreContext } from './store-context.js';

export interface ScreenData {
  readonly panes: readonly ScreenPane[];
  readonly pane: number;
  readonly cursors: readonly number[];
  readonly filter: string;
  readonly isColor: boolean;
  readonly nowMs: number;
  readonly state: AppState;
}

export function useScreen<K extends RouteKind>(spec: ScreenSpec<K>, route: RouteOf<K>): ScreenData {
  const key = routeKey(route);
  const now = useNow();
  const picked = useAppState(
    useShallow((s: AppState) => {
      const out: Record<string, unknown> = {};
      for (const f of spec.reads) out[f] = s[f];
      out.filter = s.filters[key] ?? '';
      out.pane = s.panes[key] ?? 0;
      out.color = s.color;
      out.cursors = s.cursors;
      return out;
    }),
  );
  const state = picked as unknown as AppState;
  const filter = picked.filter as string;
  const readFields = spec.reads.map((f) => picked[f]);
  const panes = useMemo(
    () => filterPanes(spec.panes(state, route, now), filter),
    [...readFields, filter, now, key],
  );
  const pane = clamp(picked.pane as number, panes.length);
  const cursorMap = picked.cursors as AppState['cursors'];
  const cursors = panes.map((p, i) => clamp(cursorMap[cursorKey(key, i)] ?? 0, p.rows.length));
  return { panes, pane, cursors, filter, isColor: picked.color as boolean, nowMs: now, state };
}

/** Polls `scope` while the calling screen is mounted (shown); stops when it is hidden. */
export function usePolling(scope: PollScope | null): void {
  const { store } = useStoreContext();
  const id = scope ? `${scope.id}|${scope.hosts?.join(',') ?? ''}|${scope.layers?.join(',') ?? ''}` : '';
  useEffect(() => {
    if (!scope) return undefined;
    return store.getState().watch(scope);
  }, [store, id]);
}
