/**
 * What the operator is looking at: the route stack, the focused pane and the
 * cursor of each screen, the filter of each screen, the open overlay, and one
 * message line. Pure state: no I/O, no timers.
 */
import type { StateCreator } from 'zustand/vanilla';
import { routeKey, type Route } from './routes.js';

export type Overlay =
  | { readonly kind: 'help'; readonly scroll: number }
  | { readonly kind: 'palette'; readonly query: string; readonly selected: number }
  | { readonly kind: 'filter' }
  | { readonly kind: 'notice'; readonly title: string; readonly lines: readonly string[] };

export interface Message {
  readonly text: string;
  readonly tone: 'info' | 'warn' | 'error';
  readonly atMs: number;
}

export interface UiOptions {
  /** --read-only: every binding and action that changes a host is gone. */
  readonly readOnly?: boolean;
  /** False with NO_COLOR or a monochrome terminal: health reads from glyph and word. */
  readonly color?: boolean;
}

export interface UiSlice {
  readOnly: boolean;
  color: boolean;
  /** The route stack; the last one is on screen. Never empty. */
  routes: readonly Route[];
  /** Focused pane index per route key. */
  panes: Readonly<Record<string, number>>;
  /** Cursor per `routeKey#pane`. */
  cursors: Readonly<Record<string, number>>;
  /** Column cursor per `routeKey#pane`, beside the row cursor, in panes that are a grid (the dashboard's matrix). */
  columns: Readonly<Record<string, number>>;
  /** Filter text per route key. */
  filters: Readonly<Record<string, string>>;
  overlay: Overlay | null;
  message: Message | null;
  navigate(route: Route): void;
  back(): void;
  /** Replaces the whole stack with one route (palette jumps). */
  goHome(): void;
  setPane(key: string, pane: number): void;
  setCursor(key: string, pane: number, index: number): void;
  setColumn(key: string, pane: number, index: number): void;
  setFilter(key: string, text: string): void;
  openOverlay(overlay: Overlay): void;
  closeOverlay(): void;
  say(text: string, tone?: Message['tone']): void;
}

export const cursorKey = (key: string, pane: number) => `${key}#${pane}`;

export const currentRoute = (s: Pick<UiSlice, 'routes'>): Route => s.routes[s.routes.length - 1] ?? { kind: 'dashboard' };

export const createUiSlice =
  (opts: UiOptions, nowMs: () => number): StateCreator<UiSlice, [], [], UiSlice> =>
  (set) => ({
    readOnly: opts.readOnly ?? false,
    color: opts.color ?? true,
    routes: [{ kind: 'dashboard' }],
    panes: {},
    cursors: {},
    columns: {},
    filters: {},
    overlay: null,
    message: null,
    navigate: (route) =>
      set((s) => {
        const top = currentRoute(s);
        if (routeKey(top) === routeKey(route)) return {};
        return { routes: [...s.routes, route], overlay: null };
      }),
    back: () => set((s) => (s.routes.length > 1 ? { routes: s.routes.slice(0, -1), overlay: null } : {})),
    goHome: () => set({ routes: [{ kind: 'dashboard' }], overlay: null }),
    setPane: (key, pane) => set((s) => ({ panes: { ...s.panes, [key]: pane } })),
    setCursor: (key, pane, index) => set((s) => ({ cursors: { ...s.cursors, [cursorKey(key, pane)]: index } })),
    setColumn: (key, pane, index) => set((s) => ({ columns: { ...s.columns, [cursorKey(key, pane)]: index } })),
    setFilter: (key, text) => set((s) => ({ filters: { ...s.filters, [key]: text } })),
    openOverlay: (overlay) => set({ overlay }),
    closeOverlay: () => set({ overlay: null }),
    say: (text, tone = 'info') => set({ message: { text, tone, atMs: nowMs() } }),
  });
