/**
 * From a status report and what was told before to the messages to send now:
 * one per root cause that is new, changed, due a reminder, or recovered.
 * The same for `strata notify` and the panel. Pure.
 */
import { formatDuration } from '../duration.js';
import { isoTime } from '../format.js';
import type { Inventory } from '../inventory.js';
import type { StatusReport } from '../status-report.js';
import type { Health } from '../types.js';
import { problemChanges, type ProblemEvent, type ProblemEventKind, type ToldProblem } from './changes.js';
import { rootCauses, type RootCause } from './root-causes.js';

export interface NotifyMessage {
  readonly event: ProblemEventKind;
  /** The root cause's key (`host:pbs1`). */
  readonly key: string;
  /** The root, for people: "host pbs1", "datastore pbs-local (pbs1)". */
  readonly root: string;
  /** `ok` for a recovery. */
  readonly health: Health;
  readonly previous?: Health;
  readonly title: string;
  readonly text: string;
  /** Epoch seconds of the reading it tells about. */
  readonly atSec: number;
}

export interface NotifyPlan {
  readonly messages: NotifyMessage[];
  /** What is told once these are sent: the state to keep. */
  readonly told: Record<string, ToldProblem>;
  /** Every current problem, told now or not (a dead-man ping's body lists them). */
  readonly causes: RootCause[];
}

/** Names shown in a message before "and N more". */
const LISTED = 5;
const REASONS = 3;

export function notifyMessages(
  report: StatusReport,
  inventory: Pick<Inventory, 'layers'>,
  told: Readonly<Record<string, ToldProblem>>,
  nowSec: number,
  remindEverySeconds: number,
): NotifyPlan {
  const causes = rootCauses(report, inventory);
  const changes = problemChanges(told, causes, report, nowSec, remindEverySeconds);
  return { messages: changes.events.map((e) => messageOf(e, nowSec)), told: changes.told, causes };
}

const HEALTH_WORD: Record<Health, string> = { ok: 'OK', warn: 'WARN', crit: 'CRIT', unknown: 'UNKNOWN' };

export const healthWord = (h: Health): string => HEALTH_WORD[h];

function messageOf(e: ProblemEvent, nowSec: number): NotifyMessage {
  const base = { event: e.kind, key: e.key, root: e.what, ...(e.previous ? { previous: e.previous } : {}), atSec: nowSec };
  const since = isoTime(Math.floor(e.sinceSec));
  const lasted = formatDuration(Math.max(0, nowSec - e.sinceSec));
  if (e.kind === 'recovery' || !e.cause) {
    const now = e.health === null ? 'no longer in the status' : `${HEALTH_WORD[e.health]} now`;
    return {
      ...base,
      health: 'ok',
      title: `Recovered: ${e.what}`,
      text: `${e.what} is ${now}, after ${lasted} ${e.previous ? HEALTH_WORD[e.previous] : 'failing'} (since ${since}).`,
    };
  }
  const c = e.cause;
  const word = HEALTH_WORD[c.health];
  const title =
    e.kind === 'reminder'
      ? `Still ${word}: ${c.what}`
      : e.previous && e.previous !== c.health
        ? `${word} (was ${HEALTH_WORD[e.previous]}): ${c.what}`
        : `${word}: ${c.what}`;
  const lines = [...c.reasons.slice(0, REASONS), ...(c.reasons.length > REASONS ? [`(and ${c.reasons.length - REASONS} more reasons)`] : [])];
  const held = heldText(c);
  if (held) lines.push(held);
  lines.push(e.kind === 'reminder' ? `A problem for ${lasted} (since ${since}).` : `Since ${since}.`);
  return { ...base, health: c.health, title, text: lines.join('\n') };
}

/** "Because of it: 3 layers (a, b, c), 1 of them copying another, 12 workloads (...)". */
function heldText(c: RootCause): string | undefined {
  const parts: string[] = [];
  if (c.layers.length > 0) {
    const chains = c.chains.length > 0 ? `, ${c.chains.length} of them by copying a failing layer` : '';
    parts.push(`${count(c.layers.length, 'layer')} (${listed(c.layers)})${chains}`);
  }
  if (c.workloads.length > 0) parts.push(`${count(c.workloads.length, 'workload')} (${listed(c.workloads)})`);
  return parts.length > 0 ? `Failing with it: ${parts.join('; ')}.` : undefined;
}

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function listed(names: readonly string[]): string {
  const shown = names.slice(0, LISTED).join(', ');
  return names.length > LISTED ? `${shown} and ${names.length - LISTED} more` : shown;
}
