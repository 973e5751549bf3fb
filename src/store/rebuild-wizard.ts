/**
 * The rebuild wizard as data (git-stack-cli's step union): which of the
 * engine's steps is on screen, in which phase, and the pure rules between
 * phases. The slice (rebuild-slice.ts) holds one of these and drives the DR
 * engine; the screen renders the step through an exhaustive switch over its
 * kind. Nothing here does I/O.
 *
 * Per step:  checking -> review -> (node: trust, the typed fingerprint) -> running -> outcome
 * The engine's own state (saved on disk after each change) says which step is
 * next, so a wizard reopened after a quit or a crash resumes where it stopped.
 * Esc steps back until a step runs; while one runs it asks whether to cancel.
 */
import type { DrReport, GuestRun, HostKeyOffer, RebuildState, RebuildStep } from '../services/dr/api.js';
import type { LineBuffer } from './line-buffer.js';
import type { Loadable } from './restore-wizard.js';
import { assertNever } from './routes.js';

/** What a step is, from its engine id: every kind has its own view. */
export type RebuildStepKind = 'node' | 'identity' | 'network' | 'host-config' | 'storage' | 'chains' | 'tier' | 'report';

export function stepKindOf(id: string): RebuildStepKind | null {
  if (id.startsWith('tier:')) return 'tier';
  switch (id) {
    case 'node':
    case 'identity':
    case 'network':
    case 'host-config':
    case 'storage':
    case 'chains':
    case 'report':
      return id;
    default:
      return null;
  }
}

/** The trail's word for a step. */
export function stepLabel(id: string): string {
  const kind = stepKindOf(id);
  switch (kind) {
    case 'node':
      return 'Node';
    case 'identity':
      return 'Identity';
    case 'network':
      return 'Network';
    case 'host-config':
      return 'Host config';
    case 'storage':
      return 'Storage';
    case 'chains':
      return 'Chains';
    case 'tier':
      return `Tier ${id.slice('tier:'.length)}`;
    case 'report':
      return 'Report';
    case null:
      return id;
    default:
      return assertNever(kind);
  }
}

/**
 * - `checking`: the engine checks (read-only) whether the step is done already;
 * - `review`: its exact commands, whether it writes, the question;
 * - `trust`: the node step's typed fingerprint (in place of y);
 * - `running`: it runs; Esc asks whether to cancel;
 * - `outcome`: how it ended (done, already done, failed, blocked) and what next.
 */
export type RebuildPhase =
  | { readonly kind: 'checking' }
  | { readonly kind: 'review'; readonly scroll: number }
  | { readonly kind: 'trust'; readonly typed: string; readonly rejected: boolean }
  | { readonly kind: 'running'; readonly askingCancel: boolean; readonly cancelling: boolean; readonly scroll: number }
  | { readonly kind: 'outcome'; readonly scroll: number };

/** A guest restore's progress as the tool tells it. */
export interface GuestProgress {
  readonly percent: number | null;
  readonly etaSeconds: number | null;
}

export interface RebuildWizard {
  /** The engine's state as last saved (null while the rebuild opens). */
  readonly state: RebuildState | null;
  /** Opening (start or resume), or why it could not. */
  readonly opening: Loadable<'started' | 'resumed'>;
  /** The step on screen (the engine's next), or null once every step is done. */
  readonly stepId: string | null;
  readonly phase: RebuildPhase;
  /** The node step: the key the new node offers. */
  readonly hostKey: Loadable<HostKeyOffer> | null;
  /** Per guest of the running tier. */
  readonly progress: Readonly<Record<string, GuestProgress>>;
  /** Why the engine refused to run the step (nothing ran), shown on the review. */
  readonly refused: string | null;
  /** The report, once every step is done. */
  readonly report: Loadable<DrReport | null> | null;
  /** Raw output of the steps run in this session; `revision` moves when it grew. */
  readonly log: LineBuffer;
  readonly revision: number;
  readonly showLog: boolean;
}

export const stepOf = (w: RebuildWizard, id: string | null = w.stepId): RebuildStep | undefined => (id === null ? undefined : w.state?.steps.find((s) => s.id === id));

/** Done now or found done before: either way it is not run again. */
export const isDone = (s: RebuildStep): boolean => s.state === 'done' || s.state === 'already-done';

/** Where Esc goes: a phase of the same step, out of the wizard (the state is saved), or the cancel question. */
export function previousPhase(w: RebuildWizard): RebuildPhase | 'leave' | 'ask' {
  const p = w.phase;
  switch (p.kind) {
    case 'running':
      return 'ask';
    case 'trust':
      return { kind: 'review', scroll: 0 };
    case 'checking':
    case 'review':
    case 'outcome':
      return 'leave';
    default:
      return assertNever(p);
  }
}

/** Guests of a tier step by state, for its one-line summary. */
export function guestCounts(guests: readonly GuestRun[]): string {
  const up = guests.filter((g) => g.state === 'checked' || g.state === 'already-there').length;
  const running = guests.filter((g) => g.state === 'restoring').length;
  const bad = guests.filter((g) => g.state === 'failed' || g.state === 'check-failed' || g.state === 'no-source').length;
  return [`${up} of ${guests.length} up`, ...(running > 0 ? [`${running} restoring`] : []), ...(bad > 0 ? [`${bad} FAILED`] : [])].join(' · ');
}
