/**
 * The DR screen's state: the plan as the engine read it (what survives, each
 * guest's way back, what is missing), asked when the screen opens and again
 * on r. Reading the plan changes nothing on any host; a stale answer (the
 * operator asked again meanwhile) is dropped.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { DrPlan } from '../domain/dr/types.js';
import type { Loadable } from './restore-wizard.js';

export interface DrPlanDeps {
  plan(): Promise<DrPlan>;
}

export interface DrSlice {
  drAvailable: boolean;
  drPlan: Loadable<DrPlan> | null;
  /** A reading is on its way (the plan shown, if any, is the previous one). */
  drReading: boolean;
  /** First line of the plan shown. */
  drScroll: number;
  /** Reads the plan (again); the last one stays on screen until the new one is there. */
  loadDrPlan(): Promise<void>;
  scrollDrPlan(to: number): void;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export const createDrSlice =
  (deps: Partial<DrPlanDeps>): StateCreator<DrSlice, [], [], DrSlice> =>
  (set, get) => {
    let asked = 0;
    return {
      drAvailable: Boolean(deps.plan),
      drPlan: null,
      drReading: false,
      drScroll: 0,
      loadDrPlan: async () => {
        if (!deps.plan) return;
        const n = ++asked;
        set(get().drPlan?.state === 'ready' ? { drReading: true } : { drPlan: { state: 'loading' }, drReading: true });
        try {
          const plan = await deps.plan();
          if (n === asked) set({ drPlan: { state: 'ready', value: plan }, drReading: false });
        } catch (e) {
          if (n === asked) set({ drPlan: { state: 'failed', reason: message(e) }, drReading: false });
        }
      },
      scrollDrPlan: (to) => set({ drScroll: Math.max(0, to) }),
    };
  };
