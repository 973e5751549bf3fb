/** The journal as rows, newest first (the slice keeps them sorted). */
import type { Column } from '../../components/table-types.js';
import type { JournalEntryView } from '../../src/store/index.js';
import { isoFromMs, shortAge, shortTime } from './format.js';
import type { ScreenRow } from './pane.js';

export const JOURNAL_COLUMNS: readonly Column[] = [
  { header: 'WHEN', width: 17 },
  { header: 'WHAT', width: 7 },
  { header: 'LAYER', width: 14 },
  { header: 'RESULT', width: 12 },
  { header: 'TOOK', width: 5, align: 'right', minTableWidth: 90 },
  { header: 'SUMMARY', width: 'grow' },
];

export function resultWord(e: JournalEntryView): string {
  const state = e.state === 'ok' ? 'ok' : e.state.toUpperCase();
  if (e.verified === 'ok') return `${state}, proven`;
  if (e.verified === 'failed') return 'VERIFY FAILED';
  return state;
}

export function journalRows(entries: readonly JournalEntryView[]): ScreenRow[] {
  return entries.map((e) => ({
    key: `j:${e.id}`,
    cells: [shortTime(isoFromMs(e.atMs)), e.kind, e.layerId ?? '-', resultWord(e), e.durationMs === undefined ? '' : shortAge(e.durationMs / 1000), e.summary],
    search: `${e.kind} ${e.layerId ?? ''} ${e.hosts.join(' ')} ${e.state} ${e.verified ?? ''} ${e.title} ${e.summary}`,
    ...(e.layerId ? { layerId: e.layerId } : {}),
    ...(e.layerId ? { open: { kind: 'layer' as const, layerId: e.layerId } } : {}),
  }));
}
