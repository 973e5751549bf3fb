/**
 * The journal file's entries (a start, the commands, an end per action) as
 * the Journal screen's rows, one per action, and what Strata last did on
 * one layer, for its Layer screen.
 */
import type { JournalEntry } from '../services/journal/entry.js';
export { isStrataJobType } from '../services/journal/strata-runs.js';
import type { JournalEntryView } from './journal-slice.js';

export function journalViews(entries: readonly JournalEntry[]): JournalEntryView[] {
  interface Acc {
    id: string;
    atMs: number;
    kind: string;
    title: string;
    layerId?: string;
    hosts: Set<string>;
    state: string;
    summary: string;
    durationMs?: number;
    verified?: 'ok' | 'failed';
    planned: string[];
    ran: string[];
    user: string;
  }
  const byAction = new Map<string, Acc>();
  const loose: JournalEntryView[] = [];
  const accFor = (id: string, at: string, operator: string): Acc => {
    let a = byAction.get(id);
    if (!a) {
      a = { id, atMs: Date.parse(at), kind: 'action', title: '(start not in the journal)', hosts: new Set(), state: 'unfinished', summary: '', planned: [], ran: [], user: operator };
      byAction.set(id, a);
    }
    return a;
  };
  for (const e of entries) {
    switch (e.type) {
      case 'action-start': {
        const a = accFor(e.actionId, e.at, e.operator);
        a.atMs = Date.parse(e.at);
        a.kind = e.request.kind;
        a.title = e.title;
        a.layerId = e.request.layerId;
        a.user = e.operator;
        a.planned = e.steps.map((s) => s.command);
        for (const s of e.steps) a.hosts.add(s.host);
        if (a.state === 'unfinished') a.summary = 'no end recorded (still running, or Strata stopped)';
        break;
      }
      case 'command': {
        const line = `${e.command}  → ${e.exitCode === null ? (e.error?.kind ?? 'no exit code') : `exit ${e.exitCode}`}`;
        if (e.actionId) {
          const a = accFor(e.actionId, e.at, e.operator);
          a.ran.push(line);
          a.hosts.add(e.host);
        } else {
          loose.push({ id: `cmd:${e.at}:${loose.length}`, atMs: Date.parse(e.at), kind: 'command', title: e.command, hosts: [e.host], state: e.exitCode === 0 ? 'ok' : 'failed', summary: line, durationMs: e.durationMs, commands: [line], user: e.operator });
        }
        break;
      }
      case 'action-end': {
        const a = accFor(e.actionId, e.at, e.operator);
        a.kind = e.request.kind;
        a.title = e.title;
        a.layerId = e.request.layerId;
        a.state = e.state;
        a.summary = e.summary;
        a.durationMs = e.durationMs;
        if (e.verified) a.verified = e.verified;
        break;
      }
    }
  }
  const views = [...byAction.values()].map(
    (a): JournalEntryView => ({
      id: a.id,
      atMs: Number.isNaN(a.atMs) ? 0 : a.atMs,
      kind: a.kind,
      title: a.title,
      ...(a.layerId ? { layerId: a.layerId } : {}),
      hosts: [...a.hosts],
      state: a.state,
      summary: a.summary,
      ...(a.durationMs !== undefined ? { durationMs: a.durationMs } : {}),
      ...(a.verified ? { verified: a.verified } : {}),
      // What actually ran; the plan when nothing was recorded as run.
      commands: a.ran.length > 0 ? a.ran : a.planned,
      user: a.user,
    }),
  );
  return [...views, ...loose].sort((x, y) => y.atMs - x.atMs);
}

/** What Strata itself last did on one layer: the journal is the only record of it. */
export interface LayerActivity {
  /** Its newest action that ended (a run or a verify; cancelled ones too: they ran). */
  readonly lastAction?: JournalEntryView;
  /** Its newest verify that ended with a result (a cancelled one proves nothing either way). */
  readonly lastVerify?: JournalEntryView;
}

/** When an action ended, epoch ms: its start plus how long it took. */
export const endedAtMs = (e: JournalEntryView): number => e.atMs + (e.durationMs ?? 0);

export function layerActivity(entries: readonly JournalEntryView[], layerId: string): LayerActivity {
  let lastAction: JournalEntryView | undefined;
  let lastVerify: JournalEntryView | undefined;
  for (const e of entries) {
    if (e.layerId !== layerId || e.state === 'unfinished') continue;
    if (!lastAction || endedAtMs(e) > endedAtMs(lastAction)) lastAction = e;
    if (e.kind === 'verify' && e.state !== 'cancelled' && (!lastVerify || endedAtMs(e) > endedAtMs(lastVerify))) lastVerify = e;
  }
  return { ...(lastAction ? { lastAction } : {}), ...(lastVerify ? { lastVerify } : {}) };
}
