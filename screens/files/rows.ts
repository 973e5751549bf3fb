/**
 * What each file-wizard step shows, as pure functions of its state: the
 * ranked sources, the target form, the thaw tiers, the thaw's counts, the
 * progress of a run. The step views only lay these out.
 */
import type { CheckItem } from '../../components/CheckList.js';
import type { Column } from '../../components/table-types.js';
import { formatBytes } from '../../src/domain/format.js';
import {
  filesTargetFields,
  selectedFileSource,
  type FileRestorePlan,
  type FileSource,
  type FileSourceList,
  type FilesRun,
  type FilesTargetKind,
  type FilesWizard,
  type SavedThaw,
  type ThawProgress,
} from '../../src/store/index.js';
import { clock } from '../restore/rows.js';
import { isoFromMs, shortAge, shortTime } from '../rows/format.js';
import type { ScreenRow } from '../rows/pane.js';

const PLACE: Record<FileSource['location'], string> = { 'same-host': 'same host', lan: 'LAN', 'off-site': 'OFF-SITE' };

const KIND: Record<FileSource['kind'], string> = { restic: 'restic', 'pbs-archive': 'PBS', 'zfs-snapshot': 'ZFS snap', 'zfs-replica': 'ZFS repl', rclone: 'rclone', 'pbs-image': 'PBS img' };

export const FILE_SOURCE_COLUMNS: readonly Column[] = [
  { header: '#', width: 2, align: 'right' },
  { header: 'LAYER', width: 13 },
  { header: 'KIND', width: 8, minTableWidth: 90 },
  { header: 'TAKEN', width: 17, minTableWidth: 110 },
  { header: 'AGE', width: 5 },
  { header: 'PLACE', width: 9 },
  { header: 'WHAT IT TAKES', width: 'grow' },
];

/** One row per source, best first; a cold one says "thaw first"; then the layers that could not be read. */
export function fileSourceRows(list: FileSourceList): ScreenRow[] {
  const rows: ScreenRow[] = list.sources.map((s) => {
    const cold = s.cold ? `THAW FIRST (${s.cold.storageClass}) → ` : '';
    const what = s.plannable ? `${cold}${s.estimate.text}` : `NOT PLANNED: ${s.whyNot ?? s.steps.filter((x) => !x.planned).map((x) => x.label).join(', ')}`;
    return {
      key: `s:${s.id}`,
      cells: [String(s.rank), s.layerId, KIND[s.kind], shortTime(isoFromMs(s.point.timeSec * 1000)), shortAge(s.ageSeconds), PLACE[s.location], what],
      isDim: !s.plannable,
      search: `${s.layerId} ${s.point.ref}`,
    };
  });
  for (const u of list.unreadable) rows.push({ key: `u:${u.layerId}`, cells: ['?', u.layerId, '', '', '', '', `UNKNOWN: ${u.reason}`], isDim: true, search: u.layerId });
  return rows;
}

export function sourceSteps(s: FileSource): string {
  return s.steps.map((x) => `${x.planned ? '' : 'NOT PLANNED: '}${x.label}`).join(' → ');
}

export function fileSourceLine(s: FileSource): string {
  return `${s.layerId} · ${s.point.ref} · taken ${shortTime(isoFromMs(s.point.timeSec * 1000))} (${shortAge(s.ageSeconds)} ago) · ${PLACE[s.location]}`;
}

export const THAW_LIST_COLUMNS: readonly Column[] = [
  { header: 'ID', width: 29 },
  { header: 'ASKED', width: 6 },
  { header: 'LAYER', width: 13 },
  { header: 'STATE', width: 9 },
  { header: 'PATHS', width: 'grow' },
];

export function thawListRows(thaws: readonly SavedThaw[], nowMs: number): ScreenRow[] {
  return thaws.map((t) => ({
    key: `t:${t.id}`,
    cells: [t.id, shortAge(nowMs / 1000 - t.createdAtSec), t.layerId, t.state, t.paths.join(' ')],
    search: `${t.id} ${t.layerId} ${t.paths.join(' ')}`,
  }));
}

export interface FilesTargetLine {
  readonly label: string;
  readonly value: string;
  readonly isText: boolean;
}

function kindText(kind: FilesTargetKind, w: FilesWizard, source: FileSource | undefined): string {
  const dataset = source?.covers ?? 'the dataset';
  switch (kind) {
    case 'alternate':
      return 'a new directory on the host (nothing overwritten)';
    case 'original':
      return 'OVER the original paths (typed; overwrite policy below)';
    case 'clone':
      return 'a new clone of the snapshot (nothing destroyed)';
    case 'rollback':
      return `ROLL ${dataset} BACK (newer snapshots DESTROYED; typed)`;
    case 'receive':
      return `RECEIVE ${dataset} from the replica (recv -F; typed)`;
    default:
      return w.label;
  }
}

const OVERWRITE_TEXT = {
  'if-changed': 'if-changed: replace files whose content differs',
  'if-newer': 'if-newer: replace only files older than the backup',
  never: 'never: keep every file that exists, restore only missing ones',
  always: 'always: replace every file restored',
} as const;

export function filesTargetLines(w: FilesWizard): FilesTargetLine[] {
  const source = selectedFileSource(w);
  const f = w.target;
  return filesTargetFields(f).map((field) => {
    switch (field) {
      case 'kind':
        return { label: 'Restore to', value: `‹ ${kindText(f.kind, w, source)} ›`, isText: false };
      case 'dir':
        return { label: 'Directory', value: f.dir === '' ? '(default: a new /var/tmp/strata-restore/<time> on the host; type a path to choose)' : f.dir, isText: true };
      case 'overwrite':
        return { label: 'Overwrite', value: `‹ ${OVERWRITE_TEXT[f.overwrite]} ›`, isText: false };
    }
  });
}

/** What the chosen paths are, in words (the target step and the plan's head). */
export function chosenText(paths: readonly string[], source: FileSource | undefined): string {
  if (paths.length === 0) return `all of ${source?.start ?? 'the path asked for'}`;
  if (paths.length <= 3) return paths.join(', ');
  return `${paths.slice(0, 2).join(', ')} and ${paths.length - 2} more`;
}

export function planHead(plan: FileRestorePlan): string[] {
  const what = plan.paths.length > 0 ? chosenText(plan.paths, plan.source) : plan.method;
  return [
    `From ${fileSourceLine(plan.source)}`,
    `What: ${what}`,
    `To: ${plan.target.host}:${plan.target.path}${plan.target.overwrites ? ' (OVERWRITES)' : ' (nothing overwritten)'}`,
    ...(plan.thaw ? [`Thaw first: ${plan.thaw.priority} (${plan.thaw.wait}, cost ${plan.thaw.cost}), kept thawed ${plan.thaw.lifetimeDays} days`] : []),
  ];
}

export function preflightItems(plan: FileRestorePlan): CheckItem[] {
  return plan.preflight.map((c) => ({ key: c.id, label: c.label, state: c.state, detail: c.detail }));
}

export function fileCheckItems(plan: FileRestorePlan, run: FilesRun): CheckItem[] {
  const done = new Map(run.checks.map((c) => [c.id, c]));
  const over = run.result !== null;
  return plan.checks.map((spec) => {
    const r = done.get(spec.id) ?? run.result?.checks.find((c) => c.id === spec.id);
    if (r) return { key: spec.id, label: r.label, state: r.state, detail: r.detail };
    return { key: spec.id, label: spec.label, state: over ? 'not-run' : 'pending' };
  });
}

/** Thawed, thawing, not requested, failed: the counts of a cold restore, and whether it can go on. */
export function thawLines(t: ThawProgress): string[] {
  const c = t.counts;
  const total = c.thawed + c.thawing + c.notRequested + c.failed;
  return [
    `Thawed ${c.thawed} of ${total} · thawing ${c.thawing} · not requested ${c.notRequested}${c.failed > 0 ? ` · FAILED ${c.failed}` : ''}`,
    `Asked ${shortTime(isoFromMs(t.requestedAtSec * 1000))} · expected wait ${t.wait} · read by ${t.readBy === 'restore-status' ? 'rclone backend restore-status' : 'a copy attempt (rclone before 1.64)'}`,
    ...(t.detail ? [t.detail] : []),
    t.ready ? 'Every object is thawed: Enter copies them back and checks them.' : 'Not every object is thawed yet: r reads the state again; q leaves (the restore stays saved).',
  ];
}

export interface FilesProgress {
  readonly percent: number | null;
  readonly lines: readonly string[];
}

/** Percent where restic --json gives one; else elapsed time and bytes written under the target. */
export function filesProgress(run: FilesRun, plan: FileRestorePlan, nowMs: number): FilesProgress {
  const elapsedSec = ((run.result ? run.startedAtMs + run.result.durationMs : nowMs) - run.startedAtMs) / 1000;
  const step = run.step ? `Step ${run.step.index + 1} of ${run.step.of}: ${run.step.description}` : 'Starting…';
  const p = run.progress;
  const eta = run.etaSeconds !== null ? ` · ETA ${clock(run.etaSeconds)}` : '';
  const lines = [step, `Elapsed ${clock(elapsedSec)}${eta}`];
  if (!p) return { percent: null, lines };
  if (p.percent !== null) {
    lines.push(`Read ${formatBytes(p.bytesRead)}${p.totalBytes ? ` of ${formatBytes(p.totalBytes)}` : ''}`);
    return { percent: p.percent, lines };
  }
  lines.push(`Written ${formatBytes(p.bytesRead)} under ${plan.target.path} · the tool gives no percent here: elapsed time and bytes only`);
  return { percent: null, lines };
}

const STATE_TEXT = {
  restored: '✔ RESTORED and checked',
  'check-failed': '▲ RESTORED, but a check FAILED',
  thawing: '… THAW REQUESTED',
  failed: '✖ FAILED',
  cancelled: '■ CANCELLED',
} as const;

export function filesRunState(run: FilesRun): string {
  if (run.result) return STATE_TEXT[run.result.state];
  if (run.cancelling) return '… CANCELLING';
  return '⟳ RUNNING';
}
