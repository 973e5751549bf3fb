/**
 * How screens reach the store: one context holding the store and the clock,
 * and selector hooks. Selectors must return stored values (or primitives):
 * derived lists are computed with useMemo from them, never in a selector.
 *
 * The time ages are counted from is read once per frame, above everything
 * that shows an age: the title bar and the screen below it never disagree
 * about "now" (each reading its own clock, they were seconds apart).
 */
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useTicker } from '../src/hooks/use-ticker.js';
import type { AppState, AppStore } from '../src/store/index.js';

export interface StoreContextValue {
  readonly store: AppStore;
  readonly nowMs: () => number;
  /** How often ages on screen move on. */
  readonly tickMs: number;
}

const Ctx = createContext<StoreContextValue | null>(null);
const NowCtx = createContext<number | null>(null);

export function StoreProvider({ value, children }: { readonly value: StoreContextValue; readonly children: ReactNode }) {
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useStoreContext(): StoreContextValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('screens need a StoreProvider above them');
  return v;
}

export function useAppState<T>(selector: (s: AppState) => T): T {
  return useStore(useStoreContext().store, selector);
}

/**
 * Reads the clock for everything below it: whenever it is drawn (the shell
 * draws it on a resize), every `tickMs`, so ages move on on a screen nobody
 * touches, and on every change of the store, so a reading that just arrived
 * is never younger than "now" and a key that redraws only the screen moves
 * the title bar's ages too.
 */
export function ClockProvider({ children }: { readonly children: ReactNode }) {
  const { store, nowMs, tickMs } = useStoreContext();
  useStore(store);
  const now = useTicker(nowMs, tickMs);
  return <NowCtx.Provider value={now}>{children}</NowCtx.Provider>;
}

/** The frame's clock (whole seconds), the same for every component of the frame. */
export function useNow(): number {
  const now = useContext(NowCtx);
  if (now === null) throw new Error('screens need a ClockProvider above them');
  return now;
}
