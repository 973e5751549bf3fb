/**
 * How screens reach the store: one context holding the store and the clock,
 * and selector hooks. Selectors must return stored values (or primitives):
 * derived lists are computed with useMemo from them, never in a selector.
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

/** The clock, ticking so ages stay true on a screen nobody touches. */
export function useNow(): number {
  const { nowMs, tickMs } = useStoreContext();
  return useTicker(nowMs, tickMs);
}
