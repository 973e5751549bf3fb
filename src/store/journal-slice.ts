/**
 * The Journal screen's view of what Strata ran: entries newest first, read
 * through an injected reader (the journal service owns the file). Reading is
 * on demand: when the screen is shown and after each job.
 */
import type { StateCreator } from 'zustand/vanilla';
import { errorText } from '../domain/error-text.js';

/** One journal entry as the TUI shows it. */
export interface JournalEntryView {
  readonly id: string;
  /** Epoch ms when the action started. */
  readonly atMs: number;
  /** run, verify, restore, ... */
  readonly kind: string;
  readonly title: string;
  readonly layerId?: string;
  readonly hosts: readonly string[];
  /** ok, warning, failed, cancelled. */
  readonly state: string;
  readonly summary: string;
  readonly durationMs?: number;
  /** For verifies: whether the copies were proven sound. */
  readonly verified?: 'ok' | 'failed';
  /** The commands as run, secrets redacted (describeCommand). */
  readonly commands: readonly string[];
  readonly user?: string;
}

export interface JournalDeps {
  /** Every entry; the slice sorts newest first. */
  readJournal(): Promise<readonly JournalEntryView[]>;
}

export interface JournalSlice {
  journal: {
    readonly entries: readonly JournalEntryView[];
    readonly loading: boolean;
    readonly error: string | null;
    readonly available: boolean;
  };
  loadJournal(): Promise<void>;
}

export const createJournalSlice =
  (deps: Partial<JournalDeps>): StateCreator<JournalSlice, [], [], JournalSlice> =>
  (set, get) => ({
    journal: { entries: [], loading: false, error: null, available: deps.readJournal !== undefined },
    loadJournal: async () => {
      if (!deps.readJournal) return;
      set({ journal: { ...get().journal, loading: true } });
      try {
        const entries = [...(await deps.readJournal())].sort((a, b) => b.atMs - a.atMs);
        set({ journal: { entries, loading: false, error: null, available: true } });
      } catch (e) {
        set({ journal: { ...get().journal, loading: false, error: errorText(e) } });
      }
    },
  });
