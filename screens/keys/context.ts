/** The key context for the state of this instant: route, its spec, its panes as shown. */
import { currentRoute, routeKey, type AppStore } from '../../src/store/index.js';
import { filterPanes } from '../rows/pane.js';
import { specFor } from '../registry.js';
import type { AnyScreenSpec } from '../screen-spec.js';
import type { KeyContext } from './binding.js';
import { clamp } from './list-commands.js';

export function keyContext(store: AppStore, nowMs: number, pageSize: number, exit: () => void): { ctx: KeyContext; spec: AnyScreenSpec } {
  const state = store.getState();
  const route = currentRoute(state);
  const spec = specFor(route);
  const key = routeKey(route);
  const panes = filterPanes((spec.panes as (s: typeof state, r: typeof route, n: number) => ReturnType<AnyScreenSpec['panes']>)(state, route, nowMs), state.filters[key] ?? '');
  return { spec, ctx: { store, state, route, panes, pane: clamp(state.panes[key] ?? 0, panes.length), pageSize, exit } };
}
