/**
 * What each wizard step shows, as pure functions of the wizard's state: the
 * workloads, the ranked sources, the target form, the progress of a run.
 * The step views only lay these out.
 */
import type { Column } from '../../components/table-types.js';
import type { CheckItem } from '../../components/CheckList.js';
import { formatBytes } from '../../src/domain/format.js';
import type { StatusReport } from '../../src/domain/status-report.js';
import {
  isSnapshotSource,
  restorableAssets,
  selectedSource,
  targetFields,
  type RestorePlan,
  type RestoreSource,
  type SourceList,
  type TargetField,
  type TargetKind,
  type Wizard,
  type WizardRun,
} from '../../src/store/index.js';
import { shortAge, shortTime, isoFromMs } from '../rows/format.js';
import type { ScreenRow } from '../rows/pane.js';

/** `45s`, `3m 07s`, `1h 02m`: a duration that moves every second. */
export function clock(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '-';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export const WORKLOAD_STEP_COLUMNS: readonly Column[] = [
  { header: 'WORKLOAD', width: 10 },
  { header: 'NAME', width: 14 },
  { header: 'HEALTH', width: 10, isHealth: true },
  { header: 'COPIES', width: 6, minTableWidth: 90 },
  { header: 'PROVEN RESTORABLE', width: 'grow' },
];

export function workloadStepRows(report: StatusReport | null, nowMs: number): ScreenRow[] {
  return restorableAssets(report).map((a) => ({
    key: `w:${a.id}`,
    cells: [
      a.id,
      a.name,
      a.health,
      `${a.copies}/${a.required.copies}`,
      a.lastProvenRestorableAt ? `${shortTime(a.lastProvenRestorableAt)} (${shortAge((nowMs - Date.parse(a.lastProvenRestorableAt)) / 1000)} ago)` : 'NEVER',
    ],
    health: a.health,
    search: `${a.id} ${a.name}`,
  }));
}

export const SOURCE_COLUMNS: readonly Column[] = [
  { header: '#', width: 2, align: 'right' },
  { header: 'LAYER', width: 13 },
  { header: 'TAKEN', width: 17, minTableWidth: 100 },
  { header: 'AGE', width: 5 },
  { header: 'PLACE', width: 9 },
  { header: 'PROVEN', width: 6 },
  { header: 'ESTIMATE / WHAT IT TAKES', width: 'grow' },
];

const PLACE: Record<RestoreSource['location'], string> = { 'same-host': 'same host', lan: 'LAN', 'off-site': 'OFF-SITE' };

/** One row per source, best first; then the layers that could not be read (never selectable, never "no point"). */
export function sourceRows(list: SourceList, nowMs: number): ScreenRow[] {
  const rows: ScreenRow[] = list.sources.map((s) => {
    const via = s.via.length > 0 ? ` via ${s.via.join(' → ')}` : '';
    const what = s.plannable ? `${s.estimate.text}${via}` : `NOT PLANNED: ${s.whyNot ?? s.steps.filter((x) => !x.planned).map((x) => x.label).join(', ')}`;
    const proven = s.provenAtSec === null ? 'never' : shortAge(nowMs / 1000 - s.provenAtSec);
    return {
      key: `s:${s.id}`,
      cells: [String(s.rank), s.layerId, shortTime(isoFromMs(s.point.timeSec * 1000)), shortAge(s.ageSeconds), PLACE[s.location], proven, what],
      isDim: !s.plannable,
      search: `${s.layerId} ${s.point.ref}`,
    };
  });
  for (const u of list.unreadable) {
    rows.push({ key: `u:${u.layerId}`, cells: ['?', u.layerId, '', '', '', '', `UNKNOWN: ${u.reason}`], isDim: true, search: u.layerId });
  }
  return rows;
}

/** The selected source in one line, for the lines under the step trail. */
export function sourceLine(s: RestoreSource): string {
  return `${s.layerId} · ${s.point.ref} · taken ${shortTime(isoFromMs(s.point.timeSec * 1000))} (${shortAge(s.ageSeconds)} ago) · ${PLACE[s.location]}`;
}

export interface TargetLine {
  readonly field: TargetField;
  readonly label: string;
  readonly value: string;
  /** The field takes typed text (VMID, storage). */
  readonly isText: boolean;
}

function kindText(kind: TargetKind, source: RestoreSource | undefined, assetId: string): string {
  const snapshot = source ? isSnapshotSource(source) : false;
  switch (kind) {
    case 'new':
      return snapshot ? 'a new guest from the snapshot (clone), at the next free VMID' : 'a new guest at the next free VMID (pvesh get /cluster/nextid)';
    case 'vmid':
      return snapshot ? 'a new guest from the snapshot (clone), at a VMID you type' : 'a new guest at a VMID you type';
    case 'original':
      return snapshot
        ? `roll ${assetId} back to the snapshot: everything since is LOST (typed confirmation)`
        : `over ${assetId} itself (--force: its disks are DESTROYED first; typed confirmation)`;
    case 'drill':
      return 'a DRILL: a scratch copy, links down, checked, then destroyed';
  }
}

/** The tool's own default storage, said before the operator chooses another. */
export function storageDefault(type: 'qemu' | 'lxc' | undefined): string {
  if (type === 'lxc') return 'pct restore puts every volume on local';
  if (type === 'qemu') return "qmrestore keeps each disk's storage from the backup";
  return "the restore tool's default";
}

export function targetLines(w: Wizard): TargetLine[] {
  const source = selectedSource(w);
  const guest = w.sources?.state === 'ready' ? w.sources.value.guest : undefined;
  const f = w.target;
  const assetId = w.assetId ?? '';
  const box = (on: boolean) => (on ? '[x]' : '[ ]');
  return targetFields(f, source, guest?.exists ?? true).map((field): TargetLine => {
    switch (field) {
      case 'kind':
        return { field, label: 'Restore to', value: `‹ ${kindText(f.kind, source, assetId)} ›`, isText: false };
      case 'vmid':
        return {
          field,
          label: f.kind === 'drill' ? 'Scratch VMID' : 'VMID',
          value: f.vmidText === '' ? (f.kind === 'drill' ? '(empty: the next free VMID)' : '(type the new VMID)') : f.vmidText,
          isText: true,
        };
      case 'storage':
        return { field, label: 'Storage', value: f.storage === '' ? `(default: ${storageDefault(guest?.type)}; type a name to choose)` : f.storage, isText: true };
      case 'unique': {
        const on = f.unique ?? true;
        return { field, label: '--unique', value: `${box(on)} new MAC addresses (${assetId} still exists and may be running)`, isText: false };
      }
      case 'start':
        return { field, label: 'Start after', value: `${box(f.start)} start it after the restore (then its agent or state is checked)`, isText: false };
    }
  });
}

/** The plan's target in words (the preflight and the plan show it). */
export function targetSummary(plan: RestorePlan): string[] {
  const t = plan.target;
  const what = t.overwrites ? `OVER ${t.type === 'qemu' ? 'VM' : 'CT'} ${t.vmid} (it is replaced)` : `${t.type === 'qemu' ? 'VM' : 'CT'} ${t.vmid} (new)`;
  return [
    `Target: ${what} on ${t.node} (${t.host}) · method ${plan.method}`,
    `Storage: ${t.storage ?? 'tool default'}: ${t.storageNote}`,
    `MACs: ${t.uniqueNote} · start after: ${t.start ? 'yes' : 'no'}`,
  ];
}

export function preflightItems(plan: RestorePlan): CheckItem[] {
  return plan.preflight.map((c) => ({ key: c.id, label: c.label, state: c.state, ...(c.detail ? { detail: c.detail } : {}) }));
}

/** The checks after the run: each as it ended, the next one running, the rest waiting (or not run once the run ended). */
export function checkItems(plan: RestorePlan, run: WizardRun): CheckItem[] {
  const done = new Map(run.checks.map((c) => [c.id, c]));
  const fromResult = new Map((run.result?.checks ?? []).map((c) => [c.id, c]));
  let runningShown = false;
  return plan.checks.map((spec) => {
    const c = fromResult.get(spec.id) ?? done.get(spec.id);
    if (c) return { key: spec.id, label: c.label, state: c.state, ...(c.detail ? { detail: c.detail } : {}) };
    if (run.result) return { key: spec.id, label: spec.label, state: 'not-run', detail: 'the run ended before this check' };
    const state = !runningShown && run.checks.length > 0 ? 'running' : 'pending';
    runningShown ||= state === 'running';
    return { key: spec.id, label: spec.label, state };
  });
}

export interface ProgressSummary {
  /** Null where the tool gives no percent (containers): elapsed time and bytes instead. */
  readonly percent: number | null;
  /** What the bar is of: `whole archive`, `disk 2 of 3 (drive-scsi1)`. */
  readonly barLabel: string;
  readonly lines: readonly string[];
}

/** The progress of a run in words: step, elapsed, ETA, percent or bytes. */
export function progressSummary(run: WizardRun, plan: RestorePlan, nowMs: number): ProgressSummary {
  const elapsedSec = ((run.result ? run.startedAtMs + run.result.durationMs : nowMs) - run.startedAtMs) / 1000;
  const p = run.progress;
  const step = run.step ? `Step ${run.step.index + 1} of ${run.step.of}: ${run.step.description}` : 'Starting…';
  const eta =
    run.etaSeconds !== null
      ? `ETA ${clock(run.etaSeconds)}`
      : plan.source.estimate.seconds !== null
        ? `no percent from the tool: the estimate was ${clock(plan.source.estimate.seconds)} (${plan.source.estimate.basis})`
        : 'no percent from the tool, no estimate';
  const lines = [step, `Elapsed ${clock(elapsedSec)} · ${eta}`];
  if (!p) return { percent: null, barLabel: '', lines };
  switch (p.scope) {
    case 'whole':
      lines.push(`Read ${formatBytes(p.bytesRead)}${p.totalBytes ? ` of ${formatBytes(p.totalBytes)}` : ''} (one stream over every disk)`);
      return { percent: p.percent, barLabel: 'archive', lines };
    case 'disk': {
      const d = p.disk;
      const of = d ? `disk ${d.index}${d.count ? ` of ${d.count}` : ''}` : 'disk';
      lines.push(`Read ${formatBytes(p.bytesRead)} · ${p.disksDone} disk${p.disksDone === 1 ? '' : 's'} done${d ? ` · now ${d.name}` : ''} (the percent restarts for each disk)`);
      return { percent: p.percent, barLabel: of, lines };
    }
    case 'none':
      lines.push(`Written ${formatBytes(p.bytesRead)} · the tool gives no percent: elapsed time and bytes only`);
      return { percent: null, barLabel: '', lines };
  }
}

const STATE_TEXT = {
  restored: '✔ RESTORED and checked',
  'check-failed': '▲ RESTORED, but a check FAILED',
  failed: '✖ FAILED',
  cancelled: '■ CANCELLED',
} as const;

export function runStateText(run: WizardRun): string {
  if (run.result) return STATE_TEXT[run.result.state];
  if (run.cancelling) return '… CANCELLING (stopping the remote task)';
  return '⟳ RUNNING';
}
