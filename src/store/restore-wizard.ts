/**
 * The restore wizard as data (git-stack-cli's step union): which step it is
 * on, what the operator chose so far, and the pure rules between steps. The
 * slice (restore-slice.ts) holds one of these and calls the engine; the
 * screen renders `step` through an exhaustive switch. Nothing here does I/O.
 *
 *   workload -> point -> target -> preflight -> plan -> confirm
 *            -> progress -> checks -> done
 *
 * Esc steps back until the run starts; from then on it asks whether to cancel.
 */
import type { RestorePlan, RestoreRequest, RestoreResult, DrillRequest, SourceList, RestoreSource } from '../services/restore/api.js';
import type { AssetStatus, StatusReport } from '../domain/status-report.js';
import { assertNever } from './routes.js';
import type { RestoreRun } from './restore-run.js';

export type WizardStepKind = 'workload' | 'point' | 'target' | 'preflight' | 'plan' | 'confirm' | 'progress' | 'checks' | 'done';

export const WIZARD_STEPS: readonly WizardStepKind[] = ['workload', 'point', 'target', 'preflight', 'plan', 'confirm', 'progress', 'checks', 'done'];

export const STEP_TITLES: Record<WizardStepKind, string> = {
  workload: 'Workload',
  point: 'Point',
  target: 'Target',
  preflight: 'Preflight',
  plan: 'Plan',
  confirm: 'Confirm',
  progress: 'Progress',
  checks: 'Checks',
  done: 'Done',
};

/** Something the engine is asked for: on its way, there, or why not. */
export type Loadable<T> = { readonly state: 'loading' } | { readonly state: 'ready'; readonly value: T } | { readonly state: 'failed'; readonly reason: string };

/**
 * Where the guest goes:
 * - `new`: a new guest at the datacenter's next free id (the default: it saves data);
 * - `vmid`: a new guest at an id the operator types;
 * - `original`: over the guest itself (qmrestore --force, or a snapshot rollback): typed confirmation;
 * - `drill`: a scratch copy with its links down, started, checked and destroyed (the original is never touched).
 */
export type TargetKind = 'new' | 'vmid' | 'original' | 'drill';

/** The target step's form: one field a line. */
export interface TargetForm {
  readonly kind: TargetKind;
  /** The typed VMID of `vmid` (and a drill's scratch id; empty = next free id). */
  readonly vmidText: string;
  /** Empty: the tool's own default (said on screen). */
  readonly storage: string;
  /** Null: the engine's default (on when the original still exists). */
  readonly unique: boolean | null;
  readonly start: boolean;
}

export const DEFAULT_TARGET: TargetForm = { kind: 'new', vmidText: '', storage: '', unique: null, start: false };

export type TargetField = 'kind' | 'vmid' | 'storage' | 'unique' | 'start';

/** One step and what it alone needs (cursors, typed text); what was chosen lives beside it in `Wizard`. */
export type WizardStep =
  | { readonly kind: 'workload'; readonly cursor: number }
  | { readonly kind: 'point'; readonly cursor: number }
  | { readonly kind: 'target'; readonly field: number }
  | { readonly kind: 'preflight' }
  | { readonly kind: 'plan'; readonly scroll: number }
  | { readonly kind: 'confirm'; readonly typed: string; readonly rejected: boolean }
  | { readonly kind: 'progress' }
  | { readonly kind: 'checks' }
  | { readonly kind: 'done' };

/** A run as the wizard shows it; `log` is mutable and bounded, `revision` moves when it grew. */
export type WizardRun = RestoreRun<RestoreResult>;

export interface Wizard {
  /** The workload chosen (or given by where R was pressed). */
  readonly assetId: string | null;
  /** A point asked for by where R was pressed (a point in a layer). */
  readonly wanted: { readonly layerId: string; readonly timeSec: number } | null;
  readonly sources: Loadable<SourceList> | null;
  readonly sourceId: string | null;
  readonly target: TargetForm;
  readonly plan: Loadable<RestorePlan> | null;
  readonly run: WizardRun | null;
  readonly step: WizardStep;
  /** The raw log instead of the progress summary. */
  readonly showLog: boolean;
  /** First log line shown, or -1 to follow the newest. */
  readonly logTop: number;
}

export const stepIndex = (step: WizardStep): number => WIZARD_STEPS.indexOf(step.kind);

/** True once the engine was asked to run: from here Esc asks instead of stepping back. */
export const hasStarted = (w: Wizard): boolean => w.run !== null && w.run.refused === null;

/** Still running: no result yet. */
export const isRunning = (w: Wizard): boolean => hasStarted(w) && w.run!.result === null;

export function selectedSource(w: Wizard): RestoreSource | undefined {
  if (w.sources?.state !== 'ready') return undefined;
  return w.sources.value.sources.find((s) => s.id === w.sourceId);
}

/** A guest snapshot: it is rolled back or cloned, not restored. */
export const isSnapshotSource = (s: RestoreSource): boolean => !s.methods.includes('restore') && (s.methods.includes('rollback') || s.methods.includes('clone'));

/** The targets a source offers, in the order shown (the one that saves data first). */
export function targetKinds(source: RestoreSource | undefined): TargetKind[] {
  if (!source) return ['new'];
  const m = source.methods;
  const out: TargetKind[] = [];
  if (m.includes('restore') || m.includes('clone')) out.push('new', 'vmid');
  // A drill restores an archive or a PBS snapshot to a scratch guest.
  if (m.includes('restore')) out.push('drill');
  // The one that destroys comes last, one ← away from the default.
  if (m.includes('restore') || m.includes('rollback')) out.push('original');
  return out.length > 0 ? out : ['new'];
}

/** The fields of the target form for this choice, top to bottom. */
export function targetFields(form: TargetForm, source: RestoreSource | undefined, originalExists: boolean): TargetField[] {
  const fields: TargetField[] = ['kind'];
  if (form.kind === 'vmid' || form.kind === 'drill') fields.push('vmid');
  // A rollback and a clone keep the guest's own disks where they are.
  const snapshot = source ? isSnapshotSource(source) : false;
  if (!snapshot) fields.push('storage');
  if ((form.kind === 'new' || form.kind === 'vmid') && !snapshot && originalExists) fields.push('unique');
  if (form.kind !== 'drill') fields.push('start');
  return fields;
}

/** A VMID as PVE takes it (100 to 999999999), or null. */
export function parseVmid(text: string): number | null {
  if (!/^\d{3,9}$/.test(text)) return null;
  const n = Number(text);
  return n >= 100 && n <= 999_999_999 ? n : null;
}

/** Why the form cannot go on to the preflight, or null. */
export function targetProblem(form: TargetForm): string | null {
  if (form.kind === 'vmid' && parseVmid(form.vmidText) === null) return 'type the VMID of the new guest (100 to 999999999)';
  if (form.kind === 'drill' && form.vmidText !== '' && parseVmid(form.vmidText) === null) return 'the scratch VMID is 100 to 999999999, or empty for the next free id';
  if (form.storage !== '' && !/^[A-Za-z][A-Za-z0-9._-]*$/.test(form.storage)) return `"${form.storage}" is not a PVE storage name`;
  return null;
}

/** What the engine is asked to plan: a restore or a drill. */
export type PlanAsk = { readonly kind: 'restore'; readonly request: RestoreRequest } | { readonly kind: 'drill'; readonly request: DrillRequest };

export function planAsk(w: Wizard): PlanAsk | null {
  const source = selectedSource(w);
  if (!w.assetId || !source) return null;
  const f = w.target;
  const storage = f.storage === '' ? {} : { storage: f.storage };
  if (f.kind === 'drill') {
    const scratch = parseVmid(f.vmidText);
    return { kind: 'drill', request: { assetId: w.assetId, sourceId: source.id, ...(scratch === null ? {} : { scratchVmid: scratch }), ...storage } };
  }
  const snapshot = isSnapshotSource(source);
  const method = snapshot ? (f.kind === 'original' ? 'rollback' : 'clone') : 'restore';
  const vmid = parseVmid(f.vmidText);
  const target = f.kind === 'original' ? ({ kind: 'original' } as const) : f.kind === 'vmid' && vmid !== null ? ({ kind: 'new', vmid } as const) : ({ kind: 'new' } as const);
  return {
    kind: 'restore',
    request: {
      assetId: w.assetId,
      sourceId: source.id,
      method,
      target,
      start: f.start,
      ...(snapshot ? {} : storage),
      ...(f.unique === null || snapshot || f.kind === 'original' ? {} : { unique: f.unique }),
    },
  };
}

/**
 * The step Esc goes back to, or null when Esc leaves the wizard (from the
 * first step) or asks instead (once the run started).
 */
export function previousStep(w: Wizard): WizardStep | 'leave' | 'ask' {
  if (hasStarted(w)) return w.run!.result === null ? 'ask' : 'leave';
  switch (w.step.kind) {
    case 'workload':
      return 'leave';
    case 'point':
      return { kind: 'workload', cursor: 0 };
    case 'target':
      return { kind: 'point', cursor: 0 };
    case 'preflight':
      return { kind: 'target', field: 0 };
    case 'plan':
      return { kind: 'preflight' };
    case 'confirm':
      return { kind: 'plan', scroll: 0 };
    case 'progress':
    case 'checks':
    case 'done':
      return 'leave';
    default:
      return assertNever(w.step);
  }
}

/** The workloads the wizard restores (PVE guests), in the report's order. */
export function restorableAssets(report: StatusReport | null): AssetStatus[] {
  return (report?.assets ?? []).filter((a) => a.id.startsWith('vm/') || a.id.startsWith('ct/'));
}
