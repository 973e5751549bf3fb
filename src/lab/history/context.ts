/** What the history generators share while they replay the ninety days. */
import type { ScenarioPlan } from '../scenarios/types.js';
import type { Rng } from '../state/ids.js';
import type { FileSet, GuestTemplate, LabState, PbsBackupType, PbsSnapshot } from '../state/types.js';

export const HISTORY_DAYS = 90;

/** One snapshot written to pbs1 at some point of the history (pruned or not). */
export interface PbsEvent {
  readonly type: PbsBackupType;
  readonly id: string;
  readonly time: number;
  readonly files: PbsSnapshot['files'];
  readonly owner: string;
  readonly comment?: string;
  readonly guest?: GuestTemplate;
  /** The files of its pxar archives, when the lab knows them. */
  readonly archives?: Record<string, FileSet>;
  /** The backup task, whose verification (verify-new) marks the snapshot. */
  readonly backupUpid: string;
  /** When the backup task ended. */
  readonly endedAt: number;
  /** Start of the job run that made it (shared by the guests of one run, for replays). */
  readonly runStart: number;
}

export interface HistoryContext {
  /** The real clock when the lab started: the history ends here. */
  readonly now: number;
  readonly start: number;
  readonly rng: Rng;
  readonly plan: ScenarioPlan;
  readonly state: LabState;
  readonly pbsEvents: PbsEvent[];
  /** When a host stopped existing (Infinity when it is still there). */
  goneAt(host: string): number;
}
