/**
 * The file-restore wizard as data (git-stack-cli's step union), beside the
 * guest wizard (restore-wizard.ts): which step it is on, what was chosen,
 * and the pure rules between steps. The slice (files-slice.ts) holds one of
 * these and calls the file engine; the screen renders `step` through an
 * exhaustive switch. Nothing here does I/O.
 *
 *   point -> browse -> target [-> thaw] -> preflight -> plan -> confirm
 *         -> [waiting ->] progress -> checks -> done
 *
 * A cold source (S3 Glacier) adds the thaw step (its tiers' wait and cost
 * class) and, once the thaw is requested, the waiting step: the restore is
 * saved by the engine under an id, the operator may leave, and the waiting
 * restores list (`thaws`) brings it back later.
 */
import type {
  FileMethod,
  FileRestorePlan,
  FileRestoreRequest,
  FileRestoreResult,
  FileSource,
  FileSourceList,
  FileSourceQuery,
  OverwritePolicy,
  SavedThaw,
  ThawPriority,
  ThawProgress,
} from '../services/restore/files-api.js';
import type { Loadable } from './restore-wizard.js';
import type { RestoreRun } from './restore-run.js';
import { assertNever } from './routes.js';

export type FilesStepKind = 'thaws' | 'point' | 'browse' | 'target' | 'thaw' | 'preflight' | 'plan' | 'confirm' | 'waiting' | 'progress' | 'checks' | 'done';

export const FILES_STEP_TITLES: Record<FilesStepKind, string> = {
  thaws: 'Waiting',
  point: 'Point',
  browse: 'Files',
  target: 'Target',
  thaw: 'Thaw',
  preflight: 'Preflight',
  plan: 'Plan',
  confirm: 'Confirm',
  waiting: 'Thawing',
  progress: 'Progress',
  checks: 'Checks',
  done: 'Done',
};

export type FilesStep =
  /** The saved restores waiting for a thaw, to resume one. */
  | { readonly kind: 'thaws'; readonly cursor: number }
  | { readonly kind: 'point'; readonly cursor: number }
  /** The browser slice holds the directory, the filter and the choices. */
  | { readonly kind: 'browse' }
  | { readonly kind: 'target'; readonly field: number }
  | { readonly kind: 'thaw'; readonly cursor: number }
  | { readonly kind: 'preflight' }
  | { readonly kind: 'plan'; readonly scroll: number }
  | { readonly kind: 'confirm'; readonly typed: string; readonly rejected: boolean }
  /** A thaw was requested and saved: its counts, read again on r. */
  | { readonly kind: 'waiting' }
  | { readonly kind: 'progress' }
  | { readonly kind: 'checks' }
  | { readonly kind: 'done' };

/**
 * Where the data goes:
 * - `alternate`: the chosen paths into a new directory on the host (the default: nothing overwritten);
 * - `original`: over the paths themselves (typed confirmation and an overwrite policy);
 * - `clone`: the whole dataset as a new clone of the snapshot (nothing destroyed);
 * - `rollback`: the dataset rolled back (every newer snapshot destroyed: typed);
 * - `receive`: the dataset received back from the replica (`-F` discards newer snapshots there: typed).
 */
export type FilesTargetKind = 'alternate' | 'original' | 'clone' | 'rollback' | 'receive';

export interface FilesTargetForm {
  readonly kind: FilesTargetKind;
  /** The alternate directory typed; empty: the engine's default under /var/tmp/strata-restore. */
  readonly dir: string;
  readonly overwrite: OverwritePolicy;
}

export const DEFAULT_FILES_TARGET: FilesTargetForm = { kind: 'alternate', dir: '', overwrite: 'if-changed' };

export type FilesTargetField = 'kind' | 'dir' | 'overwrite';

export const OVERWRITE_POLICIES: readonly OverwritePolicy[] = ['if-changed', 'if-newer', 'never', 'always'];

export type FilesRun = RestoreRun<FileRestoreResult>;

export interface FilesWizard {
  /** What is restored, as the engine is asked (a path or a dataset); null when opened on the waiting restores. */
  readonly query: FileSourceQuery | null;
  /** The workload or path in words, for the line under the trail. */
  readonly label: string;
  readonly sources: Loadable<FileSourceList> | null;
  readonly sourceId: string | null;
  /** A point asked for by where R was pressed. */
  readonly wanted: { readonly layerId: string; readonly timeSec: number } | null;
  readonly target: FilesTargetForm;
  readonly priority: ThawPriority | null;
  readonly plan: Loadable<FileRestorePlan> | null;
  readonly run: FilesRun | null;
  /** The saved thaw this wizard waits on (after its run requested it, or chosen from the waiting list). */
  readonly thaw: { readonly id: string; readonly status: Loadable<ThawProgress> } | null;
  readonly thaws: Loadable<readonly SavedThaw[]> | null;
  readonly step: FilesStep;
}

export function selectedFileSource(w: FilesWizard): FileSource | undefined {
  if (w.sources?.state !== 'ready') return undefined;
  return w.sources.value.sources.find((s) => s.id === w.sourceId);
}

export const isColdSource = (s: FileSource | undefined): boolean => Boolean(s?.cold);

/** The steps shown in the trail for this wizard (a cold source has two more; a resumed one starts at Waiting). */
export function filesSteps(w: FilesWizard): FilesStepKind[] {
  if (w.query === null) return ['thaws', 'waiting', 'progress', 'checks', 'done'];
  const cold = isColdSource(selectedFileSource(w));
  return ['point', 'browse', 'target', ...(cold ? (['thaw'] as const) : []), 'preflight', 'plan', 'confirm', ...(cold ? (['waiting'] as const) : []), 'progress', 'checks', 'done'];
}

/** The targets a source offers, the one that saves data first: for a dataset a clone, for a path a new directory. */
export function filesTargetKinds(source: FileSource | undefined, isDataset = false): FilesTargetKind[] {
  const m: readonly FileMethod[] = source?.methods ?? ['files'];
  const out: FilesTargetKind[] = [];
  const safe: [FilesTargetKind, FileMethod][] = [
    ['alternate', 'files'],
    ['clone', 'clone'],
  ];
  for (const [kind, method] of isDataset ? safe.reverse() : safe) if (m.includes(method)) out.push(kind);
  // The ones that overwrite or destroy come last.
  if (m.includes('files')) out.push('original');
  if (m.includes('rollback')) out.push('rollback');
  if (m.includes('receive')) out.push('receive');
  return out.length > 0 ? out : ['alternate'];
}

export const isDatasetTarget = (kind: FilesTargetKind): boolean => kind === 'clone' || kind === 'rollback' || kind === 'receive';

export function filesTargetFields(form: FilesTargetForm): FilesTargetField[] {
  if (form.kind === 'alternate') return ['kind', 'dir'];
  if (form.kind === 'original') return ['kind', 'overwrite'];
  return ['kind'];
}

/** Why the target cannot go on, or null. */
export function filesTargetProblem(form: FilesTargetForm): string | null {
  if (form.kind === 'alternate' && form.dir !== '' && !form.dir.startsWith('/')) return 'the directory is an absolute path on the host (or empty for the default)';
  return null;
}

/** What the engine is asked to plan. */
export function filesRequest(w: FilesWizard, paths: readonly string[]): FileRestoreRequest | null {
  const source = selectedFileSource(w);
  if (!source) return null;
  const f = w.target;
  const thaw = source.cold ? { thaw: { priority: w.priority ?? 'Standard' } } : {};
  switch (f.kind) {
    case 'alternate':
      return { sourceId: source.id, method: 'files', ...(paths.length > 0 ? { paths } : {}), target: { kind: 'alternate', ...(f.dir === '' ? {} : { dir: f.dir }) }, ...thaw };
    case 'original':
      return { sourceId: source.id, method: 'files', ...(paths.length > 0 ? { paths } : {}), target: { kind: 'original', overwrite: f.overwrite }, ...thaw };
    case 'clone':
    case 'rollback':
    case 'receive':
      return { sourceId: source.id, method: f.kind };
    default:
      return assertNever(f.kind);
  }
}

export const hasFilesStarted = (w: FilesWizard): boolean => w.run !== null && w.run.refused === null;
export const isFilesRunning = (w: FilesWizard): boolean => hasFilesStarted(w) && w.run!.result === null;

/** Esc: the step before, leave, or ask (a run goes on). */
export function previousFilesStep(w: FilesWizard): FilesStep | 'leave' | 'ask' {
  if (isFilesRunning(w)) return 'ask';
  if (hasFilesStarted(w)) return 'leave';
  const cold = isColdSource(selectedFileSource(w));
  switch (w.step.kind) {
    case 'thaws':
    case 'point':
    case 'waiting':
    case 'progress':
    case 'checks':
    case 'done':
      return 'leave';
    case 'browse':
      return { kind: 'point', cursor: 0 };
    case 'target':
      return isDatasetTarget(w.target.kind) ? { kind: 'point', cursor: 0 } : { kind: 'browse' };
    case 'thaw':
      return { kind: 'target', field: 0 };
    case 'preflight':
      return cold ? { kind: 'thaw', cursor: 0 } : { kind: 'target', field: 0 };
    case 'plan':
      return { kind: 'preflight' };
    case 'confirm':
      return { kind: 'plan', scroll: 0 };
    default:
      return assertNever(w.step);
  }
}

/** The workloads whose restores are files or datasets (guests go to the guest wizard). */
export function fileQueryOf(assetId: string): FileSourceQuery | null {
  if (assetId.startsWith('files/')) return { path: assetId };
  if (assetId.startsWith('dataset/')) return { dataset: assetId };
  if (assetId.startsWith('host/')) return { path: `${assetId.slice('host/'.length)}:/` };
  return null;
}
